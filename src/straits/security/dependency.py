"""Dependency screen: which imported products are concentrated, hard to replace, at risk.

One row per product an importer buys, with the two screens analysts in Seoul, Tokyo and
Brussels use:

- ``one_country_50``: the top supplier holds more than half of the imports (the single-
  supplier rule of Korea's supply-chain early-warning system);
- ``geodep``: import HHI > 0.4 and world-export HHI > 0.4 and imports / exports > 1 (the
  European Commission's and CEPII's "strategic dependency" screen), optionally required in
  ``persistence`` of the last three loaded years.

References
----------
European Commission (2021), "Strategic dependencies and capacities", SWD(2021) 352.
Vicard, V. and P. Wibaux (2023), "EU strategic dependencies: a long view", CEPII Policy
Brief 41. Korea Ministry of Economy and Finance (2023), supply-chain early warning system
(items with more than 50% of imports from one country).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from straits import resolve
from straits.params import Economies, Economy, Interval, Products, YearSpec, validate_params
from straits.provenance import attach
from straits.reference.blocs import resolve_party
from straits.security._common import (
    baci_provenance,
    party_code,
    party_table,
    window_years,
)
from straits.security.comparable import footing
from straits.warehouse import aggregates
from straits.warehouse import security_sql as q
from straits.warehouse.protocol import resolve_year

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from straits.warehouse.protocol import Warehouse

COLUMNS = [
    "product", "import_kusd", "top_supplier", "top_share", "n_suppliers", "import_hhi",
    "world_export_hhi", "import_export_ratio", "one_country_50", "geodep", "critical",
]
EXTRA = ["value_at_risk_kusd", "no_own_exports", "export_kusd", "geodep_years"]

_OPTIONS = {"year": YearSpec(), "products": Products(),
            "persistence": Interval(int, 1, 3, none_ok=True), "blocs": Economies(none_ok=True)}


def method_note(persistence: int | None = None) -> str:
    """One-line statement of the screen's method, for outputs."""
    rule = (f"geodep = import HHI > {q.HHI_MIN:g}, world-export HHI > {q.HHI_MIN:g} and "
            f"imports/exports > {q.RATIO_MIN:g}"
            + (f" in >= {persistence} of the last 3 loaded years (geodep_years counts them)"
               if persistence else ""))
    return (
        "Shares and HHI of supplier values (thousand USD, BACI FOB); one_country_50 = top "
        f"share > {q.TOP_SHARE_MIN:g}; {rule}; critical = either flag; value at risk = "
        "imports from the top supplier in critical products; no_own_exports = the importer "
        "exports none of the product (import_export_ratio then empty); intra-bloc trade "
        "excluded."
    )


def _screen(wh: Warehouse, *, year, products, persistence, group, importers, describe,
            func: str) -> tuple[pa.Table, list[int], tuple[str, ...]]:
    y = resolve_year(wh, year)
    prods, _ = resolve.products(wh, products, func=func)
    years = window_years(wh, y) if persistence else [y]
    foot = footing(wh, years, prods) if len(years) > 1 else None
    cut = foot.cut if foot else None
    pmap = party_table(group)
    src = None
    if not pmap.num_rows and cut is None:  # the pre-summed importer and exporter tables
        src = aggregates.ensure(wh, years, ("exports", "imports"))
    query = q.dependency_screen(
        years=years, year=y, products=prods, importers=importers, pmap=pmap,
        persistence=persistence, describe=describe, comparable=cut, aggregates=src)
    return wh.arrow(query), years, foot.notes if foot else ()


