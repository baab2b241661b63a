"""Country and product look-ups from the reference tables, without pandas.

Users type Korea as ``KOR``, ``KR``, ``410``, ``Korea``, ``Rep. of Korea``, ``한국``,
``대한민국``, ``韓国`` or ``Corea``; Taiwan as ``TWN``, ``Taiwan``, ``台湾`` or ``490`` (BACI's
code for "Other Asia, nes"). Everything resolves against plain tables: ``countries.tsv`` (one
row per BACI code, with the spellings seen in real files) and ``country_names.tsv`` (CLDR
names in English, Korean and Japanese plus common short forms, each with its source), so a new
spelling is one more row. Products (codes and names such as ``gallium`` or ``포토레지스트``)
are in :mod:`straits.reference.products`; :func:`parse_products` is the one entry point the
engines call.

The tables are read with the ``csv`` module and cached per process: a command that only
resolves names pays for no DataFrame library.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from straits.errors import UnknownCodeError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

WORLD = "WLD"
_WORLD_WORDS = {"world", "wld", "all", "*"}
#: columns of :func:`search_countries`
COUNTRY_COLUMNS = ["code", "iso3", "iso2", "name", "baci_iso3", "name_ko", "name_ja"]


@dataclass(frozen=True)
class Country:
    """One resolved economy: its BACI codes (an ISO3 may span historic codes)."""

    iso3: str
    name: str
    codes: tuple[int, ...]


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 bytes read as Latin-1 (``'CÃ´te'`` -> ``'Côte'``).

    BACI V202601's country table has such names; other text comes back unchanged.
    """
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError, AttributeError):
        return text


_NON_WORD = re.compile(r"[\W_]+")


def norm(text: object) -> str:
    """Comparison key of a name: case, spacing, punctuation and Latin accents ignored.

    ``"Côte d'Ivoire"`` -> ``"cotedivoire"``, ``"rare-earth magnets"`` ->
    ``"rareearthmagnets"``, ``"ＤＲＡＭ"`` -> ``"dram"``. Accents are dropped from Latin letters
    only: a Japanese voicing mark is part of the word (ガリウム is gallium, カリウム potassium),
    and Hangul is recomposed after decomposition.
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    kept = []
    for ch in decomposed:
        if unicodedata.combining(ch) and kept and kept[-1] < "\u0250":
            continue  # an accent on a Latin letter
        kept.append(ch)
    return _NON_WORD.sub("", unicodedata.normalize("NFC", "".join(kept)).casefold())


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated table shipped in ``straits.reference``, as dicts of text."""
    src = resources.files("straits.reference").joinpath(name)
    with src.open("r", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=1)
def _base_rows() -> tuple[dict, ...]:
    """Rows of ``countries.tsv`` with ``code`` as int and ``current`` as bool."""
    return tuple({**r, "code": int(r["code"]), "current": r["current"] == "1"}
                 for r in read_tsv("countries.tsv"))


@lru_cache(maxsize=1)
def country_rows() -> tuple[dict, ...]:
    """Rows of ``countries.tsv`` (``code`` int, ``current`` bool), plus CLDR ko/ja names."""
    names = country_names()
    rows = []
    for r in _base_rows():
        row = dict(r)
        for lang in ("ko", "ja"):
            row[f"name_{lang}"] = next((n for n, src in names.get((r["iso3"], lang), ())
                                        if src.startswith("Unicode CLDR")), "")
        rows.append(row)
    return tuple(rows)


