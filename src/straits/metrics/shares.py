"""Export and import totals and exporters' market shares.

A market share is an exporter's value over the total of the market: world exports of the
product, or the imports of one importer (or of several pooled). Values are BACI FOB values in
thousand USD; shares are fractions 0-1. A bloc is one economy: as a market its imports are
those from outside it (``shares --importer EU27`` never lists Germany), and as an exporter
or importer in :func:`totals` its trade with itself is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from straits.metrics import _common as c
from straits.params import Interval, Options, validate_params
from straits.warehouse import metrics_sql as q

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse


@validate_params({"year": c.YEARS, "level": Options("hs6", "hs4", "hs2", "total"),
                  "country": c.ECONOMIES, "product": c.PRODUCTS})
def totals(
    wh: Warehouse,
    *,
    year: c.Years = None,
    level: str = "hs6",
    country: c.Spec = None,
    product: c.Spec = None,
) -> pd.DataFrame:
    """Export and import totals per economy and product.

    Parameters
    ----------
    wh : Warehouse
        The data.
    year : int or list of int, optional
        Year(s); default the latest loaded year.
    level : {"hs6", "hs4", "hs2", "total"}
        Product aggregation; ``"total"`` sums every loaded product (``product = "total"``).
    country : str or list, optional
        Economies to report, one row each (a bloc's trade with itself is left out); default
        every country.
    product : str or list, optional
        HS prefixes or product names to include (``"811292,2504"``).

    Returns
    -------
    pandas.DataFrame
        ``year, country, product, exports_kusd, imports_kusd`` (thousand USD). Collects one
        row per economy and product (about 1M a year for every country on a full release).
    """
    yrs = c.years(wh, year)
    lvl = c.level(level)
    prods = c.products(wh, product, "totals")
    named = c.parties(country, param="country", func="totals")
    if named is None:
        sql = q.totals(c.source(wh, yrs, ("exports", "imports")), years=yrs, level=lvl, products=prods)
    else:
        sql = q.party_totals(years=yrs, level=lvl, products=prods, parties=named.table,
                             labels=named.labels_table)
    df = wh.arrow(sql).to_pandas()
    return c.finish(df, c.provenance(wh, yrs, "Exports and imports as BACI records them "
                                              f"(FOB); {c.UNITS}.", named=named))


@validate_params({"year": c.YEARS, "product": c.PRODUCTS, "importer": c.ECONOMIES,
                  "top": Interval(int, 1, None, none_ok=True), "level": c.LEVEL})
def market_shares(
    wh: Warehouse,
    *,
    year: c.Years = None,
    product: c.Spec = None,
    importer: c.Spec = None,
    top: int | None = None,
    level: str = "hs6",
) -> pd.DataFrame:
    """Each exporter's share of world exports of a product, or of an importer's imports.

    Parameters
    ----------
    wh : Warehouse
        The data.
    year : int or list of int, optional
        Year(s); default the latest loaded year.
    product : str or list, optional
        HS prefixes or product names (``"811292"``); default every loaded product.
    importer : str or list, optional
        Market: one importer, a bloc (``"EU27"``, ``"KOR+JPN"``: its imports from outside
        it) or several pooled (``["KOR", "JPN"]``); default the world.
    top : int, optional
        Keep the ``top`` largest exporters per year and product.
    level : {"hs6", "hs4", "hs2"}
        Product aggregation.

    Returns
    -------
    pandas.DataFrame
        ``year, product, exporter, value_kusd, share`` sorted by year, product and value
        (largest first; ties by BACI code); ``share`` in 0-1 sums to 1 per year and product
        before ``top``. An exporter that belongs to a named party is shown as that party.
        Collects one row per exporter and product (about 1M a year for the world market on
        a full release).

    Notes
    -----
    ``share_ip = x_ip / sum_j x_jp`` with ``x_ip`` exports of ``i`` in product ``p`` (to the
    world, or to the importer(s) from outside each of them).
    """
    yrs = c.years(wh, year)
    named = c.parties(importer, param="importer", func="market_shares")
    sql = q.market_shares(c.source(wh, yrs), years=yrs, level=c.level(level),
                          products=c.products(wh, product, "market_shares"), top=top,
                          parties=None if named is None else named.table,
                          labels=None if named is None else named.labels_table)
    market = ("world exports" if named is None
              else "imports of " + " + ".join(named.labels) + " (pooled)" * (len(named.labels) > 1))
    prov = c.provenance(wh, yrs, f"share = exporter's value / total {market}; {c.UNITS}.",
                        named=named)
    return c.finish(wh.arrow(sql).to_pandas(), prov)