@validate_params({"importer": Economy(), **_OPTIONS})
def dependency(
    wh: Warehouse,
    importer: str,
    *,
    year: int | None = None,
    products: str | Sequence[str] | None = None,
    persistence: int | None = None,
    blocs: str | Sequence[str] | None = None,
    arrow: bool = False,
) -> pd.DataFrame | pa.Table:
    r"""Dependency screen of one importer (a country or a bloc such as ``EU27``, ``KOR+JPN``).

    Parameters
    ----------
    wh : Warehouse
        The data.
    importer : str
        Economy or bloc; a bloc's imports from its own members are dropped.
    year : int, optional
        Year screened (default: the latest loaded year).
    products : str or list of str, optional
        HS2/HS4/HS6 codes (``"811292,2504"``); default every loaded product.
    persistence : int, optional
        Require ``geodep`` in at least this many of the last 3 loaded years up to ``year``
        (the years are first put on one footing, see :mod:`straits.security.comparable`).
    blocs : str or list of str, optional
        Blocs to treat as single suppliers (``"EU27"``), intra-bloc trade excluded.
    arrow : bool
        Return an Arrow table with the same columns (what the CLI writes: no pandas).

    Returns
    -------
    pandas.DataFrame or pyarrow.Table
        ``product, import_kusd, top_supplier, top_share, n_suppliers, import_hhi,
        world_export_hhi, import_export_ratio, one_country_50, geodep, critical``, then
        ``value_at_risk_kusd, no_own_exports, export_kusd, geodep_years, description``;
        sorted by value at risk, then import value. ``import_export_ratio`` is empty when
        the importer exports none of the product (``no_own_exports``: all it says is that;
        other suppliers may still exist). ``geodep_years`` is empty without
        ``persistence``. A :class:`~straits.provenance.Provenance` is attached.

    Notes
    -----
    With supplier values :math:`v_s` of the importer's imports :math:`V=\sum_s v_s`:
    ``top_share`` = max v_s / V; ``import_hhi`` = :math:`\sum_s (v_s/V)^2`;
    ``world_export_hhi`` the same over exporters' shares of world exports;
    ``value_at_risk_kusd`` = V x top_share when critical, else 0. Collects one row per
    product the importer buys (at most the number of loaded products).

    Examples
    --------
    >>> dependency(wh, "KOR", year=2023, products="811292")  # doctest: +SKIP
    """
    group = [resolve_party(importer), *resolve.parties(blocs or [])]
    t, years, notes = _screen(wh, year=year, products=products, persistence=persistence,
                              group=group, importers=[party_code(group, 0)], describe=True,
                              func="dependency")
    t = t.drop_columns(["importer"])
    prov = baci_provenance(wh, years, method_note(persistence), notes)
    return attach(t if arrow else _finish(t.to_pandas()), prov)


@validate_params(dict(_OPTIONS))
def dependency_all(
    wh: Warehouse,
    *,
    year: int | None = None,
    products: str | Sequence[str] | None = None,
    persistence: int | None = None,
    blocs: str | Sequence[str] | None = None,
    arrow: bool = False,
) -> pd.DataFrame | pa.Table:
    """Dependency screen of every importer at once, in one SQL pass (the benchmarked path).

    Parameters
    ----------
    wh : Warehouse
        The data.
    year, products, persistence, blocs
        As in :func:`dependency`; a bloc in ``blocs`` is screened as one importer in place
        of its members.
    arrow : bool
        Return an Arrow table (skips the pandas conversion of ~1M rows on a full year).

    Returns
    -------
    pandas.DataFrame or pyarrow.Table
        ``importer`` followed by the columns of :func:`dependency` (without description),
        sorted by value at risk; one row per importer and product it buys (about 1M on a
        full BACI year).
    """
    group = resolve.parties(blocs or [])
    t, years, notes = _screen(wh, year=year, products=products, persistence=persistence,
                              group=group, importers=None, describe=False,
                              func="dependency_all")
    prov = baci_provenance(wh, years, method_note(persistence), notes)
    if arrow:
        return attach(t, prov)
    return attach(_finish(t.to_pandas()), prov)


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("one_country_50", "geodep", "critical", "no_own_exports"):
        df[col] = df[col].astype(bool)
    df["n_suppliers"] = df["n_suppliers"].astype("int64")
    df["geodep_years"] = df["geodep_years"].astype("Int64")
    return df
