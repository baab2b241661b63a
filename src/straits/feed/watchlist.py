"""The watchlist of ``straits refresh``: TOML naming importers, partners and products.

Looked for at ``--watchlist FILE``, else ``watchlist.toml`` in the user's config folder
(:func:`default_path`: ``~/.config/straits`` on Linux, ``~/Library/Application
Support/straits`` on macOS, ``%LOCALAPPDATA%/straits`` on Windows). The example shipped
with Straits (:func:`example_path`, ``straits watchlist --example``) documents every key.
Mistakes are :class:`~straits.errors.InputFileError` naming the file and the key
(``watchlist.toml, column watch[2].importer: ...``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from straits.errors import InputFileError, StraitsError

RULE_KEYS = ("drop_threshold", "share_threshold", "new_share", "min_value_usd", "min_share")


@dataclass(frozen=True)
class Entry:
    """One ``[[watch]]`` table: an importer, its partners (None = all) and products."""

    name: str
    importer: str
    partners: tuple[str, ...] | None
    products: tuple[str, ...]
    mirror: bool = False


@dataclass(frozen=True)
class Watchlist:
    """A parsed watchlist."""

    path: Path
    entries: tuple[Entry, ...]
    start: str = "2017-01"
    revise_months: int = 3
    rules: dict = field(default_factory=dict)


def default_path() -> Path:
    """``watchlist.toml`` in the user's config folder (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("straits", appauthor=False)) / "watchlist.toml"


def example_path() -> Path:
    """The example watchlist shipped inside the package."""
    return Path(str(resources.files("straits.feed").joinpath("example_watchlist.toml")))


def load(path: str | Path | None = None) -> Watchlist:
    """Read and check a watchlist (``None``: the one in the config folder).

    Raises
    ------
    InputFileError
        Missing file, invalid TOML (with its line and column), an unknown key, or a value
        that is not what the key needs (an economy, HS6 codes, a month, a number).
    """
    p = Path(path) if path is not None else default_path()
    if not p.is_file():
        hint = "; create one with `straits watchlist --init`" if path is None else ""
        raise InputFileError(p, "no such watchlist" + hint)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(p, f"not valid TOML: {exc}") from None
    _only(p, "", doc, {"settings", "rules", "watch"})
    settings = doc.get("settings", {})
    _only(p, "settings.", settings, {"start", "revise_months"})
    rules = doc.get("rules", {})
    _only(p, "rules.", rules, set(RULE_KEYS))
    for k, v in rules.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise InputFileError(p, f"expected a number, got {v!r}", column=f"rules.{k}")
    start = settings.get("start", "2017-01")
    _month(p, "settings.start", start)
    revise = settings.get("revise_months", 3)
    if isinstance(revise, bool) or not isinstance(revise, int) or not 0 <= revise <= 24:
        raise InputFileError(p, f"expected an int in [0, 24], got {revise!r}",
                             column="settings.revise_months")
    watch = doc.get("watch")
    if not isinstance(watch, list) or not watch:
        raise InputFileError(p, "expected at least one [[watch]] table", column="watch")
    entries = tuple(_entry(p, i + 1, w) for i, w in enumerate(watch))
    return Watchlist(p, entries, start, revise, dict(rules))


def _entry(p: Path, n: int, w: object) -> Entry:
    from straits.reference.lookup import normalise_hs, resolve_country

    where = f"watch[{n}]."
    if not isinstance(w, dict):
        raise InputFileError(p, "expected a table", column=where[:-1])
    _only(p, where, w, {"name", "importer", "partners", "products", "mirror"})

    def economy(key: str, value: object) -> str:
        if not isinstance(value, str):
            raise InputFileError(p, f"expected an economy such as 'KOR', got {value!r}",
                                 column=where + key)
        try:
            return resolve_country(value).iso3
        except StraitsError as exc:
            raise InputFileError(p, str(exc), column=where + key) from None

    if "importer" not in w:
        raise InputFileError(p, "missing key", column=where + "importer")
    importer = economy("importer", w["importer"])
    raw_partners = w.get("partners", "all")
    if raw_partners == "all":
        partners = None
    elif isinstance(raw_partners, list) and raw_partners:
        partners = tuple(dict.fromkeys(economy("partners", x) for x in raw_partners))
    else:
        raise InputFileError(p, f"expected a list of economies or \"all\", got {raw_partners!r}",
                             column=where + "partners")
    products = w.get("products")
    if not isinstance(products, list) or not products:
        raise InputFileError(p, f"expected a list of HS6 codes, got {products!r}",
                             column=where + "products")
    codes = tuple(normalise_hs(str(x)) for x in products)
    bad = [c for c in codes if not (len(c) == 6 and c.isdigit())]
    if bad:
        raise InputFileError(p, f"expected HS6 codes, got {bad[0]!r}", column=where + "products")
    mirror = w.get("mirror", False)
    if not isinstance(mirror, bool) or (mirror and partners is None):
        raise InputFileError(p, "expected true or false (true needs named partners), got "
                             f"{mirror!r}", column=where + "mirror")
    if importer in (partners or ()):
        raise InputFileError(p, f"{importer} is both importer and partner",
                             column=where + "partners")
    name = str(w.get("name", f"{importer} {','.join(codes)}"))
    return Entry(name, importer, partners, codes, mirror)


def _only(p: Path, where: str, table: object, allowed: set[str]) -> None:
    if not isinstance(table, dict):
        raise InputFileError(p, "expected a table", column=where.rstrip(".") or "file")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputFileError(p, f"unknown key (expected one of {', '.join(sorted(allowed))})",
                             column=where + unknown[0])


def _month(p: Path, key: str, value: object) -> None:
    ok = (isinstance(value, str) and len(value) == 7 and value[4] == "-"
          and value[:4].isdigit() and value[5:].isdigit() and 1 <= int(value[5:]) <= 12)
    if not ok:
        raise InputFileError(p, f"expected a month 'YYYY-MM', got {value!r}", column=key)
