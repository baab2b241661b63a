"""What the complexity functions share: their options, the product-space guard, the matrices.

The guard. ECI, PCI, Fitness and the product-space measures rank economies by the baskets
they export with RCA >= 1. On a small product space the ranking says little: on the 30
critical-material codes of the embedded extract, single-product exporters rank first and
Korea 142nd. So every complexity function refuses a year whose presence matrix has fewer
than :data:`MIN_PRODUCTS` products exported with RCA >= 1 by someone, or fewer than
:data:`MIN_ECONOMIES` economies with RCA >= 1 in at least two products. The thresholds and
the evidence behind them (rank agreement with the published Atlas ECI as products are
removed from a seeded panel calibrated on the Atlas's own ECI and PCI, and the embedded
extract's own figure) are in docs/metrics.md and ``bench/complexity_threshold.py``.
Callers who know what they are doing may lower both (``min_products``,
``min_economies``); the result's provenance then says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from straits._kernels import complexity as k
from straits.errors import DataNotLoadedError
from straits.metrics import _common as c
from straits.params import Flag, Interval

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

#: fewest products with a presence (RCA >= 1 somewhere) a year may have to be ranked
MIN_PRODUCTS = 400
#: fewest economies with RCA >= 1 in two or more products
MIN_ECONOMIES = 40

#: declarations shared by every complexity function
OPTIONS = {
    "year": c.YEARS, "level": c.LEVEL, "product": c.PRODUCTS,
    "threshold": Interval(float, 0, None, closed="neither"),
    "min_exports": Interval(float, 0, None), "average": Flag(),
    "min_products": Interval(int, 2, None), "min_economies": Interval(int, 1, None),
}

PRESENCE = ("Presence M_cp = 1 where RCA_cp >= {t:g} over the loaded products; ECI "
            "standardised with its sign following diversity, PCI on the ECI scale (Growth "
            "Lab normalisation)")


def guard(m: c.YearMatrix, M, level: str, min_products: int, min_economies: int,
          func: str) -> None:
    """Refuse a year whose product space is too small to rank economies (see module doc)."""
    ubi = np.asarray(M.sum(axis=0)).ravel()
    div = np.asarray(M.sum(axis=1)).ravel()
    n_p, n_c = int((ubi > 0).sum()), int((div >= 2).sum())
    if n_p >= min_products and n_c >= min_economies:
        return
    raise DataNotLoadedError(
        f"{func}: the product space of {m.year} is too small to rank economies: "
        f"{n_p} {level.upper()} products exported with RCA >= 1 (at least {min_products} "
        f"needed) and {n_c} economies with RCA >= 1 in two or more of them (at least "
        f"{min_economies} needed). Complexity ranks economies by how many and which products "
        "they export; on a narrow extract (the embedded one holds 30 critical-material "
        "codes) it ranks single-product exporters first. Ingest a full BACI release "
        "(`straits fetch baci --release V202601 --hs HS17 --db my.duckdb`, or `straits "
        "ingest BACI_HS17_V202601.zip --db my.duckdb`), or see `straits eci` for the "
        "published Atlas ECI. docs/metrics.md explains the thresholds.")


def note(min_products: int, min_economies: int) -> tuple[str, ...]:
    """A provenance note when a caller lowered the guard."""
    if min_products >= MIN_PRODUCTS and min_economies >= MIN_ECONOMIES:
        return ()
    return (f"Product-space guard lowered by the caller (min_products={min_products}, "
            f"min_economies={min_economies}; defaults {MIN_PRODUCTS} and {MIN_ECONOMIES}): "
            "rankings on a small product space are unreliable (docs/metrics.md).",)


def matrices(wh: Warehouse, *, years: list[int], level: str, product, named,
             min_exports: float, average: bool, func: str) -> list[c.YearMatrix]:
    """The non-empty export matrices a complexity function works on (unsorted cells)."""
    mats = c.export_matrices(wh, years=years, level=c.level(level),
                             products=c.products(wh, product, func), named=named,
                             min_exports=min_exports, average=bool(average), ordered=False)
    return [m for m in mats if m.X.nnz]


def presence(wh: Warehouse, *, years: list[int], level: str, product, named,
             threshold: float, min_exports: float, average: bool, min_products: int,
             min_economies: int, func: str) -> Iterator[tuple[c.YearMatrix, np.ndarray]]:
    """Per year: the matrix and its dense presence matrix, each checked by :func:`guard`.

    Every year is checked before the first is yielded, so a refusal leaves no partial work.
    """
    out = []
    for m in matrices(wh, years=years, level=level, product=product, named=named,
                      min_exports=min_exports, average=average, func=func):
        M = k.presence(k.rca_matrix(m.X), threshold)
        guard(m, M, c.level(level), min_products, min_economies, func)
        out.append((m, M))
    yield from out
