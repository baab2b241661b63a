"""Export and import totals and exporters' market shares.

A market share is an exporter's value over the total of the market: world exports of the
product, or the imports of one importer (or a pooled group of importers). Values are BACI
FOB values in thousand USD; shares are fractions 0-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from straits.errors import check_param
from straits.metrics import _common as c
from straits.reference.lookup import parse_products
from straits.warehouse import metrics_sql as q

if TYPE_CHECKING:
    from straits.session import Session


def totals(
    s: Session,
    *,
    year: int | Sequence[int] | None = None,
    level: str = "hs6",
    country: str | Sequence[str] | None = None,
    product: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Export and import totals per country and product.

    Parameters
    ----------
    s : Session
        Open warehouse.
    year : int or list of int, optional
        Year(s); default the latest loaded.
    level : {"hs6", "hs4", "hs2", "total"}
        Product aggregation; ``"total"`` sums every loaded product (``product = "total"``).
    country : str or list, optional
        Countries to report (ISO3, name or BACI code); default every country.
    product : str or list, optional
        HS prefixes to include (``"811292,2504"``).

    Returns
    -------
    pandas.DataFrame
        ``year, country, product, exports_kusd, imports_kusd`` (thousand USD).
    """
    lvl = c.level(level, "totals", ("hs2", "hs4", "hs6", "total"))
    sql = q.totals(years=c.years(s, year), level=lvl, countries=s.country_codes(country),
                   products=parse_products(product))
    return c.cited(s, s.query(sql))


def market_shares(
    s: Session,
    *,
    year: int | Sequence[int] | None = None,
    product: str | Sequence[str] | None = None,
    importer: str | Sequence[str] | None = None,
    top: int | None = None,
    level: str = "hs6",
) -> pd.DataFrame:
    """Each exporter's share of world exports of a product, or of an importer's imports.

    Parameters
    ----------
    s : Session
        Open warehouse.
    year : int or list of int, optional
        Year(s); default the latest loaded.
    product : str or list, optional
        HS prefixes (``"811292"``); default every loaded product.
    importer : str or list, optional
        Market: one importer or several pooled (``"KOR"``, ``["KOR", "JPN"]``,
        ``"KOR+JPN"``); default the world.
    top : int, optional
        Keep the ``top`` largest exporters per year and product.
    level : {"hs6", "hs4", "hs2"}
        Product aggregation.

    Returns
    -------
    pandas.DataFrame
        ``year, product, exporter, value_kusd, share`` sorted by year, product and value
        (largest first); ``share`` in 0-1 sums to 1 per year and product before ``top``.

    Notes
    -----
    ``share_ip = x_ip / sum_j x_jp`` with ``x_ip`` exports of ``i`` in product ``p`` (to the
    world, or to the importer(s)).
    """
    check_param("top", "market_shares", top is None or (isinstance(top, int) and top > 0),
                "a positive int or None", top)
    sql = q.market_shares(years=c.years(s, year), level=c.level(level, "market_shares"),
                          products=parse_products(product), importers=s.country_codes(importer),
                          top=top)
    return c.cited(s, s.query(sql))
