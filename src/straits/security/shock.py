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

from straits import resolve
from straits.params import Economies, Interval, Options, Products, YearSpec, validate_params
from straits.provenance import attach
from straits.reference.blocs import Party
from straits.security._common import baci_provenance, codes_of, member_table, parties
from straits.warehouse import security_sql as q
from straits.warehouse.protocol import resolve_year

if TYPE_CHECKING:
    import pandas as pd
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
    return member_table([(c, i, p.label) for i, p in enumerate(group) for c in p.codes])


def struct_lists(long: pd.DataFrame, key: str, fields: list[str]) -> pd.Series:
    """One list of ``{field: value}`` records per ``key``, in the rows' order (a list column).

    Arrow stores it as ``list<struct<...>>``; the field names carry the units.
    """
    import pandas as pd

    records = long[fields].to_dict(orient="records")
    return pd.Series(records, index=long.index).groupby(long[key], sort=False).agg(list)


def _arrow_table(data: pa.Table | pd.DataFrame, columns: dict[str, str]) -> pa.Table:
    """``data`` as an Arrow table of exactly ``columns`` (name: ``string`` or ``float64``)."""
    import pyarrow as pa

    schema = pa.schema([(c, pa.string() if t == "string" else pa.float64())
                        for c, t in columns.items()])
    if not isinstance(data, pa.Table):
        return pa.Table.from_pandas(data[list(columns)], schema=schema, preserve_index=False)
    data = data.select(list(columns))
    return data if data.schema.equals(schema) else data.cast(schema)


def _positions(column: pa.ChunkedArray, values: pa.Array) -> np.ndarray:
    """Index of each row's value in ``values`` (-1 where absent), computed by Arrow."""
    import pyarrow.compute as pc

    from straits import _arrow

    absent = _arrow.ints([-1], bits=32)[0]  # an Arrow scalar: a Python -1 imports pandas
    return _arrow.numbers(pc.fill_null(pc.index_in(column, value_set=values), absent), "int64")


