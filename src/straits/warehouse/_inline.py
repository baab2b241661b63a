"""TRANSITIONAL: filters that inline values as SQL literals (the 0.1 query style).

Kept only until every builder binds its values (:mod:`straits.warehouse.query`); a module
still importing from here is not converted yet. Delete this file when nothing does.
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse.backend import sql_literal


def product_filter(products: Sequence[str] | None, column: str = "product") -> str:
    """``TRUE`` or a disjunction of HS prefix matches (HS2, HS4 or HS6 codes)."""
    if not products:
        return "TRUE"
    by_len: dict[int, list[str]] = {}
    for p in products:
        by_len.setdefault(len(p), []).append(p)
    parts = [
        f"{column} IN {sql_literal(codes)}" if n == 6 else f"left({column}, {n}) IN {sql_literal(codes)}"
        for n, codes in sorted(by_len.items())
    ]
    return "(" + " OR ".join(parts) + ")"


def code_filter(column: str, codes: Sequence[int] | None) -> str:
    """``TRUE`` or ``column IN (...)`` for BACI country codes."""
    if codes is None:
        return "TRUE"
    return f"{column} IN {sql_literal(tuple(int(c) for c in codes) or (-1,))}"


def year_filter(years: Sequence[int] | None, column: str = "year") -> str:
    """``TRUE`` or ``column IN (...)``."""
    if years is None:
        return "TRUE"
    return f"{column} IN {sql_literal(tuple(int(y) for y in years) or (-1,))}"
