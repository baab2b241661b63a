"""The one rule for trade values, on every ingest path: finite, >= 0 and plausible.

A value that is not finite (``nan``, ``inf``, ``1e309``) or larger than any real flow is a
broken file, not data: loaded, it would turn every share and HHI that touches it into null
or nonsense. So both paths (BACI year files, and reporter files from Comtrade or customs)
refuse it with file, line, column and the value as written.

Why these bounds. The largest single flow in the embedded BACI extract (30 critical-material
products, 2017-2024) is 34,990,871.777 thousand USD (35 billion USD); the largest HS6 flows
anywhere in BACI (integrated circuits from Taiwan to China, crude oil to China) are of the
order of 10^8 thousand USD, about 100-150 billion USD a year. World goods trade is about
25 trillion USD a year. A single flow of 10^9 thousand USD (1 trillion USD, 4% of world
trade, 30 times the largest flow in the extract and several times the largest in BACI) is
therefore not a record but a unit error or a corrupt field, and so is anything above it. The
same bound in US dollars (10^12) applies to a reporter row, whose largest value in the
shared Comtrade and Korean customs files is 3.8 billion USD. Quantities: the largest flow
in the extract weighs 110 million metric tons; iron ore from Australia to China, the
heaviest flow in world trade, is under 10^9 t; the bound is 10^10 t (10^13 kg), close to all
seaborne trade of a year (about 12 billion t).
"""

from __future__ import annotations

MAX_VALUE_KUSD = 1e9
"""Largest plausible value of one BACI flow, thousand USD (1 trillion USD)."""
MAX_QUANTITY_T = 1e10
"""Largest plausible quantity of one BACI flow, metric tons."""
MAX_VALUE_USD = MAX_VALUE_KUSD * 1e3
"""Largest plausible value of one reporter row, USD."""
MAX_WEIGHT_KG = MAX_QUANTITY_T * 1e3
"""Largest plausible net weight of one reporter row, kg."""

USD = {"limit": MAX_VALUE_USD, "unit": "USD"}
"""Keyword arguments of :func:`straits.sources.detect.numbers` for a reporter's US dollars."""
KG = {"limit": MAX_WEIGHT_KG, "unit": "kg"}
"""Likewise for a reporter's net weight in kilograms."""


def problem(value: float, limit: float, unit: str) -> str | None:
    """Why ``value`` breaks the rule, or ``None`` when it is fine.

    One wording for both paths; the caller puts it after "got 'TEXT'".
    """
    if value != value:  # NaN
        return "not a number"
    if value in (float("inf"), float("-inf")):
        return "not finite"
    if value < 0:
        return "negative"
    if value > limit:
        return f"more than {limit:,.0f} {unit} in one row, which no real flow reaches"
    return None
