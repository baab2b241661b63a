"""Restriction shock: an exporter cuts supplies and the rest of the world covers what it can.

A first-order, partial-equilibrium what-if on one year of flows (no price or demand
response): exporter X (or a coalition) cuts a share ``cut`` of its exports of some products
to importer M. Other exporters can redirect a share ``redirect`` of what they now sell to
everyone else. The gap is what neither covers.

Notes
-----
For importer M and product p (values in thousand USD, BACI FOB, year y):

- exposed = cut x M's imports of p from X;
- alternatives = every exporter of p except X, the other restricting economies and M;
- capacity_s = redirect x (s's exports of p to all destinations other than M); capacity =
  sum over alternatives;
- covered = min(exposed, capacity); gap = exposed - covered;
- gap_share = gap / M's total imports of p.

A bloc importer (``EU27``) is one M: imports from its members are internal and excluded,
and capacity counts exports to destinations outside the bloc.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from straits.errors import ParameterError
from straits.reference.blocs import resolve_parties
from straits.security._common import (
    check_fraction,
    party_code,
    party_tables,
    resolve_products,
    single_year,
)
from straits.warehouse import security_sql as q

if TYPE_CHECKING:
    from straits.session import Session

COLUMNS = [
    "importer", "product", "imports_kusd", "exposed_kusd", "capacity_kusd", "covered_kusd",
    "gap_kusd", "gap_share", "top_substitutes", "from_restricting_kusd", "n_substitutes",
]


def shock(
    s: Session,
    *,
    exporter: str | Sequence[str],
    importer: str | Sequence[str],
    products: str | Sequence[str],
    year: int | None = None,
    cut: float = 1.0,
    redirect: float = 0.2,
    also_restricting: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Simulate an export restriction on ``products`` from ``exporter`` to each importer.

    Parameters
    ----------
    s : Session
        Open warehouse.
    exporter : str or list of str
        Restricting economy, or a coalition (``"CHN"``, ``"CHN,RUS"``, ``"EU27"``).
    importer : str or list of str
        Importers, comma-separated; each may be a bloc (``"KOR,JPN,EU27"``).
    products : str or list of str
        HS2/HS4/HS6 codes; prefixes expand to the loaded HS6 codes.
    year : int, optional
        Default: latest loaded.
    cut : float
        Share of X's exports to M that stops, in [0, 1].
    redirect : float
        Share of each alternative supplier's exports to other destinations it could send
        to M instead, in [0, 1].
    also_restricting : str or list of str, optional
        Economies that join the restriction: they do not cut but do not substitute either.

    Returns
    -------
    pandas.DataFrame
        One row per importer and product: importer, product, imports_kusd, exposed_kusd,
        capacity_kusd, covered_kusd, gap_kusd, gap_share, top_substitutes (the three
        largest capacities, ``"USA 1234; DEU 567"`` in thousand USD), from_restricting_kusd,
        n_substitutes; largest gap first. ``attrs["method"]`` states the assumption and
        ``attrs["source"]`` cites the data.

    Notes
    -----
    See the module docstring for the formulas. Hand example: M imports 100 of p, 60 from
    X; cut = 1 -> exposed 60; alternatives export 150 elsewhere, redirect = 0.2 -> capacity
    30; covered = 30, gap = 30, gap_share = 0.3.
    """
    cut = check_fraction("cut", "shock", cut)
    redirect = check_fraction("redirect", "shock", redirect)
    y = single_year(s, year)
    prods, _ = resolve_products(s, products, func="shock")
    if not prods:
        raise ParameterError("The 'products' parameter of shock must name at least one product.")
    # Session.country_codes resolves "CHN", "CHN,RUS", "CHN+RUS" and blocs alike
    restricting = sorted(s.country_codes(exporter) or ())
    if not restricting:
        raise ParameterError("The 'exporter' parameter of shock must name an economy.")
    also = sorted(set(s.country_codes(also_restricting) or ()) - set(restricting))
    parties = resolve_parties(importer)
    overlap = {p.label for p in parties if set(p.codes) & set(restricting)}
    if overlap:
        raise ParameterError(
            f"The importer(s) {', '.join(sorted(overlap))} are also restricting exporters."
        )
    mapping, labels = party_tables(parties)
    merged = {c for c, _ in mapping}
    singles = [(party_code(parties, i), party_code(parties, i)) for i, p in enumerate(parties)
               if not set(p.codes) & merged]
    sql = q.shock(
        year=y, products=prods, importers=mapping + singles, labels=labels,
        restricting=restricting, also_restricting=also, cut=cut, redirect=redirect,
    )
    df = s.query(sql)
    df["n_substitutes"] = df["n_substitutes"].astype("int64")
    df = df[COLUMNS].reset_index(drop=True)
    x = exporter if isinstance(exporter, str) else ",".join(exporter)
    excluded = f"{x}" + (f", {also_restricting}" if also else "")
    df.attrs["method"] = (
        f"Exposed = {cut:g} x imports from {x}; capacity = {redirect:g} x each alternative "
        f"supplier's exports to destinations other than the importer (alternatives exclude "
        f"{excluded} and the importer); covered = min(exposed, capacity); gap = exposed - "
        f"covered; gap_share = gap / importer's imports; {y}, thousand USD, no price response."
    )
    df.attrs["source"] = s.citation()
    return df
