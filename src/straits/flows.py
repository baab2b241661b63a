"""Bilateral flows as stored, and the trade between two economies by year.

The look-up behind ``straits flows`` and ``/api/v1/flows``: rows of BACI as loaded (a bloc
lists its members' rows, and says so), filtered by year, exporter, importer and product.
Returns Arrow (no pandas on this path, so the command answers fast).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from straits import resolve
from straits.params import Economies, Economy, Interval, Products, YearSpec, validate_params
from straits.provenance import Provenance, attach
from straits.reference import lookup
from straits.warehouse import queries
from straits.warehouse.protocol import resolve_years

if TYPE_CHECKING:
    import pyarrow as pa

    from straits.warehouse.protocol import Warehouse

FLOW_COLUMNS = ["year", "exporter", "importer", "product", "value_kusd", "quantity_t"]

_FILTERS = {
    "year": YearSpec(many=True),
    "exporter": Economies(none_ok=True),
    "importer": Economies(none_ok=True),
    "product": Products(),
}


def _filter(wh: Warehouse, year, exporter, importer, product) -> dict:
    prods, _ = resolve.products(wh, product, func="flows")
    return dict(years=resolve_years(wh, year), exporters=resolve.country_codes(exporter),
                importers=resolve.country_codes(importer), products=prods)


def _names_bloc(spec) -> bool:
    if spec is None or (isinstance(spec, str) and lookup.is_world(spec)):
        return False
    return any(p.is_bloc for p in resolve.parties(spec))


def _provenance(wh: Warehouse, years: list[int], exporter, importer) -> Provenance:
    notes = (("A bloc lists its members' rows here, trade among members included; metric "
              "and security commands treat a bloc as one economy and leave that trade out.",)
             if _names_bloc(exporter) or _names_bloc(importer) else ())
    return Provenance(source=wh.citation(), years=tuple(years), notes=notes,
                      method="Flows as loaded; value FOB in thousand USD, quantity in metric "
                             "tons (empty where BACI gives none).")


@validate_params({**_FILTERS, "limit": Interval(int, 1, None, none_ok=True),
                  "offset": Interval(int, 0, None)})
def flows(
    wh: Warehouse,
    *,
    year: int | Sequence[int] | None = None,
    exporter: str | Sequence[str] | None = None,
    importer: str | Sequence[str] | None = None,
    product: str | Sequence[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> pa.Table:
    """Bilateral flows, largest value first.

    Parameters
    ----------
    wh : Warehouse
        The data.
    year : int or list of int, optional
        Year(s); default the latest loaded year.
    exporter, importer : str or list of str, optional
        Economies or blocs (a bloc lists its members' rows); default all.
    product : str or list of str, optional
        HS2/HS4/HS6 codes or product names; default all loaded products.
    limit, offset : int, optional
        Page through the result.

    Returns
    -------
    pyarrow.Table
        ``year, exporter, importer, product, value_kusd, quantity_t`` (ISO3 codes; thousand
        USD; metric tons), with its :class:`~straits.provenance.Provenance`.
    """
    f = _filter(wh, year, exporter, importer, product)
    table = wh.arrow(queries.flows(**f, limit=limit, offset=offset))
    return attach(table, _provenance(wh, f["years"], exporter, importer))


@validate_params(dict(_FILTERS))
def flows_count(
    wh: Warehouse,
    *,
    year: int | Sequence[int] | None = None,
    exporter: str | Sequence[str] | None = None,
    importer: str | Sequence[str] | None = None,
    product: str | Sequence[str] | None = None,
) -> int:
    """How many flows :func:`flows` would return without a limit (for paging)."""
    f = _filter(wh, year, exporter, importer, product)
    return int(wh.arrow(queries.flows_count(**f)).column("n")[0].as_py())


@validate_params({"a": Economy(), "b": Economy()}, distinct=[("a", "b")])
def trade_summary(wh: Warehouse, a: str, b: str):
    """Trade between two economies in the loaded products, by year and direction.

    Returns
    -------
    pandas.DataFrame
        year, direction (``A->B``), value_kusd (thousand USD), products (count with trade),
        top_product and top_product_kusd, over every loaded year.
    """
    ca, cb = lookup.resolve_country(a), lookup.resolve_country(b)
    pair = list(ca.codes + cb.codes)
    df = wh.arrow(queries.flows_total(years=None, exporters=pair, importers=pair,
                                      products=None,
                                      by=("year", "exporter", "importer", "product"))).to_pandas()
    df = df[df["exporter"] != df["importer"]]
    df = df.assign(direction=df["exporter"] + "->" + df["importer"])
    keys = ["year", "direction"]
    top = df.sort_values("value_kusd", ascending=False).drop_duplicates(keys)
    out = df.groupby(keys, as_index=False).agg(
        value_kusd=("value_kusd", "sum"), products=("product", "nunique")
    ).merge(top[[*keys, "product", "value_kusd"]].rename(
        columns={"product": "top_product", "value_kusd": "top_product_kusd"}), on=keys)
    out = out.sort_values(keys).reset_index(drop=True)
    return attach(out, Provenance(source=wh.citation(), years=tuple(wh.years())))
