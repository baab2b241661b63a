"""Supplier concentration: Herfindahl-Hirschman index of exporters' shares (0-1 scale).

References
----------
Hirschman, A. O. (1945). National Power and the Structure of Foreign Trade. University of
California Press. U.S. DOJ & FTC (2010). Horizontal Merger Guidelines, sec. 5.3 (0.25 on the
0-1 scale marks a highly concentrated market).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits.metrics import _common as c
from straits.reference.lookup import parse_products
from straits.warehouse import metrics_sql as q

if TYPE_CHECKING:
    from straits.session import Session


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


def concentration(
    s: Session,
    *,
    year: int | Sequence[int] | None = None,
    product: str | Sequence[str] | None = None,
    importer: str | Sequence[str] | None = None,
    by_importer: bool = False,
    level: str = "hs6",
) -> pd.DataFrame:
    """HHI of exporters' shares of world exports (or of an importer's imports) per product.

    Parameters
    ----------
    s : Session
        Open warehouse.
    year : int or list of int, optional
        Year(s); default the latest loaded.
    product : str or list, optional
        HS prefixes; default every loaded product.
    importer : str or list, optional
        Measure the concentration of these importers' (pooled) imports instead of world
        exports.
    by_importer : bool
        One row per importer and product (every importer unless ``importer`` is given);
        adds an ``importer`` column.
    level : {"hs6", "hs4", "hs2"}
        Product aggregation.

    Returns
    -------
    pandas.DataFrame
        ``year, product, total_kusd, hhi, top_exporter, top_share, n_exporters`` (``hhi``
        and ``top_share`` as fractions; ``n_exporters`` with value > 0).

    Notes
    -----
    ``HHI_p = sum_i s_ip^2`` with ``s_ip = x_ip / sum_j x_jp``; it lies in ``[1/n, 1]`` for
    ``n`` exporters.
    """
    sql = q.concentration(years=c.years(s, year), level=c.level(level, "concentration"),
                          products=parse_products(product), importers=s.country_codes(importer),
                          by_importer=bool(by_importer))
    df = s.query(sql)
    df["n_exporters"] = df["n_exporters"].astype("int64")
    return c.cited(s, df)
