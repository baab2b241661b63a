"""Country and product look-ups, vectorised over pandas Series.

Users type Korea as ``KOR``, ``KR``, ``410``, ``Korea`` or ``Rep. of Korea``; Taiwan as
``TWN``, ``Taiwan`` or ``490`` (BACI's code for "Other Asia, nes"). Everything resolves
against one plain table, ``countries.tsv``, so a new spelling is one more alias there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from straits.errors import UnknownCodeError

WORLD = "WLD"
_WORLD_WORDS = {"world", "wld", "all", "*"}


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


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


@lru_cache(maxsize=1)
def countries() -> pd.DataFrame:
    """The reference country table (one row per BACI code); see ``SOURCE.md``."""
    src = resources.files("straits.reference").joinpath("countries.tsv")
    with src.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False)
    df["code"] = df["code"].astype(int)
    df["current"] = df["current"] == "1"
    return df


@lru_cache(maxsize=1)
def _index() -> dict[str, list[int]]:
    """Normalised spelling -> BACI codes, current entities first."""
    df = countries().sort_values(["current", "code"], ascending=[False, True])
    index: dict[str, list[int]] = {}
    for code, iso3, iso2, name, baci_iso3, aliases in df[
        ["code", "iso3", "iso2", "name", "baci_iso3", "aliases"]
    ].itertuples(index=False):
        keys = [str(code), iso3, iso2, name, baci_iso3, *filter(None, aliases.split("|"))]
        for key in keys:
            k = _norm(key)
            if k:
                index.setdefault(k, [])
                if code not in index[k]:
                    index[k].append(code)
    return index


def resolve_country(query: str | int) -> Country:
    """Resolve any spelling of an economy to its ISO3 and BACI codes.

    Raises
    ------
    UnknownCodeError
        No country matches; the message suggests close spellings.
    """
    key = _norm(str(query))
    codes = _index().get(key)
    if not codes:
        hint = search_countries(str(query)).head(3)
        tip = ", ".join(f"{r.iso3} ({r.name})" for r in hint.itertuples()) if len(hint) else ""
        raise UnknownCodeError(
            f"Unknown country {query!r}: expected a BACI code, ISO3, ISO2 or name"
            + (f"; did you mean {tip}?" if tip else ".")
        )
    table = countries().set_index("code")
    iso3 = table.at[codes[0], "iso3"]
    all_codes = tuple(sorted(table.index[table["iso3"] == iso3]))
    return Country(iso3=iso3, name=table.at[codes[0], "name"], codes=all_codes)


def is_world(query: str | None) -> bool:
    """True for ``None``, ``world``, ``WLD`` or ``all``: no country filter."""
    return query is None or str(query).strip().lower() in _WORLD_WORDS


def search_countries(query: str) -> pd.DataFrame:
    """Countries whose code, ISO codes, name or an alias contain ``query``."""
    df = countries()
    q = _norm(query)
    if not q:
        return df.iloc[0:0][["code", "iso3", "iso2", "name", "baci_iso3"]]
    hay = (
        df["code"].astype(str) + "|" + df["iso3"] + "|" + df["iso2"] + "|" + df["name"]
        + "|" + df["baci_iso3"] + "|" + df["aliases"]
    ).map(lambda s: "|".join(_norm(p) for p in s.split("|")))
    exact = hay.str.split("|").map(lambda parts: q in parts)
    partial = hay.str.contains(q, regex=False)
    out = df[exact | partial].assign(_exact=exact[exact | partial])
    out = out.sort_values(["_exact", "current", "code"], ascending=[False, False, True])
    return out[["code", "iso3", "iso2", "name", "baci_iso3"]].reset_index(drop=True)


def code_to_iso3(codes: pd.Series) -> pd.Series:
    """Vectorised BACI code -> ISO3 (unknown codes become ``<NA>``)."""
    mapping = countries().set_index("code")["iso3"]
    return codes.map(mapping)


# --- products ---------------------------------------------------------------

_CODE = re.compile(r"^\d{1,6}$")


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
    """Parse ``"811292,2504"`` or a list into HS prefixes (HS2, HS4 or HS6)."""
    if spec is None:
        return None
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    out = [normalise_hs(s) for s in (str(i).strip() for i in items) if s]
    return out or None


@lru_cache(maxsize=1)
def hs_nomenclature() -> pd.DataFrame:
    """HS 2022 codes and descriptions (HS2, HS4, HS6); see ``SOURCE.md``."""
    src = resources.files("straits.reference").joinpath("hs2022.csv")
    with src.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return df.rename(columns={"hscode": "product"})[["product", "description", "level", "section"]]
