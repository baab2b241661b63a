"""Restriction shock: exporters cut supplies and the rest of the world shares out what it can.

A first-order, partial-equilibrium what-if on one year of flows (no price or demand
response). For each product p (values in thousand USD, BACI FOB, year y):

- R, the restricting set: the exporter(s) plus ``also_restricting``;
- M, the affected importers, each named once after name resolution (``KOR,KR`` is one
  importer; a bloc is one importer and its internal trade is left out); R and M must not
  overlap;
- exposed_m = cut x (m's imports of p from R);
- S, the substitute suppliers: every exporter in neither R nor M;
- pool_s = redirect x (s's exports of p to destinations outside M): what s could divert;
  P = sum of pool_s, E = sum of exposed_m;
- the pools are shared out pro rata to exposure: covered_m = exposed_m x min(1, P / E), and
  supplier s gives importer m covered_m x pool_s / P;
- gap_m = exposed_m - covered_m; gap_share = gap_m / m's imports of p.

The allocation meets the three limits for any input: covered_m <= exposed_m; what s gives,
summed over importers, is pool_s x min(E, P) / P <= pool_s; and sum covered = min(E, P) <= P.
It is the largest total any allocation can reach, every importer gets the same share of its
exposure covered, and a single importer gets min(exposed, P), as in Straits 0.1. See
docs/security.md for a worked example and the reasons for this rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits import resolve
from straits.params import Economies, Interval, Options, Products, YearSpec, validate_params
from straits.provenance import attach
from straits.reference.blocs import Party
from straits.security._common import baci_provenance, codes_of, parties
from straits.warehouse import security_sql as q
from straits.warehouse.protocol import resolve_year

if TYPE_CHECKING:
    import pyarrow as pa

    from straits.warehouse.protocol import Warehouse

WORLD = "WORLD"
COLUMNS = [
    "importer", "product", "imports_kusd", "from_restricting_kusd", "exposed_kusd",
    "pool_kusd", "covered_kusd", "coverage_share", "gap_kusd", "gap_share", "n_substitutes",
    "top_substitutes",
]
SUPPLIER_COLUMNS = ["product", "supplier", "supplier_pool_kusd", "importer", "allocated_kusd"]


def mset(group: Sequence[Party]) -> pa.Table:
    """``member, party, label`` for every member code of every affected importer."""
    import pyarrow as pa

    members = [c for p in group for c in p.codes]
    party = [i for i, p in enumerate(group) for _ in p.codes]
    labels = [p.label for p in group for _ in p.codes]
    return pa.table({"member": pa.array(members, pa.int32()), "party": pa.array(party, pa.int32()),
                     "label": pa.array(labels, pa.string())})


def struct_lists(long: pd.DataFrame, key: str, fields: list[str]) -> pd.Series:
    """One list of ``{field: value}`` records per ``key``, in the rows' order (a list column).

    Arrow stores it as ``list<struct<...>>``; the field names carry the units.
    """
    records = long[fields].to_dict(orient="records")
    return pd.Series(records, index=long.index).groupby(long[key], sort=False).agg(list)


def allocate(imports: pd.DataFrame, pools: pd.DataFrame, *, cut: float, redirect: float,
             n_substitutes: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share each product's substitute pool among the affected importers (the model above).

    Parameters
    ----------
    imports : pandas.DataFrame
        importer, product, imports_kusd, from_restricting_kusd: one row per affected
        importer and product (zeros where it buys none).
    pools : pandas.DataFrame
        supplier, product, exports_outside_kusd (exports to destinations outside M) for the
        substitute suppliers.
    cut, redirect : float
        Fractions in [0, 1].
    n_substitutes : int
        Length of the ``top_substitutes`` lists.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The importer table (:data:`COLUMNS`: one row per importer and product, then a
        ``WORLD`` row per product) and the allocation (:data:`SUPPLIER_COLUMNS`: what each
        substitute supplier gives each importer).
    """
    imp = imports.copy()
    imp["exposed_kusd"] = cut * imp["from_restricting_kusd"]
    pl = pools.assign(pool=redirect * pools["exports_outside_kusd"])
    pl = pl[pl["pool"] > 0].sort_values(["product", "pool", "supplier"],
                                        ascending=[True, False, True], ignore_index=True)
    big_p = pl.groupby("product")["pool"].sum()
    big_e = imp.groupby("product")["exposed_kusd"].sum()
    p_of = imp["product"].map(big_p).astype(float).fillna(0.0).to_numpy()
    e_of = imp["product"].map(big_e).astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(e_of > 0, np.minimum(1.0, p_of / e_of), 0.0)
    imp["pool_kusd"] = p_of
    imp["covered_kusd"] = imp["exposed_kusd"] * ratio
    pl["weight"] = pl["pool"] / pl["product"].map(big_p).astype(float)
    pl["n_substitutes"] = pl.groupby("product")["pool"].transform("size")
    world = imp.groupby("product", as_index=False)[
        ["imports_kusd", "from_restricting_kusd", "exposed_kusd", "covered_kusd"]].sum()
    world["importer"] = WORLD
    world["pool_kusd"] = world["product"].map(big_p).astype(float).fillna(0.0)
    out = pd.concat([imp, world], ignore_index=True)
    out["gap_kusd"] = out["exposed_kusd"] - out["covered_kusd"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["coverage_share"] = (out["covered_kusd"] / out["exposed_kusd"]).where(
            out["exposed_kusd"] > 0)
        out["gap_share"] = (out["gap_kusd"] / out["imports_kusd"]).where(
            out["imports_kusd"] > 0)
    out["n_substitutes"] = out["product"].map(
        pl.groupby("product")["n_substitutes"].first()).fillna(0).astype("int64")
    # top substitutes: the same suppliers for every importer of a product (the allocation
    # is proportional to pool_s), each importer's amounts = covered_m x pool_s / P
    top = pl.groupby("product").head(n_substitutes)
    long = out[["importer", "product", "covered_kusd"]].reset_index().merge(
        top[["product", "supplier", "weight"]], on="product")
    long["value_kusd"] = long["covered_kusd"] * long["weight"]
    out["top_substitutes"] = struct_lists(long, "index", ["supplier", "value_kusd"]).reindex(
        out.index)
    out["top_substitutes"] = out["top_substitutes"].map(lambda v: v if isinstance(v, list) else [])
    out["_world"] = out["importer"] == WORLD
    out = out.sort_values(["_world", "gap_kusd", "importer", "product"],
                          ascending=[True, False, True, True])[COLUMNS].reset_index(drop=True)
    alloc = imp[["importer", "product", "covered_kusd"]].merge(
        pl[["product", "supplier", "pool", "weight"]], on="product")
    alloc["allocated_kusd"] = alloc["covered_kusd"] * alloc["weight"]
    alloc = alloc.rename(columns={"pool": "supplier_pool_kusd"}).sort_values(
        ["product", "supplier_pool_kusd", "supplier", "importer"],
        ascending=[True, False, True, True])[SUPPLIER_COLUMNS].reset_index(drop=True)
    return out, alloc


def simulate(wh: Warehouse, *, year: int, products: list[str], restricting: Sequence[int],
             group: Sequence[Party], cut: float, redirect: float,
             n_substitutes: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the two input queries for ``group`` (M) and ``restricting`` (R) and :func:`allocate`.

    Collects one row per importer and product and one per substitute supplier and product.
    """
    imports = wh.arrow(q.shock_imports(year=year, products=products, restricting=restricting,
                                       mset=mset(group))).to_pandas()
    grid = pd.MultiIndex.from_product([[p.label for p in group], products],
                                      names=["importer", "product"])
    imports = imports.set_index(["importer", "product"]).reindex(grid, fill_value=0.0)
    pools = wh.arrow(q.shock_pools(year=year, products=products, restricting=restricting,
                                   affected=codes_of(group))).to_pandas()
    return allocate(imports.reset_index(), pools, cut=cut, redirect=redirect,
                    n_substitutes=n_substitutes)


def method_line(*, r: str, cut: float, redirect: float, year: int) -> str:
    """The shock's method in one line, with its parameters."""
    return (f"Shared substitute pool, {year}, thousand USD (BACI FOB), no price or demand "
            f"response: exposed_m = {cut:g} x m's imports from R ({r}); pool_s = {redirect:g} "
            "x exports of each supplier in neither R nor M to destinations outside M; "
            "covered_m = exposed_m x min(1, P/E) (E = total exposed, P = total pool), s "
            "gives m covered_m x pool_s/P; gap = exposed - covered; WORLD = all importers.")


@validate_params(
    {"exporter": Economies(), "importer": Economies(), "products": Products(none_ok=False),
     "year": YearSpec(), "cut": Interval(float, 0, 1), "redirect": Interval(float, 0, 1),
     "also_restricting": Economies(none_ok=True), "by": Options("importer", "supplier"),
     "n_substitutes": Interval(int, 1, 50)},
    distinct=[("exporter", "importer"), ("importer", "also_restricting")])
def shock(
    wh: Warehouse,
    *,
    exporter: str | Sequence[str],
    importer: str | Sequence[str],
    products: str | Sequence[str],
    year: int | None = None,
    cut: float = 1.0,
    redirect: float = 0.2,
    also_restricting: str | Sequence[str] | None = None,
    by: str = "importer",
    n_substitutes: int = 3,
) -> pd.DataFrame:
    """Simulate an export restriction on ``products`` from R to the importers M.

    Parameters
    ----------
    wh : Warehouse
        The data.
    exporter : str or list of str
        Restricting economy, or a coalition (``"CHN"``, ``"CHN,RUS"``, ``"EU27"``).
    importer : str or list of str
        Affected importers, comma-separated; each may be a bloc (``"KOR,JPN,EU27"``);
        repetitions count once.
    products : str or list of str
        HS2/HS4/HS6 codes; prefixes expand to the loaded HS6 codes.
    year : int, optional
        Default: the latest loaded year.
    cut : float
        Share of R's exports to each affected importer that stops, in [0, 1].
    redirect : float
        Share of each substitute supplier's exports to destinations outside M that it
        could send to M instead, in [0, 1].
    also_restricting : str or list of str, optional
        Economies that join the restriction: part of R (they cut too and do not substitute).
    by : {"importer", "supplier"}
        ``importer``: one row per importer and product plus a WORLD row per product;
        ``supplier``: the allocation, what each substitute gives each importer.
    n_substitutes : int
        Length of the ``top_substitutes`` lists.

    Returns
    -------
    pandas.DataFrame
        ``by="importer"``: importer, product, imports_kusd, from_restricting_kusd,
        exposed_kusd, pool_kusd (the product's shared pool P), covered_kusd,
        coverage_share (covered / exposed), gap_kusd, gap_share (gap / imports),
        n_substitutes, top_substitutes (a list of ``{supplier, value_kusd}``: the largest
        shares of the pool first, with what each gives this importer); largest gap first, the
        WORLD rows last. ``by="supplier"``: product, supplier, supplier_pool_kusd,
        importer, allocated_kusd. With its :class:`~straits.provenance.Provenance`.

    Notes
    -----
    See the module docstring. Hand example: M = {KOR} imports 100 of p, 60 from X; cut = 1
    -> exposed 60; substitutes export 105 outside KOR, redirect = 0.2 -> pool 21; covered
    21, gap 39, gap_share 0.39.
    """
    y = resolve_year(wh, year)
    prods, _ = resolve.products(wh, products, func="shock")
    r_parties = resolve.parties(exporter) + resolve.parties(also_restricting or [])
    group = parties(importer, name="importer", func="shock")
    table, alloc = simulate(wh, year=y, products=prods, restricting=codes_of(r_parties),
                            group=group, cut=cut, redirect=redirect,
                            n_substitutes=n_substitutes)
    r = ", ".join(dict.fromkeys(p.label for p in r_parties))
    prov = baci_provenance(wh, [y], method_line(r=r, cut=cut, redirect=redirect, year=y))
    return attach(alloc if by.lower() == "supplier" else table, prov)
