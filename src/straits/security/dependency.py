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

import pandas as pd

from straits.reference.blocs import resolve_party
from straits.security._common import (
    check_int,
    party_code,
    party_tables,
    resolve_products,
    single_year,
    window_years,
)
from straits.warehouse import security_sql as q

if TYPE_CHECKING:
    import pyarrow as pa

    from straits.session import Session

COLUMNS = [
    "product", "import_kusd", "top_supplier", "top_share", "n_suppliers", "import_hhi",
    "world_export_hhi", "import_export_ratio", "one_country_50", "geodep", "critical",
]
EXTRA = ["value_at_risk_kusd", "non_substitutable", "export_kusd", "geodep_years"]


def method_note(persistence: int | None = None) -> str:
    """One-line statement of the screen's method, for outputs."""
    rule = (
        "geodep = import HHI > 0.4, world-export HHI > 0.4 and imports/exports > 1"
        + (f" in >= {persistence} of the last 3 loaded years" if persistence else "")
    )
    return (
        "Shares and HHI of supplier values (thousand USD, BACI FOB); one_country_50 = top "
        f"share > 0.5; {rule}; critical = either flag; value at risk = imports from the top "
        "supplier in critical products; intra-bloc trade excluded."
    )


def dependency(
    s: Session,
    importer: str,
    *,
    year: int | None = None,
    products: str | Sequence[str] | None = None,
    persistence: int | None = None,
    blocs: Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""Dependency screen of one importer (a country or a bloc such as ``EU27``, ``KOR+JPN``).

    Parameters
    ----------
    s : Session
        Open warehouse.
    importer : str
        Economy or bloc; a bloc's imports from its own members are dropped.
    year : int, optional
        Year screened (default: latest loaded).
    products : str or list of str, optional
        HS2/HS4/HS6 codes (``"811292,2504"``); default every loaded product.
    persistence : int, optional
        Require ``geodep`` in at least this many of the last 3 loaded years up to ``year``.
    blocs : list of str, optional
        Blocs to treat as single suppliers (``["EU27"]``), intra-bloc trade excluded.

    Returns
    -------
    pandas.DataFrame
        ``product, import_kusd, top_supplier, top_share, n_suppliers, import_hhi,
        world_export_hhi, import_export_ratio, one_country_50, geodep, critical``, then
        ``value_at_risk_kusd, non_substitutable, export_kusd, geodep_years, description``;
        sorted by value at risk, then import value. ``import_export_ratio`` is NaN when the
        importer exports none of the product (``non_substitutable``). ``attrs["method"]``
        and ``attrs["source"]`` hold the method statement and the citation.

    Notes
    -----
    With supplier values :math:`v_s` of the importer's imports :math:`V=\sum_s v_s`:
    ``top_share`` = max v_s / V; ``import_hhi`` = :math:`\sum_s (v_s/V)^2`;
    ``world_export_hhi`` the same over exporters' shares of world exports;
    ``value_at_risk_kusd`` = V x top_share when critical, else 0.

    Examples
    --------
    >>> s.dependency("KOR", year=2023, products="811292")  # doctest: +SKIP
    """
    check_int("persistence", "dependency", persistence, 1, 3, none_ok=True)
    y = single_year(s, year)
    prods, _ = resolve_products(s, products, func="dependency")
    parties = [resolve_party(importer)] + [resolve_party(b) for b in blocs or ()]
    mapping, labels = party_tables(parties)
    years = window_years(s, y) if persistence else [y]
    sql = q.dependency_screen(
        years=years, year=y, products=prods, importers=[party_code(parties, 0)],
        mapping=mapping, labels=labels, persistence=persistence,
    )
    df = s.query(sql).drop(columns="importer").reset_index(drop=True)
    return _finish(df, s, persistence)


def dependency_all(
    s: Session,
    *,
    year: int | None = None,
    products: str | Sequence[str] | None = None,
    persistence: int | None = None,
    blocs: Sequence[str] | None = None,
    arrow: bool = False,
) -> pd.DataFrame | pa.Table:
    """Dependency screen of every importer at once, in one SQL pass (the benchmarked path).

    Parameters
    ----------
    s : Session
        Open warehouse.
    year, products, persistence, blocs
        As in :func:`dependency`; a bloc in ``blocs`` is screened as one importer in place
        of its members.
    arrow : bool
        Return an Arrow table (skips the pandas conversion of ~1M rows on a full year).

    Returns
    -------
    pandas.DataFrame or pyarrow.Table
        ``importer`` followed by the columns of :func:`dependency` (without description),
        sorted by value at risk.
    """
    check_int("persistence", "dependency_all", persistence, 1, 3, none_ok=True)
    y = single_year(s, year)
    prods, _ = resolve_products(s, products, func="dependency_all")
    parties = [resolve_party(b) for b in blocs or ()]
    mapping, labels = party_tables(parties)
    years = window_years(s, y) if persistence else [y]
    sql = q.dependency_screen(
        years=years, year=y, products=prods, importers=None, mapping=mapping, labels=labels,
        persistence=persistence, describe=False,
    )
    if arrow:
        return s.query(sql, arrow=True)
    return _finish(s.query(sql), s, persistence)


def _finish(df: pd.DataFrame, s: Session, persistence: int | None) -> pd.DataFrame:
    for col in ("one_country_50", "geodep", "critical", "non_substitutable"):
        df[col] = df[col].astype(bool)
    df["n_suppliers"] = df["n_suppliers"].astype("int64")
    df["geodep_years"] = df["geodep_years"].astype("int64")
    df.attrs["method"] = method_note(persistence)
    df.attrs["source"] = s.citation()
    return df
