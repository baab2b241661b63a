"""Revealed comparative advantage (Balassa) and its symmetric form.

References
----------
Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The Manchester
School 33(2), 99-123. Laursen, K. (2015). Revealed comparative advantage and the alternatives
as measures of international specialization. Eurasian Business Review 5, 99-115 (RSCA).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits._kernels.complexity import rca_sparse
from straits.metrics import _common as c
from straits.reference.lookup import parse_products

if TYPE_CHECKING:
    from straits.session import Session

COLUMNS = ["year", "country", "product", "rca", "rsca"]


def rsca(rca_values):
    """Symmetric RCA ``(RCA - 1) / (RCA + 1)`` in [-1, 1) (Laursen 2015).

    Examples
    --------
    >>> float(rsca(3.0))
    0.5
    """
    r = np.asarray(rca_values, dtype=float)
    return (r - 1.0) / (r + 1.0)


def rca(
    s: Session,
    *,
    year: int | Sequence[int] | None = None,
    country: str | Sequence[str] | None = None,
    product: str | Sequence[str] | None = None,
    level: str = "hs6",
) -> pd.DataFrame:
    """Balassa RCA of every exporter in every product it exports.

    Parameters
    ----------
    s : Session
        Open warehouse.
    year : int or list of int, optional
        Year(s); default the latest loaded.
    country : str or list, optional
        Report only these exporters (the totals still use every country).
    product : str or list, optional
        Report only these HS prefixes (the totals still use every loaded product).
    level : {"hs6", "hs4", "hs2"}
        Product aggregation before computing RCA.

    Returns
    -------
    pandas.DataFrame
        ``year, country, product, rca, rsca``, one row per exporter and product with exports
        > 0 (absent pairs have RCA 0), sorted by year, country, product.

    Notes
    -----
    ``RCA_cp = (x_cp / X_c) / (x_wp / X_w)`` with ``x_cp`` exports of country ``c`` in
    product ``p``, ``X_c`` its total exports, ``x_wp`` world exports of ``p`` and ``X_w``
    world exports, all over the products loaded in the warehouse (the embedded extract
    holds 30 critical-material codes, so its RCA is relative to those).
    ``RSCA = (RCA - 1) / (RCA + 1)``.
    """
    lvl = c.level(level, "rca")
    want_iso = c.iso3s(s, country)
    want_p = parse_products(product)
    frames = []
    for m in c.export_matrices(s, years=c.years(s, year), level=lvl):
        R = rca_sparse(m.X)
        keep = np.ones(R.nnz, dtype=bool)
        if want_iso is not None:
            keep &= np.isin(m.countries, want_iso)[R.row]
        if want_p is not None:  # one vectorised prefix test over the products
            keep &= pd.Series(m.products, dtype=str).str.startswith(tuple(want_p)).to_numpy()[R.col]
        r = R.data[keep]  # row-major over sorted labels: already ordered
        frames.append(c.frame({
            "year": np.full(len(r), m.year, dtype="int64"),
            "country": c.take(m.countries, R.row[keep]),
            "product": c.take(m.products, R.col[keep]),
            "rca": r,
            "rsca": rsca(r),
        }))
    return c.cited(s, c.concat(frames, COLUMNS))
