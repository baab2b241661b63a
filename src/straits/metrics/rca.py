"""Revealed comparative advantage (Balassa) and its symmetric form.

References
----------
Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The Manchester
School 33(2), 99-123. Laursen, K. (2015). Revealed comparative advantage and the alternatives
as measures of international specialization. Eurasian Business Review 5, 99-115 (RSCA).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits._kernels.complexity import rca_sparse
from straits.metrics import _common as c
from straits.params import validate_params

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

COLUMNS = ["year", "country", "product", "rca", "rsca"]
METHOD = ("rca = (x_cp / X_c) / (x_wp / X_w) over the loaded products; "
          "rsca = (rca - 1) / (rca + 1)")


def rsca(rca_values):
    """Symmetric RCA ``(RCA - 1) / (RCA + 1)`` in [-1, 1) (Laursen 2015).

    Examples
    --------
    >>> float(rsca(3.0))
    0.5
    """
    r = np.asarray(rca_values, dtype=float)
    return (r - 1.0) / (r + 1.0)


@validate_params({"year": c.YEARS, "country": c.ECONOMIES, "product": c.PRODUCTS,
                  "level": c.LEVEL})
def rca(
    wh: Warehouse,
    *,
    year: c.Years = None,
    country: c.Spec = None,
    product: c.Spec = None,
    level: str = "hs6",
) -> pd.DataFrame:
    """Balassa RCA of every exporter in every product it exports.

    Parameters
    ----------
    wh : Warehouse
        The data.
    year : int or list of int, optional
        Year(s); default the latest loaded year.
    country : str or list, optional
        Report only these economies. A bloc (``EU27``, ``KOR+JPN``) is one exporter: its
        exports to non-members, with the world totals less its internal trade.
    product : str or list, optional
        Report only these HS prefixes or product names (the totals still use every loaded
        product).
    level : {"hs6", "hs4", "hs2"}
        Product aggregation before computing RCA.

    Returns
    -------
    pandas.DataFrame
        ``year, country, product, rca, rsca``, one row per exporter and product with exports
        > 0 (absent pairs have RCA 0), sorted by year, country, product. Collects every
        non-zero exporter x product cell of the years (about 1M a year on a full release).

    Notes
    -----
    ``RCA_cp = (x_cp / X_c) / (x_wp / X_w)`` with ``x_cp`` exports of economy ``c`` in
    product ``p``, ``X_c`` its total exports, ``x_wp`` world exports of ``p`` and ``X_w``
    world exports, all over the products loaded in the warehouse (the embedded extract
    holds 30 critical-material codes, so its RCA is relative to those).
    ``RSCA = (RCA - 1) / (RCA + 1)``. Naming several economies computes them in one world
    where each bloc named is one economy.
    """
    yrs = c.years(wh, year)
    named = c.parties(country, param="country", func="rca")
    want_p = c.products(wh, product, "rca")
    want_keys = c.level_keys(want_p, level)
    frames = []
    for m in c.export_matrices(wh, years=yrs, level=c.level(level), named=named):
        R = rca_sparse(m.X)
        keep = c.wanted_rows(m.countries, named)[R.row]
        if want_keys is not None:
            keep &= np.isin(m.products.astype(str), want_keys)[R.col]
        r = R.data[keep]  # row-major over sorted labels: already ordered
        frames.append(c.frame({
            "year": np.full(len(r), m.year, dtype="int64"),
            "country": c.take(m.countries, R.row[keep]),
            "product": c.take(m.products, R.col[keep]),
            "rca": r,
            "rsca": rsca(r),
        }))
    return c.finish(c.concat(frames, COLUMNS), c.provenance(wh, yrs, METHOD, named=named))
