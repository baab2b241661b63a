"""Names to codes, in one place: economies and blocs to BACI codes, products to loaded HS6.

Every engine resolves what a user typed through these functions, so ``KOR``, ``Korea``,
``한국`` and ``410`` mean the same economy everywhere, ``EU27`` is one bloc everywhere, and a
product prefix (``2504``) or alias expands to the same HS6 codes in every command.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from straits.errors import UnknownCodeError
from straits.params import split_list
from straits.reference import lookup
from straits.warehouse import queries

if TYPE_CHECKING:
    import pyarrow as pa

    from straits.reference.blocs import Party
    from straits.warehouse.protocol import Warehouse


def country_codes(spec: str | Sequence[str] | None) -> list[int] | None:
    """BACI codes of economies and blocs; ``None`` or ``world`` -> ``None`` (no filter).

    Accepts ``"KOR"``, ``"KOR,JPN"``, ``"EU27"`` or ``"KOR+JPN"``; duplicates collapse.
    """
    if spec is None or (isinstance(spec, str) and lookup.is_world(spec)):
        return None
    from straits.reference.blocs import resolve_party

    out: list[int] = []
    for item in split_list(spec) or []:
        if item:
            out.extend(c for c in resolve_party(item).codes if c not in out)
    return out


def parties(spec: str | Sequence[str]) -> list[Party]:
    """Economies or blocs named in ``spec``, each once (``KOR,KR`` is one party)."""
    from straits.reference.blocs import resolve_party

    out: list[Party] = []
    for item in split_list(spec) or []:
        if item:
            party = resolve_party(item)
            if party not in out:
                out.append(party)
    return out


def loaded_products(wh: Warehouse) -> pa.Table:
    """The loaded release's products: product (HS6), description, hs."""
    return wh.arrow(queries.products())


def descriptions(wh: Warehouse) -> dict[str, str]:
    """HS6 code -> description of the loaded products."""
    t = loaded_products(wh)
    return dict(zip(t.column("product").to_pylist(), t.column("description").to_pylist(),
                    strict=True))


def products(wh: Warehouse, spec: str | Sequence[str] | None, *, func: str,
             strict: bool = True) -> tuple[list[str] | None, list[str]]:
    """Expand HS2/HS4/HS6 codes and product names to the loaded HS6 codes; also the missing.

    ``None`` means every product (no filter). A name (``gallium``, ``흑연``, ``フッ化水素``)
    stands for its HS codes (:mod:`straits.reference.products`); the codes of a name that the
    warehouse does not hold are left out (graphite's 250410 in a release without it) and
    returned as missing. With ``strict`` (default) an item that matches no loaded product at
    all raises :class:`UnknownCodeError` naming it; otherwise the missing codes are returned
    for the caller to report. Codes keep the order of the items given.
    """
    from straits.reference.products import expand_items

    items = expand_items(spec)
    if items is None:
        return None, []
    loaded = loaded_products(wh).column("product").to_pylist()
    out: list[str] = []
    missing: list[str] = []
    empty: list[str] = []
    for item, prefixes in items:  # a handful of prefixes over a few thousand codes
        found = False
        for p in prefixes:
            mine = [c for c in loaded if c.startswith(p)]
            if not mine:
                missing.append(p)
            found = found or bool(mine)
            out.extend(c for c in mine if c not in out)
        if not found:
            empty.append(item if prefixes == [item] else f"{item} ({', '.join(prefixes)})")
    if empty and strict:
        raise UnknownCodeError(
            f"{func}: product(s) {', '.join(empty)} are not in the loaded data "
            f"({len(loaded)} HS6 products loaded); look codes up with `straits product "
            "WORDS`, or ingest a full BACI release.")
    return out, missing


def search_products(wh: Warehouse | None, query: str) -> pa.Table:
    """Products matching a code prefix, a name (en/ko/ja) or description words.

    The look-up behind ``straits product`` and the dashboard's search box; see
    :func:`straits.reference.products.search` for the columns. ``wh`` adds the loaded
    release's own products and descriptions (None: the HS 2022 nomenclature only).
    """
    from straits.reference.products import search

    return search(query, loaded_products(wh) if wh is not None else None)