@lru_cache(maxsize=1)
def country_names() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """(iso3, lang) -> ((name, source), ...) from ``country_names.tsv`` (CLDR first)."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for r in read_tsv("country_names.tsv"):
        out.setdefault((r["iso3"], r["lang"]), []).append((r["name"], r["source"]))
    return {k: tuple(v) for k, v in out.items()}


def countries() -> pd.DataFrame:
    """The reference country table as a DataFrame (one row per BACI code); see ``SOURCE.md``."""
    import pandas as pd

    cols = ["code", "iso3", "iso2", "name", "baci_iso3", "current", "aliases"]
    return pd.DataFrame([{c: r[c] for c in cols} for r in country_rows()], columns=cols)


def _spellings(row: dict) -> list[str]:
    """Every spelling of one BACI code: codes, names, aliases, CLDR and short forms."""
    names = country_names()
    extra = [n for lang in ("en", "ko", "ja") for n, _ in names.get((row["iso3"], lang), ())]
    return [str(row["code"]), row["iso3"], row["iso2"], row["name"], row["baci_iso3"],
            *filter(None, row["aliases"].split("|")), *extra]


@lru_cache(maxsize=1)
def _index() -> dict[str, list[int]]:
    """Normalised spelling -> BACI codes, current entities first."""
    rows = sorted(country_rows(), key=lambda r: (not r["current"], r["code"]))
    index: dict[str, list[int]] = {}
    for row in rows:
        for key in map(norm, _spellings(row)):
            if key and row["code"] not in index.setdefault(key, []):
                index[key].append(row["code"])
    return index


@lru_cache(maxsize=1)
def _code_index() -> dict[str, list[int]]:
    """BACI code, ISO3 and ISO2 as typed (upper case) -> codes: the common case, built cheaply.

    Gives what :func:`_index` gives for these keys (a test checks it) without normalising
    every name and alias of every economy.
    """
    index: dict[str, list[int]] = {}
    for row in sorted(_base_rows(), key=lambda r: (not r["current"], r["code"])):
        for key in (str(row["code"]), row["iso3"], row["iso2"], row["baci_iso3"]):
            if key and row["code"] not in index.setdefault(key.upper(), []):
                index[key.upper()].append(row["code"])
    return index


@lru_cache(maxsize=1)
def _by_code() -> dict[int, dict]:
    return {r["code"]: r for r in _base_rows()}


def closest_countries(query: str, n: int = 3) -> list[Country]:
    """Economies whose spelling is closest to ``query`` (for "did you mean" messages)."""
    key = norm(query)
    if not key:
        return []
    index = _index()
    keys = [k for k in index if key in k or (len(k) > 3 and k in key)]
    keys += difflib.get_close_matches(key, list(index), n=8, cutoff=0.6)
    out: list[Country] = []
    for k in keys:
        c = _country(index[k][0])
        if c not in out:
            out.append(c)
    return out[:n]


def _country(code: int) -> Country:
    row = _by_code()[code]
    codes = tuple(sorted(c for c, r in _by_code().items() if r["iso3"] == row["iso3"]))
    return Country(iso3=row["iso3"], name=row["name"], codes=codes)


def resolve_country(query: str | int) -> Country:
    """Resolve any spelling of an economy to its ISO3 and BACI codes.

    Raises
    ------
    UnknownCodeError
        No country matches; the message names the closest spellings and the look-up command.
    """
    codes = _code_index().get(str(query).strip().upper()) or _index().get(norm(query))
    if not codes:
        hint = closest_countries(str(query))
        tip = ", ".join(f"{c.iso3} ({c.name})" for c in hint)
        raise UnknownCodeError(
            f"Unknown country {query!r}: expected a BACI code, ISO3, ISO2 or name"
            + (f"; closest: {tip}" if tip else "")
            + f". Look it up with `straits country {_shell_word(query)}`.")
    return _country(codes[0])


def _shell_word(text: object) -> str:
    s = str(text).strip()
    return s if re.fullmatch(r"[\w.+-]+", s) else "'" + s.replace("'", "") + "'"


def is_world(query: str | None) -> bool:
    """True for ``None``, ``world``, ``WLD`` or ``all``: no country filter."""
    return query is None or str(query).strip().lower() in _WORLD_WORDS


def search_countries(query: str) -> pa.Table:
    """Countries any of whose spellings contain ``query`` (exact matches first).

    Returns
    -------
    pyarrow.Table
        :data:`COUNTRY_COLUMNS`: BACI code, ISO3 (Taiwan as TWN), ISO2, name, BACI's own ISO3
        (S19 for Taiwan), and the CLDR names in Korean and Japanese.
    """
    from straits import _arrow

    q = norm(query)
    hits = []
    if q:
        for row in country_rows():
            keys = [norm(s) for s in _spellings(row)]
            if q in keys:
                hits.append((0, not row["current"], row["code"], row))
            elif any(q in k for k in keys):
                hits.append((1, not row["current"], row["code"], row))
    hits.sort(key=lambda h: h[:3])
    rows = [h[3] for h in hits]
    return _arrow.table({c: (_arrow.ints if c == "code" else _arrow.strings)(
        [r[c] for r in rows]) for c in COUNTRY_COLUMNS})


def code_to_iso3(codes: pd.Series) -> pd.Series:
    """Vectorised BACI code -> ISO3 (unknown codes become ``<NA>``)."""
    return codes.map({c: r["iso3"] for c, r in _by_code().items()})


# --- products ---------------------------------------------------------------

_CODE = re.compile(r"^\d{1,6}$")


def is_code(text: str) -> bool:
    """True when ``text`` is written as an HS code (1 to 6 digits)."""
    return bool(_CODE.match(str(text).strip()))


def normalise_hs(code: str | int) -> str:
    """Restore an HS code that lost its leading zero (``10121`` -> ``010121``).

    Codes of odd length are HS2/HS4/HS6 codes whose first digit was a zero dropped by a
    spreadsheet or a numeric column: 1 -> 01, 101 -> 0101, 10121 -> 010121.
    """
    text = str(code).strip()
    if not _CODE.match(text):
        raise UnknownCodeError(f"Unknown product code {code!r}: expected 2, 4 or 6 digits.")
    if len(text) % 2:
        text = "0" + text
    return text


def parse_products(spec: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    """HS prefixes (HS2, HS4 or HS6) for ``"811292,2504"``, ``"gallium"`` or a list.

    Product names expand to their HS codes (:mod:`straits.reference.products`); the result
    keeps the order given, each code once.

    Raises
    ------
    UnknownCodeError
        An item is neither a code nor a known name; the message lists the closest names and
        the look-up command to run.
    """
    from straits.reference.products import expand_items

    items = expand_items(spec)
    if items is None:
        return None
    out: list[str] = []
    for _, codes in items:
        out.extend(c for c in codes if c not in out)
    return out or None


@lru_cache(maxsize=1)
def hs_nomenclature() -> pd.DataFrame:
    """HS 2022 codes and descriptions (HS2, HS4, HS6) as a DataFrame; see ``SOURCE.md``."""
    return hs_table().to_pandas()


@lru_cache(maxsize=1)
def hs_table() -> pa.Table:
    """HS 2022 codes and descriptions: product, description, level, section (Arrow)."""
    import pyarrow.csv as pacsv

    src = resources.files("straits.reference").joinpath("hs2022.csv")
    with src.open("rb") as fh:
        t = pacsv.read_csv(fh, convert_options=pacsv.ConvertOptions(
            column_types={c: "string" for c in ("section", "hscode", "description", "parent",
                                                "level")}))
    return t.rename_columns(["product" if c == "hscode" else c for c in t.column_names]).select(
        ["product", "description", "level", "section"])