def allocate(imports: pa.Table | pd.DataFrame, pools: pa.Table | pd.DataFrame, *, cut: float,
             redirect: float, n_substitutes: int = 3, labels: Sequence[str] | None = None,
             products: Sequence[str] | None = None) -> tuple[pa.Table, pa.Table]:
    """Share each product's substitute pool among the affected importers (the model above).

    Vectorised over importer x product cells in NumPy, with Arrow for the strings (no
    pandas: the CLI's ``shock`` answers without importing it).

    Parameters
    ----------
    imports : pyarrow.Table or pandas.DataFrame
        importer, product, imports_kusd, from_restricting_kusd for the affected importers
        (a missing importer and product counts as zero).
    pools : pyarrow.Table or pandas.DataFrame
        supplier, product, exports_outside_kusd (exports to destinations outside M) for the
        substitute suppliers.
    cut, redirect : float
        Fractions in [0, 1].
    n_substitutes : int
        Length of the ``top_substitutes`` lists.
    labels, products : list of str, optional
        The importers and products of the grid (default: those in ``imports``).

    Returns
    -------
    (pyarrow.Table, pyarrow.Table)
        The importer table (:data:`COLUMNS`: one row per importer and product, then a
        ``WORLD`` row per product) and the allocation (:data:`SUPPLIER_COLUMNS`: what each
        substitute supplier gives each importer).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from straits import _arrow

    imports = _arrow_table(imports, {"importer": "string", "product": "string",
                                     "imports_kusd": "float64",
                                     "from_restricting_kusd": "float64"})
    pools = _arrow_table(pools, {"supplier": "string", "product": "string",
                                 "exports_outside_kusd": "float64"})
    lab = _arrow.strings(list(labels)) if labels is not None else pc.unique(
        imports.column("importer"))
    prod = _arrow.strings(list(products)) if products is not None else pc.unique(
        imports.column("product"))
    n_l, n_p = len(lab), len(prod)
    # the grid: importer-major cells (i, p) at i x n_p + p
    cell = _positions(imports.column("importer"), lab) * n_p + _positions(
        imports.column("product"), prod)
    ok = cell >= 0
    imp, frm = np.zeros(n_l * n_p), np.zeros(n_l * n_p)
    np.add.at(imp, cell[ok], _arrow.numbers(imports.column("imports_kusd"))[ok])
    np.add.at(frm, cell[ok], _arrow.numbers(imports.column("from_restricting_kusd"))[ok])
    exposed = cut * frm
    # pools of the grid's products, largest first within a product (ties by supplier name)
    pp = _positions(pools.column("product"), prod)
    pool = redirect * _arrow.numbers(pools.column("exports_outside_kusd"))
    keep = np.flatnonzero((pp >= 0) & (pool > 0))
    pl = pa.Table.from_arrays(
        [_arrow.from_numpy(pp[keep]), _arrow.from_numpy(pool[keep]),
         pools.column("supplier").take(_arrow.from_numpy(keep))], names=["p", "pool", "supplier"]
    ).sort_by([("p", "ascending"), ("pool", "descending"), ("supplier", "ascending")])
    pp, pool = _arrow.numbers(pl.column("p"), "int64"), _arrow.numbers(pl.column("pool"))
    supplier = pl.column("supplier").combine_chunks()
    big_p = np.bincount(pp, weights=pool, minlength=n_p).astype(float)  # float if empty too
    big_e = exposed.reshape(n_l, n_p).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(big_e > 0, np.minimum(1.0, big_p / big_e), 0.0)
        weight = pool / big_p[pp]
    covered = exposed * np.tile(ratio, n_l)
    n_sub = np.bincount(pp, minlength=n_p)
    # importer rows, then one WORLD row per product (sums over the importers)
    rows_p = np.r_[np.tile(np.arange(n_p), n_l), np.arange(n_p)]
    imp, frm, exposed, covered = (np.r_[x, x.reshape(n_l, n_p).sum(axis=0)]
                                  for x in (imp, frm, exposed, covered))
    gap = exposed - covered
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(exposed > 0, covered / exposed, np.nan)
        gap_share = np.where(imp > 0, gap / imp, np.nan)
    importer = pa.DictionaryArray.from_arrays(
        _arrow.from_numpy(np.r_[np.repeat(np.arange(n_l), n_p), np.full(n_p, n_l)].astype(
            np.int32)), pa.concat_arrays([lab, _arrow.strings([WORLD])])).dictionary_decode()
    # top substitutes: the same suppliers for every importer of a product (the allocation
    # is proportional to pool_s), each importer's amounts = covered_m x pool_s / P
    # (row r's list holds pool rows first[p_r] .. first[p_r] + take_r - 1)
    first = np.r_[0, np.cumsum(n_sub)[:-1]]  # a product's first pool row
    take = np.minimum(n_sub, n_substitutes)[rows_p]
    offsets = np.r_[0, np.cumsum(take)]
    owner = np.repeat(np.arange(len(rows_p)), take)  # the output row of each list element
    elem = first[rows_p][owner] + np.arange(offsets[-1]) - offsets[:-1][owner]  # its pool row
    records = pa.StructArray.from_arrays(
        [supplier.take(_arrow.from_numpy(elem)), _arrow.from_numpy(covered[owner] * weight[elem])],
        names=["supplier", "value_kusd"])
    tops = pa.ListArray.from_arrays(_arrow.from_numpy(offsets.astype(np.int32)), records)
    out = pa.Table.from_arrays([
        importer, prod.take(_arrow.from_numpy(rows_p)), *(_arrow.from_numpy(x) for x in (
            imp, frm, exposed, big_p[rows_p], covered, coverage, gap, gap_share)),
        _arrow.from_numpy(n_sub[rows_p].astype(np.int64)), tops], names=COLUMNS)
    world = _arrow.from_numpy((np.arange(len(rows_p)) >= n_l * n_p).astype(np.int64))
    out = out.append_column("_world", world).sort_by([
        ("_world", "ascending"), ("gap_kusd", "descending"), ("importer", "ascending"),
        ("product", "ascending")]).drop_columns(["_world"])
    # the allocation: every substitute's pool row with every importer of its product
    j = np.repeat(np.arange(len(pp)), n_l)
    i = np.tile(np.arange(n_l), len(pp))
    alloc = pa.Table.from_arrays([
        prod.take(_arrow.from_numpy(pp[j])), supplier.take(_arrow.from_numpy(j)),
        _arrow.from_numpy(pool[j]), lab.take(_arrow.from_numpy(i)),
        _arrow.from_numpy(covered[i * n_p + pp[j]] * weight[j])], names=SUPPLIER_COLUMNS
    ).sort_by([("product", "ascending"), ("supplier_pool_kusd", "descending"),
               ("supplier", "ascending"), ("importer", "ascending")])
    return out, alloc


def frame(table: pa.Table) -> pd.DataFrame:
    """A shock table as pandas, list cells as Python lists of dicts (as 0.1 gave them)."""
    df = table.to_pandas()
    if "top_substitutes" in df:
        df["top_substitutes"] = [list(v) for v in df["top_substitutes"]]
    return df


def simulate(wh: Warehouse, *, year: int, products: list[str], restricting: Sequence[int],
             group: Sequence[Party], cut: float, redirect: float,
             n_substitutes: int = 3) -> tuple[pa.Table, pa.Table]:
    """Run the two input queries for ``group`` (M) and ``restricting`` (R) and :func:`allocate`.

    Collects one row per importer and product and one per substitute supplier and product.
    """
    imports = wh.arrow(q.shock_imports(year=year, products=products, restricting=restricting,
                                       mset=mset(group)))
    pools = wh.arrow(q.shock_pools(year=year, products=products, restricting=restricting,
                                   affected=codes_of(group)))
    return allocate(imports, pools, cut=cut, redirect=redirect, n_substitutes=n_substitutes,
                    labels=[p.label for p in group], products=products)


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
    arrow: bool = False,
) -> pd.DataFrame | pa.Table:
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
    arrow : bool
        Return an Arrow table with the same columns (what the CLI writes: no pandas).

    Returns
    -------
    pandas.DataFrame or pyarrow.Table
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
    result = alloc if by.lower() == "supplier" else table
    return attach(result if arrow else frame(result), prov)
