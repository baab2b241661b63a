"""Supplier concentration: Herfindahl-Hirschman index of exporters' shares (0-1 scale).

References
----------
Hirschman, A. O. (1945). National Power and the Structure of Foreign Trade. University of
California Press. U.S. DOJ & FTC (2010). Horizontal Merger Guidelines, sec. 5.3 (0.25 on the
0-1 scale marks a highly concentrated market).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits.metrics import _common as c
from straits.params import Flag, validate_params
from straits.warehouse import metrics_sql as q

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

#: HHI at or above which a market counts as highly concentrated (DOJ/FTC 2010, 0-1 scale)
HIGH_HHI = 0.25


def hhi(values) -> float:
    """HHI of a vector of non-negative values: ``sum_i (v_i / sum v)^2`` (NaN if empty).

    Examples
    --------
    >>> hhi([50, 30, 20])  # 0.25 + 0.09 + 0.04
    0.38
    """
    v = np.asarray(values, dtype=float)
    total = v.sum()
    return float(round(((v / total) ** 2).sum(), 15)) if total > 0 else float("nan")


@validate_params({"year": c.YEARS, "product": c.PRODUCTS, "importer": c.ECONOMIES,
                  "by_importer": Flag(), "level": c.LEVEL})
def concentration(
    wh: Warehouse,
    *,
    year: c.Years = None,
    product: c.Spec = None,
    importer: c.Spec = None,
    by_importer: bool = False,
    level: str = "hs6",
) -> pd.DataFrame:
    """HHI of exporters' shares of world exports (or of an importer's imports) per product.

    Parameters
    ----------
    wh : Warehouse
        The data.
    year : int or list of int, optional
        Year(s); default the latest loaded year.
    product : str or list, optional
        HS prefixes or product names; default every loaded product.
    importer : str or list, optional
        Measure the concentration of these importers' imports instead of world exports:
        one importer, a bloc (its imports from outside it: ``EU27`` never lists Germany as
        a supplier) or several pooled.
    by_importer : bool
        One row per importer and product (every importer unless ``importer`` is given);
        adds an ``importer`` column.
    level : {"hs6", "hs4", "hs2"}
        Product aggregation.

    Returns
    -------
    pandas.DataFrame
        ``year, product, total_kusd, hhi, top_exporter, top_share, n_exporters`` (``hhi``
        and ``top_share`` as fractions; ``n_exporters`` with value > 0; ties for the top
        go to the lowest BACI code). One row per product (and importer): at most ~5,000 a
        year, or ~1M with ``by_importer`` over every importer of a full release.

    Notes
    -----
    ``HHI_p = sum_i s_ip^2`` with ``s_ip = x_ip / sum_j x_jp``; it lies in ``[1/n, 1]`` for
    ``n`` exporters.
    """
    yrs = c.years(wh, year)
    lvl = c.level(level)
    prods = c.products(wh, product, "concentration")
    named = c.parties(importer, param="importer", func="concentration")
    if named is not None:
        sql = q.concentration(c.source(wh, yrs), years=yrs, level=lvl, products=prods,
                              parties=named.table, labels=named.labels_table,
                              by_party=bool(by_importer))
    elif by_importer and lvl == "hs6":
        sql = q.concentration_by_importer(c.source(wh, yrs, ("imports",)), years=yrs, products=prods)
    elif by_importer:
        sql = q.concentration_every_importer(years=yrs, level=lvl, products=prods)
    else:
        sql = q.concentration(c.source(wh, yrs), years=yrs, level=lvl, products=prods)
    df = wh.arrow(sql).to_pandas()
    df["n_exporters"] = df["n_exporters"].astype("int64")
    if named is None:
        market = "each importer's imports" if by_importer else "world exports"
    else:
        market = "imports of " + " + ".join(named.labels) + (
            " (pooled)" if len(named.labels) > 1 and not by_importer else "")
    prov = c.provenance(wh, yrs, f"hhi = sum of squared exporter shares of {market} (0-1; "
                                 f">= {HIGH_HHI} highly concentrated); {c.UNITS}.", named=named)
    return c.finish(df, prov)
