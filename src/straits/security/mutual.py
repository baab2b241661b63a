"""Two economies side by side: mutual dependence and shared dependence on a third one.

``mutual(s, "KOR", "JPN")`` lists what Korea depends on Japan for and vice versa; an
economy *depends on* a partner for a product when the partner ranks among its ``top``
suppliers (default 3) or holds more than half of its imports. ``shared_dependence(s, "KOR",
"JPN", on="CHN")`` finds products where both depend on China and asks how far each could
cover the other (joint coverage) from its current exports, and who else sells them.
Values are BACI thousand USD (FOB); blocs are allowed and intra-bloc trade is excluded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits.reference.blocs import Party, resolve_party
from straits.security._common import (
    check_int,
    descriptions,
    party_code,
    party_tables,
    single_year,
)
from straits.warehouse import security_sql as q

if TYPE_CHECKING:
    from straits.session import Session

PRODUCT_COLUMNS = [
    "direction", "importer", "partner", "product", "import_kusd", "partner_kusd",
    "partner_share", "partner_rank", "over_50", "top_supplier", "top_share", "description",
]
BALANCE_COLUMNS = [
    "importer", "partner", "n_dependent", "n_over_50", "dependent_kusd", "bilateral_kusd",
    "net_dependent_kusd",
]


@dataclass
class Mutual:
    """Result of :func:`mutual`.

    Attributes
    ----------
    products : pandas.DataFrame
        One row per product and direction (``"KOR on JPN"`` = Korea's imports from Japan):
        direction, importer, partner, product, import_kusd (importer's total imports),
        partner_kusd, partner_share, partner_rank (1 = top supplier), over_50, top_supplier,
        top_share, description; sorted by direction then partner_kusd.
    balance : pandas.DataFrame
        One row per direction: importer, partner, n_dependent, n_over_50, dependent_kusd
        (imports from the partner in dependent products), bilateral_kusd (all imports from
        the partner in the loaded products), net_dependent_kusd (own minus the other's).
    """

    a: str
    b: str
    year: int
    products: pd.DataFrame
    balance: pd.DataFrame
    method: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def a_on_b(self) -> pd.DataFrame:
        """Products A depends on B for."""
        return self.products[self.products["importer"] == self.a].reset_index(drop=True)

    @property
    def b_on_a(self) -> pd.DataFrame:
        """Products B depends on A for."""
        return self.products[self.products["importer"] == self.b].reset_index(drop=True)


def _shares(s: Session, parties: list[Party], year: int) -> pd.DataFrame:
    """Supplier shares in the imports of ``parties[0]`` and ``parties[1]`` (all products)."""
    mapping, labels = party_tables(parties)
    return s.query(q.supplier_shares(
        years=[year], products=None, importers=[party_code(parties, 0), party_code(parties, 1)],
        mapping=mapping, labels=labels))


def mutual(s: Session, a: str, b: str, *, year: int | None = None, top: int = 3) -> Mutual:
    """What ``a`` depends on ``b`` for, what ``b`` depends on ``a`` for, and the balance.

    Parameters
    ----------
    s : Session
        Open warehouse.
    a, b : str
        Economies or blocs (``KOR``, ``EU27``, ``KOR+JPN``).
    year : int, optional
        Default: latest loaded.
    top : int
        The partner counts as a top supplier when its rank is <= ``top``.

    Returns
    -------
    Mutual
        ``.products`` and ``.balance`` (columns in :class:`Mutual`), ``.method``,
        ``.source``.

    Notes
    -----
    partner_share = imports from the partner / the importer's total imports of the product;
    dependent when partner_rank <= top or partner_share > 0.5.
    """
    check_int("top", "mutual", top, 1)
    y = single_year(s, year)
    parties = [resolve_party(a), resolve_party(b)]
    la, lb = parties[0].label, parties[1].label
    sh = _shares(s, parties, y)
    top_rows = sh[sh["rank"] == 1][["importer", "product", "supplier", "share"]].rename(
        columns={"supplier": "top_supplier", "share": "top_share"})
    pairs = sh[((sh["importer"] == la) & (sh["supplier"] == lb))
               | ((sh["importer"] == lb) & (sh["supplier"] == la))]
    pairs = pairs.merge(top_rows, on=["importer", "product"], how="left")
    bilateral = pairs.groupby("importer")["value_kusd"].sum()
    dep = pairs[(pairs["rank"] <= top) | (pairs["share"] > 0.5)].copy()
    dep = dep.rename(columns={"supplier": "partner", "value_kusd": "partner_kusd",
                              "share": "partner_share", "rank": "partner_rank"})
    dep["over_50"] = dep["partner_share"] > 0.5
    dep["direction"] = dep["importer"] + " on " + dep["partner"]
    dep["description"] = dep["product"].map(descriptions(s))
    dep["partner_rank"] = dep["partner_rank"].astype("int64")
    order = {la: 0, lb: 1}
    dep = dep.sort_values(["importer", "partner_kusd"], key=lambda c: c.map(order)
                          if c.name == "importer" else -c)[PRODUCT_COLUMNS].reset_index(drop=True)
    rows = []
    for imp, par in ((la, lb), (lb, la)):
        d = dep[dep["importer"] == imp]
        rows.append((imp, par, len(d), int(d["over_50"].sum()), float(d["partner_kusd"].sum()),
                     float(bilateral.get(imp, 0.0))))
    bal = pd.DataFrame(rows, columns=BALANCE_COLUMNS[:-1])
    bal["net_dependent_kusd"] = bal["dependent_kusd"] - bal["dependent_kusd"][::-1].to_numpy()
    method = (f"Dependent: partner among the importer's top {top} suppliers or > 50% of its "
              f"imports of the product, {y}; values thousand USD (BACI FOB).")
    return Mutual(la, lb, y, dep, bal, method, s.citation())


SHARED_COLUMNS = [
    "product", "a_imports_kusd", "a_from_on_kusd", "a_on_share", "a_on_rank",
    "b_imports_kusd", "b_from_on_kusd", "b_on_share", "b_on_rank", "a_exports_kusd",
    "b_exports_kusd", "a_covered_by_b_kusd", "a_coverage_by_b", "b_covered_by_a_kusd",
    "b_coverage_by_a", "alternatives", "description",
]


def shared_dependence(
    s: Session, a: str, b: str, *, on: str = "CHN", year: int | None = None, top: int = 3,
    n_alternatives: int = 3,
) -> pd.DataFrame:
    """Products where both ``a`` and ``b`` depend on ``on``, with joint coverage.

    Parameters
    ----------
    s : Session
        Open warehouse.
    a, b : str
        The two economies (or blocs), e.g. ``KOR`` and ``JPN``.
    on : str
        The economy both may depend on (default ``CHN``).
    year : int, optional
        Default: latest loaded.
    top : int
        ``on`` counts when it ranks <= ``top`` among the importer's suppliers or holds > 50%.
    n_alternatives : int
        How many alternative suppliers to list.

    Returns
    -------
    pandas.DataFrame
        ``product, a_imports_kusd, a_from_on_kusd, a_on_share, a_on_rank, b_imports_kusd,
        b_from_on_kusd, b_on_share, b_on_rank, a_exports_kusd, b_exports_kusd,
        a_covered_by_b_kusd, a_coverage_by_b, b_covered_by_a_kusd, b_coverage_by_a,
        alternatives, description``, sorted by a_from_on_kusd + b_from_on_kusd.
        ``attrs``: a, b, on, method, source.

    Notes
    -----
    b_exports_kusd = B's exports of the product to every destination except A (what B
    could redirect to A); a_covered_by_b_kusd = min(a_from_on_kusd, b_exports_kusd);
    a_coverage_by_b = a_covered_by_b_kusd / a_from_on_kusd (and symmetrically).
    ``alternatives`` = the largest exporters other than ``on``, A and B, with their share of
    world exports (intra-bloc trade excluded).
    """
    check_int("top", "shared_dependence", top, 1)
    check_int("n_alternatives", "shared_dependence", n_alternatives, 1)
    y = single_year(s, year)
    parties = [resolve_party(a), resolve_party(b), resolve_party(on)]
    la, lb, lc = (p.label for p in parties)
    sh = _shares(s, parties, y)
    dep = sh[(sh["supplier"] == lc) & ((sh["rank"] <= top) | (sh["share"] > 0.5))]
    cols = ["product", "import_kusd", "value_kusd", "share", "rank"]
    side = {}
    for lab, pre in ((la, "a"), (lb, "b")):
        side[pre] = dep[dep["importer"] == lab][cols].rename(columns={
            "import_kusd": f"{pre}_imports_kusd", "value_kusd": f"{pre}_from_on_kusd",
            "share": f"{pre}_on_share", "rank": f"{pre}_on_rank"})
    out = side["a"].merge(side["b"], on="product")
    prods = sorted(out["product"])
    mapping, labels = party_tables(parties)
    ex = s.query(q.exporter_totals(years=[y], products=prods or ["------"],
                                   mapping=mapping, labels=labels))
    world = ex.set_index(["product", "exporter"])["export_kusd"]
    # exports each side sends to the other, read off the other's supplier table
    to_other = sh.set_index(["importer", "product", "supplier"])["value_kusd"]
    for x, other, pre in ((la, lb, "a"), (lb, la, "b")):
        n = len(out)
        total = world.reindex(pd.MultiIndex.from_arrays([out["product"], [x] * n]))
        sent = to_other.reindex(
            pd.MultiIndex.from_arrays([[other] * n, out["product"], [x] * n]))
        out[f"{pre}_exports_kusd"] = np.clip(
            total.fillna(0.0).to_numpy() - sent.fillna(0.0).to_numpy(), 0.0, None)
    for pre, other in (("a", "b"), ("b", "a")):
        need = out[f"{pre}_from_on_kusd"]
        cov = np.minimum(need, out[f"{other}_exports_kusd"])
        out[f"{pre}_covered_by_{other}_kusd"] = cov
        out[f"{pre}_coverage_by_{other}"] = cov / need
    alt = ex[~ex["exporter"].isin([la, lb, lc])]
    alt = alt.sort_values(["product", "export_kusd"], ascending=[True, False])
    alt = alt.groupby("product").head(n_alternatives)
    label = alt["exporter"] + " " + (alt["world_share"] * 100).round(1).astype(str) + "%"
    out["alternatives"] = out["product"].map(label.groupby(alt["product"]).agg("; ".join))
    out["alternatives"] = out["alternatives"].fillna("")
    out["description"] = out["product"].map(descriptions(s))
    for c in ("a_on_rank", "b_on_rank"):
        out[c] = out[c].astype("int64")
    order = (out["a_from_on_kusd"] + out["b_from_on_kusd"]).sort_values(ascending=False).index
    out = out.loc[order, SHARED_COLUMNS].reset_index(drop=True)
    out.attrs.update(
        a=la, b=lb, on=lc, source=s.citation(),
        method=(f"Both {la} and {lb} have {lc} among their top {top} suppliers or > 50% of "
                f"imports ({y}); coverage = min(imports from {lc}, the partner's exports to "
                "all other destinations) / imports from " + lc + "; thousand USD (BACI FOB)."),
    )
    return out
