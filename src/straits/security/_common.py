"""Shared plumbing of the security engine: products, parties (blocs) and parameter checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from straits.errors import UnknownCodeError, check_param
from straits.reference import lookup
from straits.reference.blocs import Party
from straits.warehouse._inline import product_filter

if TYPE_CHECKING:
    import pandas as pd

    from straits.session import Session


def loaded_products(s: Session, prefixes: Sequence[str] | None = None) -> list[str]:
    """HS6 codes of the loaded release (the ``products`` table), optionally by HS prefix."""
    sql = f"SELECT product FROM products WHERE {product_filter(prefixes)} ORDER BY product"
    return [str(p) for p in s.query(sql)["product"]]


def resolve_products(
    s: Session, spec: str | Sequence[str] | None, *, func: str, strict: bool = True
) -> tuple[list[str] | None, list[str]]:
    """Expand HS2/HS4/HS6 codes to the loaded HS6 codes; also return the codes not loaded.

    With ``strict`` (default) any code that matches no loaded product raises
    :class:`UnknownCodeError`; otherwise the missing codes are returned for the caller to
    report. ``None`` means every product. The match runs in SQL (one query per call, only
    the matching codes come back); codes keep the order of the prefixes given.
    """
    prefixes = lookup.parse_products(spec)
    if prefixes is None:
        return None, []
    hits = loaded_products(s, prefixes)
    out: list[str] = []
    missing: list[str] = []
    for p in prefixes:  # a handful of prefixes, each over the matched codes only
        mine = [c for c in hits if c.startswith(p)]
        if not mine:
            missing.append(p)
        out.extend(c for c in mine if c not in out)
    if missing and strict:
        n = int(s.query("SELECT count(*) AS n FROM products")["n"].iloc[0])
        raise UnknownCodeError(
            f"{func}: product(s) {', '.join(missing)} are not in the loaded data "
            f"({n} HS6 products loaded); check the code or ingest a full BACI release."
        )
    return out, missing


def descriptions(s: Session) -> pd.Series:
    """Product descriptions indexed by HS6 code, for ``df["product"].map(...)``."""
    return s.query("SELECT product, description FROM products").set_index("product")[
        "description"]


def party_tables(parties: Sequence[Party]) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """Party map ``(member, party)`` and labels ``(code, label)`` for the SQL builders.

    A party with one BACI code keeps it; a bloc (or a country with historic codes) gets a
    synthetic negative code. Returns only the rows needed (no mapping when nothing merges).
    """
    mapping: list[tuple[int, int]] = []
    labels: list[tuple[int, str]] = []
    seen: dict[int, str] = {}
    for i, party in enumerate(parties, start=1):
        for code in party.codes:
            if code in seen and seen[code] != party.label:
                raise UnknownCodeError(
                    f"Economy code {code} belongs to both {seen[code]} and {party.label}; "
                    "a country can be in one bloc of a query only."
                )
            seen[code] = party.label
        if len(party.codes) > 1:
            mapping.extend((c, -i) for c in party.codes)
            labels.append((-i, party.label))
    return mapping, labels


def party_code(parties: Sequence[Party], index: int) -> int:
    """The SQL code of ``parties[index]`` as assigned by :func:`party_tables`."""
    party = parties[index]
    return -(index + 1) if len(party.codes) > 1 else party.codes[0]


def check_fraction(name: str, func: str, value: float) -> float:
    """A fraction in [0, 1] (``cut``, ``redirect``), else the one ParameterError form."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    check_param(name, func, ok, "a float in [0, 1]", value)
    return float(value)


def check_int(name: str, func: str, value: object, lo: int, hi: int | None = None,
              *, none_ok: bool = False) -> None:
    """An int in ``[lo, hi]`` (``hi`` None: no upper bound), else the one ParameterError form."""
    ok = (none_ok and value is None) or (
        isinstance(value, int) and not isinstance(value, bool) and value >= lo
        and (hi is None or value <= hi))
    rng = f"an int >= {lo}" if hi is None else f"an int in [{lo}, {hi}]"
    check_param(name, func, ok, rng + (" or None" if none_ok else ""), value)


def single_year(s: Session, year: int | None) -> int:
    """The requested year (checked loaded) or the latest loaded one."""
    return s.resolve_years(year)[0] if year is not None else s.latest_year()


def window_years(s: Session, year: int, n: int = 3) -> list[int]:
    """The last ``n`` loaded years up to and including ``year``."""
    return [y for y in s.years() if y <= year][-n:]
