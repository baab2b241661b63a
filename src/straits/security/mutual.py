"""Two economies side by side: mutual dependence and shared dependence on a third one.

``mutual(wh, "KOR", "JPN")`` lists what Korea depends on Japan for and vice versa, with the
one definition of dependence (:mod:`straits.security.dependence`: the partner supplies at
least ``min_share`` of the importer's imports of the product). ``shared_dependence(wh,
"KOR", "JPN", on="CHN")`` finds the products where both depend on China and runs the shock
of :mod:`straits.security.shock` with R = {CHN}, M = {KOR, JPN} and cut = 1: what each could
still get, from its other suppliers and from the rest of the world's shared pool.
Values are BACI thousand USD (FOB); blocs are allowed and intra-bloc trade is excluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from straits.params import Economy, Interval, YearSpec, validate_params
from straits.provenance import Cited, Provenance, attach
from straits.reference.blocs import Party, resolve_party
from straits.security import dependence
from straits.security._common import baci_provenance, describe, party_code, party_table
from straits.security.shock import frame, simulate
from straits.warehouse import security_sql as q
from straits.warehouse.protocol import resolve_year

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

PRODUCT_COLUMNS = [
    "direction", "importer", "partner", "product", "import_kusd", "partner_kusd",
    "partner_share", "partner_rank", "over_50", "top_supplier", "top_share", "description",
]
BALANCE_COLUMNS = [
    "importer", "partner", "n_dependent", "n_over_50", "dependent_kusd", "bilateral_kusd",
    "net_dependent_kusd",
]
_MIN_SHARE = Interval(float, 0, 1, closed="neither")


@dataclass
class Mutual(Cited):
    """Result of :func:`mutual`.

    Attributes
    ----------
    products : pandas.DataFrame
        One row per product and direction (``"KOR on JPN"`` = Korea's imports from Japan)
        where the importer depends on the partner: direction, importer, partner, product,
        import_kusd (importer's total imports), partner_kusd, partner_share, partner_rank
        (1 = top supplier), over_50, top_supplier, top_share, description; sorted by
        direction then partner_kusd.
    balance : pandas.DataFrame
        One row per direction: importer, partner, n_dependent, n_over_50, dependent_kusd
        (imports from the partner in dependent products), bilateral_kusd (all imports from
        the partner in the loaded products), net_dependent_kusd (own minus the other's).
    provenance : Provenance
        Source, year and the definition with its threshold (also attached to both tables).
    """

    a: str
    b: str
    year: int
    min_share: float
    products: pd.DataFrame
    balance: pd.DataFrame
    provenance: Provenance

    @property
    def a_on_b(self) -> pd.DataFrame:
        """Products A depends on B for."""
        return self.products[self.products["importer"] == self.a].reset_index(drop=True)

    @property
    def b_on_a(self) -> pd.DataFrame:
        """Products B depends on A for."""
        return self.products[self.products["importer"] == self.b].reset_index(drop=True)


def _shares(wh: Warehouse, group: list[Party], year: int, n_importers: int = 2) -> pd.DataFrame:
    """Supplier shares in the imports of the first ``n_importers`` parties (all products)."""
    return wh.arrow(q.supplier_shares(
        years=[year], products=None, pmap=party_table(group),
        importers=[party_code(group, i) for i in range(n_importers)])).to_pandas()


@validate_params({"a": Economy(), "b": Economy(), "year": YearSpec(), "min_share": _MIN_SHARE},
                 distinct=[("a", "b")])
def mutual(wh: Warehouse, a: str, b: str, *, year: int | None = None,
           min_share: float = dependence.MIN_SHARE) -> Mutual:
    """What ``a`` depends on ``b`` for, what ``b`` depends on ``a`` for, and the balance.

    Parameters
    ----------
    wh : Warehouse
        The data.
    a, b : str
        Two different economies or blocs (``KOR``, ``EU27``, ``KOR+JPN``).
    year : int, optional
        Default: the latest loaded year.
    min_share : float
        Smallest partner share that counts as dependence, in (0, 1); default
        :data:`straits.security.dependence.MIN_SHARE` (0.10).

    Returns
    -------
    Mutual
        ``.products`` and ``.balance`` (columns in :class:`Mutual`) and ``.provenance``.

    Notes
    -----
    partner_share = imports from the partner / the importer's total imports of the product;
    dependent when partner_share >= min_share; over_50 when > 0.5. Collects the supplier
    rows of the two importers (at most 2 x products x suppliers).
    """
    y = resolve_year(wh, year)
    group = [resolve_party(a), resolve_party(b)]
    la, lb = group[0].label, group[1].label
    sh = _shares(wh, group, y)
    top_rows = sh[sh["rank"] == 1][["importer", "product", "supplier", "share"]].rename(
        columns={"supplier": "top_supplier", "share": "top_share"})
    pairs = sh[((sh["importer"] == la) & (sh["supplier"] == lb))
               | ((sh["importer"] == lb) & (sh["supplier"] == la))]
    pairs = pairs.merge(top_rows, on=["importer", "product"], how="left")
    bilateral = pairs.groupby("importer")["value_kusd"].sum()
    dep = dependence.flag(pairs, min_share).rename(columns={
        "supplier": "partner", "value_kusd": "partner_kusd", "share": "partner_share",
        "rank": "partner_rank"})
    dep["direction"] = dep["importer"] + " on " + dep["partner"]
    dep = describe(dep, wh)
    dep["partner_rank"] = dep["partner_rank"].astype("int64")
    dep["_o"] = (dep["importer"] != la).astype(int)
    dep = dep.sort_values(["_o", "partner_kusd"], ascending=[True, False])[
        PRODUCT_COLUMNS].reset_index(drop=True)
    counts = dep.groupby("importer").agg(n_dependent=("product", "size"),
                                         n_over_50=("over_50", "sum"),
                                         dependent_kusd=("partner_kusd", "sum"))
    bal = pd.DataFrame({"importer": [la, lb], "partner": [lb, la]})
    bal = bal.join(counts, on="importer").fillna({"n_dependent": 0, "n_over_50": 0,
                                                  "dependent_kusd": 0.0})
    bal["n_dependent"] = bal["n_dependent"].astype("int64")
    bal["n_over_50"] = bal["n_over_50"].astype("int64")
    bal["bilateral_kusd"] = bal["importer"].map(bilateral).fillna(0.0)
    bal["net_dependent_kusd"] = bal["dependent_kusd"] - bal["dependent_kusd"][::-1].to_numpy()
    prov = baci_provenance(wh, [y], f"{dependence.rule(min_share)}, {y}; values thousand USD "
                           "(BACI FOB); a bloc's internal trade left out.")
    return Mutual(la, lb, y, min_share, attach(dep, prov),
                  attach(bal[BALANCE_COLUMNS], prov), prov)


SHARED_COLUMNS = [
    "product", "a_imports_kusd", "a_from_on_kusd", "a_on_share", "a_on_rank",
    "b_imports_kusd", "b_from_on_kusd", "b_on_share", "b_on_rank", "pool_kusd",
    "a_other_kusd", "a_covered_kusd", "a_coverage_share", "a_gap_kusd", "a_gap_share",
    "b_other_kusd", "b_covered_kusd", "b_coverage_share", "b_gap_kusd", "b_gap_share",
    "substitutes", "description",
]


@validate_params({"a": Economy(), "b": Economy(), "on": Economy(), "year": YearSpec(),
                  "min_share": _MIN_SHARE, "redirect": Interval(float, 0, 1),
                  "n_substitutes": Interval(int, 1, 50)},
                 distinct=[("a", "b", "on")])
def shared_dependence(
    wh: Warehouse, a: str, b: str, *, on: str = "CHN", year: int | None = None,
    min_share: float = dependence.MIN_SHARE, redirect: float = 0.2, n_substitutes: int = 3,
) -> pd.DataFrame:
    """Products where both ``a`` and ``b`` depend on ``on``, and what each could still get.

    Parameters
    ----------
    wh : Warehouse
        The data.
    a, b : str
        The two economies (or blocs), e.g. ``KOR`` and ``JPN``.
    on : str
        The economy both may depend on (default ``CHN``); different from ``a`` and ``b``.
    year : int, optional
        Default: the latest loaded year.
    min_share : float
        Dependence threshold (:mod:`straits.security.dependence`), in (0, 1).
    redirect : float
        Share of the rest of the world's other exports it could divert to A and B, in
        [0, 1] (as in :func:`straits.security.shock.shock`).
    n_substitutes : int
        How many substitute suppliers to list.

    Returns
    -------
    pandas.DataFrame
        One row per product both depend on C for: product, a_imports_kusd, a_from_on_kusd,
        a_on_share, a_on_rank, the same for b, pool_kusd (the rest of the world's shared
        pool P), then for each of a and b: other_kusd (imports from suppliers other than C,
        untouched by the cut, the partner included), covered_kusd (its share of P),
        coverage_share (covered / imports from C), gap_kusd, gap_share (gap / imports);
        substitutes (a list of ``{supplier, value_kusd}``, largest pool first, with what
        each gives A and B together), description. Sorted by a_from_on_kusd +
        b_from_on_kusd. With its :class:`~straits.provenance.Provenance`.

    Notes
    -----
    The shock of :mod:`straits.security.shock` with R = {C}, M = {A, B}, cut = 1: neither
    A nor B counts as the other's substitute (both are cut), and exports to C count in the
    pool like exports to any destination outside M.
    """
    y = resolve_year(wh, year)
    group = [resolve_party(a), resolve_party(b), resolve_party(on)]
    la, lb, lc = (p.label for p in group)
    sh = _shares(wh, group, y)
    dep = dependence.flag(sh[sh["supplier"] == lc], min_share)
    cols = ["product", "import_kusd", "value_kusd", "share", "rank"]
    side = {}
    for lab, pre in ((la, "a"), (lb, "b")):
        side[pre] = dep[dep["importer"] == lab][cols].rename(columns={
            "import_kusd": f"{pre}_imports_kusd", "value_kusd": f"{pre}_from_on_kusd",
            "share": f"{pre}_on_share", "rank": f"{pre}_on_rank"})
    out = side["a"].merge(side["b"], on="product")
    prov = baci_provenance(wh, [y], (
        f"Both {la} and {lb} depend on {lc} ({dependence.rule(min_share)}), {y}. What each "
        f"could still get: imports from other suppliers, plus its share of the rest of the "
        f"world's pool in the shock R = {{{lc}}}, M = {{{la}, {lb}}}, cut = 1, redirect = "
        f"{redirect:g} (pool = exports of suppliers other than {la}, {lb}, {lc} to "
        f"destinations other than {la} and {lb}, shared pro rata to exposure); thousand USD "
        "(BACI FOB)."))
    if out.empty:
        return attach(pd.DataFrame({c: pd.Series(dtype=object) for c in SHARED_COLUMNS}), prov)
    prods = sorted(out["product"])
    table, _ = simulate(wh, year=y, products=prods, restricting=list(group[2].codes),
                        group=group[:2], cut=1.0, redirect=redirect,
                        n_substitutes=n_substitutes)
    res = frame(table).set_index(["importer", "product"])
    for lab, pre in ((la, "a"), (lb, "b")):
        r = res.xs(lab, level="importer").reindex(out["product"])
        out[f"{pre}_other_kusd"] = (r["imports_kusd"] - r["from_restricting_kusd"]).to_numpy()
        out[f"{pre}_covered_kusd"] = r["covered_kusd"].to_numpy()
        out[f"{pre}_coverage_share"] = r["coverage_share"].to_numpy()
        out[f"{pre}_gap_kusd"] = r["gap_kusd"].to_numpy()
        out[f"{pre}_gap_share"] = r["gap_share"].to_numpy()
    world = res.xs("WORLD", level="importer").reindex(out["product"])
    out["pool_kusd"] = world["pool_kusd"].to_numpy()
    out["substitutes"] = world["top_substitutes"].to_numpy()
    out = describe(out, wh)
    for c in ("a_on_rank", "b_on_rank"):
        out[c] = out[c].astype("int64")
    order = (out["a_from_on_kusd"] + out["b_from_on_kusd"]).sort_values(ascending=False).index
    out = out.loc[order, SHARED_COLUMNS].reset_index(drop=True)
    out.attrs.update(a=la, b=lb, on=lc)
    return attach(out, prov)
