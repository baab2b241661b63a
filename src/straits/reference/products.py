"""Product names people type, in English, Korean and Japanese, and the HS codes they mean.

``product_aliases.tsv`` holds one row per name: ``alias, lang, products, scope, note,
source``. ``products`` lists the HS6 codes (``|``-separated: graphite is three codes),
``scope`` says whether the codes are ``exact`` or ``broader`` than the product (photoresist
is inside 370790 with every other photographic preparation), ``note`` says what else the code
holds or how the HS revisions differ, and ``source`` where the name and its classification
come from. Codes are HS2017 (the embedded BACI release) and are checked against HS 2022.

Every ``--product``/``--products`` goes through :func:`expand_items` (via
:func:`straits.reference.lookup.parse_products` and :func:`straits.resolve.products`), so each
engine accepts the names; :func:`search` backs ``straits product`` and the dashboard search.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from straits.errors import UnknownCodeError
from straits.reference.lookup import _shell_word, is_code, norm, normalise_hs, read_tsv

if TYPE_CHECKING:
    import pyarrow as pa

#: columns of :func:`search`
SEARCH_COLUMNS = ["product", "description", "level", "source", "alias", "scope", "note"]


@dataclass(frozen=True)
class Alias:
    """One product name and the HS codes it stands for."""

    alias: str
    lang: str
    products: tuple[str, ...]
    scope: str
    note: str
    source: str

    def describe(self) -> str:
        """One line for notes and messages: ``gallium = HS 811292 (broader: ...)``."""
        codes = ", ".join(self.products)
        what = f"{len(self.products)} HS codes" if len(self.products) > 1 else "HS"
        detail = "; ".join(p for p in (
            "the HS code is broader than the product" if self.scope == "broader" else "",
            self.note) if p)
        return f"{self.alias} = {what} {codes}" + (f" ({detail})" if detail else "")


@lru_cache(maxsize=1)
def aliases() -> tuple[Alias, ...]:
    """Every row of ``product_aliases.tsv``."""
    return tuple(Alias(r["alias"], r["lang"], tuple(r["products"].split("|")), r["scope"],
                       r["note"], r["source"]) for r in read_tsv("product_aliases.tsv"))


@lru_cache(maxsize=1)
def _index() -> dict[str, Alias]:
    return {norm(a.alias): a for a in aliases()}


def find(name: str) -> Alias | None:
    """The alias ``name`` spells (case, spaces and hyphens ignored), or None."""
    return _index().get(norm(name))


def closest(name: str, n: int = 5) -> list[Alias]:
    """Aliases closest to ``name``: containing it first, then similar spellings."""
    key = norm(name)
    if not key:
        return []
    index = _index()
    keys = [k for k in index if len(key) >= 3 and key in k]
    keys += difflib.get_close_matches(key, list(index), n=n * 2, cutoff=0.6)
    out: list[Alias] = []
    for k in keys:
        if index[k] not in out:
            out.append(index[k])
    return out[:n]


def unknown_product(item: str) -> UnknownCodeError:
    """The error for a name that is neither an HS code nor an alias, with suggestions."""
    near = closest(item)
    tip = "; closest names: " + ", ".join(f"{a.alias} ({', '.join(a.products)})"
                                           for a in near) if near else ""
    return UnknownCodeError(
        f"Unknown product {item!r}: expected HS codes (2, 4 or 6 digits) or a product name"
        f"{tip}. Look it up with `straits product {_shell_word(item)}`.")


def expand_items(spec: str | list[str] | tuple[str, ...] | None
                 ) -> list[tuple[str, list[str]]] | None:
    """Each item of a product spec with its HS prefixes: ``[("gallium", ["811292"]), ...]``.

    Items are comma-separated (or a list); codes lose no leading zero (:func:`normalise_hs`).

    Raises
    ------
    UnknownCodeError
        An item is neither a code nor a known name.
    """
    if spec is None:
        return None
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    out: list[tuple[str, list[str]]] = []
    for raw in items:
        item = str(raw).strip()
        if not item:
            continue
        if is_code(item):
            out.append((item, [normalise_hs(item)]))
            continue
        hit = find(item)
        if hit is None:
            if item.replace(" ", "").isdigit() or any(ch.isdigit() for ch in item[:1]):
                raise UnknownCodeError(
                    f"Unknown product code {item!r}: expected 2, 4 or 6 digits.")
            raise unknown_product(item)
        out.append((item, list(hit.products)))
    return out or None


def alias_notes(spec: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """One line per product name in ``spec`` saying which HS codes it stands for."""
    if spec is None:
        return []
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    found = [find(str(i)) for i in items if str(i).strip() and not is_code(str(i).strip())]
    return [a.describe() for a in found if a is not None]


def search(query: str, loaded: pa.Table | None = None) -> pa.Table:
    """Products matching a code prefix, a product name or words of the HS description.

    Parameters
    ----------
    query : str
        ``811292`` or ``8112,2504`` (prefixes), a name in English, Korean or Japanese
        (``graphite``, ``포토레지스트``, ``フッ化水素``), or words of the description.
    loaded : pyarrow.Table, optional
        The warehouse's products (product, description, hs), searched first: their
        descriptions come from the loaded release.

    Returns
    -------
    pyarrow.Table
        :data:`SEARCH_COLUMNS`: HS code, description, level (2, 4, 6), source (``BACI HS17``
        when the code is loaded, else ``HS2022``), and for rows found by a name the alias, its
        scope (``exact`` or ``broader``) and note. Names first, then codes in order.
    """
    from straits import _arrow
    from straits.reference.lookup import hs_table

    hs = hs_table()
    if loaded is None:
        loaded = _arrow.table({c: _arrow.strings([]) for c in ("product", "description", "hs")})
    desc = dict(zip(loaded.column("product").to_pylist(),
                    loaded.column("description").to_pylist(), strict=True))
    rev = dict(zip(loaded.column("product").to_pylist(), loaded.column("hs").to_pylist(),
                   strict=True))
    hs_desc = dict(zip(hs.column("product").to_pylist(), hs.column("description").to_pylist(),
                       strict=True))
    hs_level = dict(zip(hs.column("product").to_pylist(), hs.column("level").to_pylist(),
                        strict=True))
    rows: list[dict] = []
    seen: set[str] = set()

    def add(code: str, alias: Alias | None = None) -> None:
        if code in seen:
            return
        seen.add(code)
        rows.append({"product": code, "description": desc.get(code, hs_desc.get(code, "")),
                     "level": hs_level.get(code, str(len(code))),
                     "source": f"BACI {rev[code]}" if code in rev else "HS2022",
                     "alias": alias.alias if alias else None,
                     "scope": alias.scope if alias else None,
                     "note": (alias.note or None) if alias else None})

    q = query.strip()
    if q and all(is_code(p) for p in q.split(",") if p.strip()):
        prefixes = tuple(normalise_hs(p) for p in q.split(",") if p.strip())
        codes = sorted({c for c in [*desc, *hs_desc] if c.startswith(prefixes)})
        for c in codes:
            add(c)
    else:
        key = norm(q)
        exact = find(q)
        named = ([exact] if exact else []) + [
            a for a in aliases() if len(key) >= 3 and key in norm(a.alias) and a is not exact]
        for a in named:
            for c in a.products:
                add(c, a)
        words = [w.casefold() for w in q.split()]
        if words:  # a few thousand descriptions: plain string tests beat an Arrow kernel import
            for texts in (desc, hs_desc):
                for c in sorted(c for c, d in texts.items()
                                if d and all(w in d.casefold() for w in words)):
                    add(c)
    return _arrow.table({c: _arrow.strings([r[c] for r in rows]) for c in SEARCH_COLUMNS})
