"""Bilateral indices between two economies A and B.

Pure functions take per-product vectors (so they are testable by hand); :func:`bilateral`
fetches the vectors from the warehouse in one query and returns one row per index and
direction.

References
----------
Brown, A. J. (1949). Applied Economics; Kojima, K. (1964). The pattern of international
trade among advanced countries. Hitotsubashi Journal of Economics 5(1), 16-36 (trade
intensity). Michaely, M. (1962). Concentration in International Trade. North-Holland (trade
complementarity). Finger, J. M. & Kreinin, M. E. (1979). A measure of 'export similarity'
and its possible uses. Economic Journal 89(356), 905-912. Grubel, H. G. & Lloyd, P. J.
(1975). Intra-Industry Trade. Macmillan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits.metrics import _common as c
from straits.params import Economy, validate_params
from straits.warehouse import metrics_sql as q

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

INDICES = ("trade_intensity", "complementarity", "export_similarity", "grubel_lloyd")
#: the scale of each index, stated in the ``unit`` column
UNITS = {
    "trade_intensity": "ratio (1 = neutral)",
    "complementarity": "index 0-100",
    "export_similarity": "index 0-100",
    "grubel_lloyd": "index 0-1",
}
METHOD = ("TII_AB = (x_AB / X_A) / (m_B / X_w); TC_AB = 100 (1 - sum_p |m_Bp - x_Ap| / 2); "
          "ES = 100 sum_p min(s_Ap, s_Bp); GL = 1 - sum_p |x_ABp - x_BAp| / "
          "sum_p (x_ABp + x_BAp); over the loaded products")
_PAIR = {"year": c.YEARS, "a": Economy(), "b": Economy(), "level": c.LEVEL,
         "product": c.PRODUCTS}


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else float("nan")


def trade_intensity(x_ab: float, x_a: float, m_b: float, x_w: float) -> float:
    """Trade intensity ``TII = (x_AB / X_A) / (x_wB / X_w)`` (> 1: A sells B more than B's weight).

    ``x_wB`` (world exports to B) is B's total imports ``m_b``.
    """
    return _ratio(_ratio(x_ab, x_a), _ratio(m_b, x_w))


def trade_complementarity(exports_a, imports_b) -> float:
    """Michaely complementarity ``TC = 100 (1 - sum_p |m_Bp - x_Ap| / 2)``, 0-100.

    ``x_Ap`` and ``m_Bp`` are product shares of A's exports and B's imports; 100 means A's
    export basket matches B's import basket exactly.
    """
    xa, mb = np.asarray(exports_a, float), np.asarray(imports_b, float)
    if xa.sum() <= 0 or mb.sum() <= 0:
        return float("nan")
    return float(100.0 * (1.0 - np.abs(mb / mb.sum() - xa / xa.sum()).sum() / 2.0))


def export_similarity(exports_a, exports_b) -> float:
    """Finger-Kreinin export similarity ``ES = 100 sum_p min(s_Ap, s_Bp)``, 0-100."""
    xa, xb = np.asarray(exports_a, float), np.asarray(exports_b, float)
    if xa.sum() <= 0 or xb.sum() <= 0:
        return float("nan")
    return float(100.0 * np.minimum(xa / xa.sum(), xb / xb.sum()).sum())


def grubel_lloyd(exports, imports):
    """Grubel-Lloyd index ``1 - |X - M| / (X + M)`` element-wise (NaN where X + M = 0)."""
    x, m = np.asarray(exports, float), np.asarray(imports, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 - np.abs(x - m) / (x + m)


def grubel_lloyd_total(exports, imports) -> float:
    """Aggregate Grubel-Lloyd ``1 - sum_p |X_p - M_p| / sum_p (X_p + M_p)``."""
    x, m = np.asarray(exports, float), np.asarray(imports, float)
    return float(1.0 - _ratio(np.abs(x - m).sum(), (x + m).sum()))


def _sums(wh: Warehouse, a: str, b: str, year, level: str, product,
          func: str) -> tuple[c.Parties, list[int], pd.DataFrame]:
    """A and B as parties (-1, -2), the years, and the per-year, per-product sums."""
    named = c.parties([a, b], param="a", func=func)
    yrs = c.years(wh, year)
    sql = q.bilateral_sums(c.source(wh, yrs), years=yrs, level=c.level(level),
                           products=c.products(wh, product, func), parties=named.table)
    return named, yrs, wh.arrow(sql).to_pandas()


@validate_params(_PAIR, distinct=[("a", "b")])
def bilateral(
    wh: Warehouse,
    a: str,
    b: str,
    *,
    year: c.Years = None,
    level: str = "hs6",
    product: c.Spec = None,
) -> pd.DataFrame:
    """Trade intensity, complementarity, export similarity and Grubel-Lloyd for A and B.

    Parameters
    ----------
    wh : Warehouse
        The data.
    a, b : str
        Two different economies or blocs (ISO3, name, BACI code, ``"EU27"`` or a group
        ``"KOR+JPN"``); ``bilateral("KOR", "KOR")`` is an error.
    year : int or list of int, optional
        Year(s); default the latest loaded year.
    level : {"hs6", "hs4", "hs2"}
        Product detail for the basket-based indices.
    product : str or list, optional
        Restrict every sum to these HS prefixes or product names (default: every loaded
        product).

    Returns
    -------
    pandas.DataFrame
        ``year, index, direction, value, unit``: ``trade_intensity`` and ``complementarity``
        for ``A->B`` and ``B->A`` (``A->B`` = A as exporter, B as market),
        ``export_similarity`` and ``grubel_lloyd`` (A-B trade) for ``both``; labels are
        ISO3 codes or bloc names; ``unit`` states each index's scale. Six rows a year.

    Notes
    -----
    ``TII_AB = (x_AB / X_A) / (x_wB / X_w)``; ``TC_AB = 100 (1 - sum_p |m_Bp - x_Ap| / 2)``;
    ``ES = 100 sum_p min(s_Ap, s_Bp)`` over world export shares; ``GL = 1 - sum_p |x_ABp -
    x_BAp| / sum_p (x_ABp + x_BAp)``. All over the loaded products only. A bloc counts as
    one economy: trade among its members is left out of its exports and imports and of
    world exports ``X_w``.
    """
    named, yrs, d = _sums(wh, a, b, year, level, product, "bilateral")
    la, lb = named.labels
    rows = []
    for y in yrs:  # one small vector computation per year
        g = d[d["year"] == y]
        xw = g["xw"].sum()
        rows += [
            (y, "trade_intensity", f"{la}->{lb}",
             trade_intensity(g["xab"].sum(), g["xa"].sum(), g["mb"].sum(), xw)),
            (y, "trade_intensity", f"{lb}->{la}",
             trade_intensity(g["xba"].sum(), g["xb"].sum(), g["ma"].sum(), xw)),
            (y, "complementarity", f"{la}->{lb}", trade_complementarity(g["xa"], g["mb"])),
            (y, "complementarity", f"{lb}->{la}", trade_complementarity(g["xb"], g["ma"])),
            (y, "export_similarity", "both", export_similarity(g["xa"], g["xb"])),
            (y, "grubel_lloyd", "both", grubel_lloyd_total(g["xab"], g["xba"])),
        ]
    out = pd.DataFrame(rows, columns=["year", "index", "direction", "value"])
    out["year"] = out["year"].astype("int64")
    out["unit"] = out["index"].map(UNITS)
    return c.finish(out, c.provenance(wh, yrs, METHOD, named=named))


@validate_params(_PAIR, distinct=[("a", "b")])
def grubel_lloyd_by_product(
    wh: Warehouse,
    a: str,
    b: str,
    *,
    year: c.Years = None,
    level: str = "hs6",
    product: c.Spec = None,
) -> pd.DataFrame:
    """Grubel-Lloyd intra-industry trade index of A-B trade per product.

    Parameters
    ----------
    wh : Warehouse
        The data.
    a, b : str
        Two different economies or blocs (ISO3, name, BACI code, ``"EU27"``, ``"KOR+JPN"``).
    year : int or list of int, optional
        Year(s); default the latest loaded year.
    level : {"hs6", "hs4", "hs2"}
        Product aggregation.
    product : str or list, optional
        HS prefixes or product names to include.

    Returns
    -------
    pandas.DataFrame
        ``year, product, exports_kusd, imports_kusd, grubel_lloyd`` where exports are A->B and
        imports B->A (thousand USD); products traded neither way are left out.

    Notes
    -----
    ``GL_p = 1 - |X_p - M_p| / (X_p + M_p)``: 1 when trade is balanced, 0 when one-way.
    """
    named, yrs, d = _sums(wh, a, b, year, level, product, "grubel_lloyd_by_product")
    d = d[(d["xab"] + d["xba"]) > 0]
    out = pd.DataFrame({
        "year": d["year"].astype("int64"), "product": d["product"],
        "exports_kusd": d["xab"], "imports_kusd": d["xba"],
        "grubel_lloyd": grubel_lloyd(d["xab"], d["xba"]),
    })
    return c.finish(out, c.provenance(wh, yrs, "GL_p = 1 - |X_p - M_p| / (X_p + M_p), "
                                               "X = A->B, M = B->A", named=named))
