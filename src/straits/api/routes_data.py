"""API routes over the stored data: flows, datasets, look-ups, the pair's trade, reporter rows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from starlette.responses import Response

from straits.api import respond
from straits.api.routing import Endpoint, PageDep, answer, cached_response, compute
from straits.params import Economies, Economy, Interval, Options, Products, Text, YearSpec

router = APIRouter(tags=["data"])

FLOWS = Endpoint("flows", "straits.flows.flows", {
    "year": YearSpec(), "exporter": Economies(none_ok=True),
    "importer": Economies(none_ok=True), "product": Products()})


@router.get("/flows", summary="Bilateral flows (BACI)")
def flows(
    request: Request, page: PageDep,
    year: Annotated[int | None, FLOWS.q("year", "Year; default the latest loaded.")] = None,
    exporter: Annotated[str | None, FLOWS.q("exporter", "Exporter(s), e.g. CHN or KOR,JPN; "
                                            "a bloc lists its members' rows.")] = None,
    importer: Annotated[str | None, FLOWS.q("importer", "Importer(s).")] = None,
    product: Annotated[str | None, FLOWS.q("product", "HS2/HS4/HS6 codes or product "
                                           "names.")] = None,
) -> Response:
    """Rows of BACI as loaded, largest value first, paged in SQL with the total count.

    Columns: year, exporter, importer, product, value_kusd (thousand USD, FOB), quantity_t
    (metric tons).
    """
    from straits.flows import flows as run
    from straits.flows import flows_count
    from straits.session import _pandas

    values = dict(year=year, exporter=exporter, importer=importer, product=product)

    def both(s):
        total = flows_count(s.backend, **values)
        table = run(s.backend, **values, limit=page.limit, offset=page.offset)
        return _pandas(table), total

    def build() -> Response:
        df, total = compute(request, FLOWS, {**values, "_page": (page.limit, page.offset)},
                            both)
        return respond.table_response(request, df, fmt=page.format, limit=page.limit,
                                      offset=page.offset, total=total, name="flows")
    return cached_response(request, build)


SUMMARY = Endpoint("summary", "straits.flows.trade_summary",
                   {"a": Economy(), "b": Economy()}, distinct=[("a", "b")])


@router.get("/summary", summary="Trade between two economies by year and direction")
def summary(request: Request, page: PageDep,
            a: Annotated[str, SUMMARY.q("a", "First economy.")] = "KOR",
            b: Annotated[str, SUMMARY.q("b", "Second economy.")] = "JPN") -> Response:
    """year, direction (A->B), value_kusd, products, top_product, top_product_kusd."""
    return answer(request, page, SUMMARY, dict(a=a, b=b), lambda s: s.trade_summary(a, b))


DATASETS = Endpoint("datasets")


@router.get("/datasets", summary="What the warehouse holds")
def datasets(request: Request, page: PageDep) -> Response:
    """dataset, hs, release, year, rows, value_kusd, source, loaded_at."""
    return answer(request, page, DATASETS, {}, datasets_table)


def datasets_table(s):
    """The catalog, cited (shared with the Data page)."""
    from straits.api.respond import as_frame
    from straits.provenance import Provenance, attach

    return attach(as_frame(s.datasets()), Provenance(source=s.citation(),
                                                     method="Loaded releases."))


COUNTRY = Endpoint("country", None, {"q": Text(max_len=100)})


@router.get("/country", summary="Look up countries")
def country(request: Request, page: PageDep,
            q: Annotated[str, COUNTRY.q("q", "BACI code, ISO2/ISO3 or name (Taiwan is 490 "
                                        "in BACI).")]) -> Response:
    """code, iso3, iso2, name, baci_iso3."""
    def run(_):
        from straits.reference.lookup import search_countries

        return search_countries(q)
    return answer(request, page, COUNTRY, dict(q=q), run, warehouse=False)


PRODUCT = Endpoint("product", None, {"q": Text(max_len=100)})


@router.get("/product", summary="Look up products by code or name")
def product(request: Request, page: PageDep,
            q: Annotated[str, PRODUCT.q("q", "HS2/HS4/HS6 code prefix or words (English, "
                                        "Korean or Japanese product names).")]) -> Response:
    """product, description, level, source."""
    return answer(request, page, PRODUCT, dict(q=q), lambda s: s.product(q))


REPORTER_FLOWS = Endpoint("reporter-flows", "straits.sources.reporter.reporter_flows", {
    "reporter": Economies(none_ok=True), "partner": Economies(none_ok=True),
    "flow": Options("import", "export", none_ok=True), "product": Products(),
    "year": YearSpec(), "limit": Interval(int, 1, None, none_ok=True)})


@router.get("/reporter-flows", summary="Reporter-side rows (UN Comtrade, customs)")
def reporter_flows(
    request: Request, page: PageDep,
    reporter: Annotated[str | None, REPORTER_FLOWS.q("reporter", "Reporter(s).")] = None,
    partner: Annotated[str | None, REPORTER_FLOWS.q("partner", "Partner(s).")] = None,
    flow: Annotated[str | None, REPORTER_FLOWS.q("flow", "import or export.")] = None,
    product: Annotated[str | None, REPORTER_FLOWS.q("product", "HS prefixes or national "
                                                    "codes.")] = None,
    year: Annotated[int | None, REPORTER_FLOWS.q("year", "Year.")] = None,
    monthly: Annotated[bool | None, REPORTER_FLOWS.q("monthly", "Monthly (true) or annual "
                                                     "(false) rows only.")] = None,
) -> Response:
    """Values in USD as the reporter recorded them, weights in kg."""
    values = dict(reporter=reporter, partner=partner, flow=flow, product=product, year=year,
                  monthly=monthly)

    def run(s):
        from straits.provenance import Provenance, attach

        df = s.reporter_flows(**values, limit=None)
        src = "; ".join(sorted(df["dataset"].unique())) if "dataset" in df else "reporter files"
        return attach(df, Provenance(source=src or "reporter files", dataset="reporter"))
    return answer(request, page, REPORTER_FLOWS, values, run)


SOURCES = Endpoint("reporter-sources")


@router.get("/reporter-sources", summary="Reporter files loaded")
def reporter_sources(request: Request, page: PageDep) -> Response:
    """source, layout, dataset, reporters, rows, value, periods."""
    return answer(request, page, SOURCES, {}, sources_table)


def sources_table(s):
    """The reporter files loaded, cited (shared with the Data page)."""
    from straits.api.respond import as_frame
    from straits.provenance import Provenance, attach

    return attach(as_frame(s.reporter_sources()), Provenance(
        source="reporter files as named (UN Comtrade, Korea Customs Service)", dataset="reporter"))


MIRROR = Endpoint("mirror", "straits.sources.reporter.mirror", {
    "reporter": Economy(), "partner": Economy(), "product": Products(none_ok=False, max_items=1),
    "year": YearSpec(none_ok=False)}, distinct=[("reporter", "partner")])


@router.get("/mirror", summary="Reporter vs mirror vs BACI")
def mirror(request: Request, page: PageDep,
           reporter: Annotated[str, MIRROR.q("reporter", "Reporting economy.")] = "KOR",
           partner: Annotated[str, MIRROR.q("partner", "Partner economy.")] = "JPN",
           product: Annotated[str, MIRROR.q("product", "HS6 code.")] = "281111",
           year: Annotated[int, MIRROR.q("year", "Year.")] = 2019) -> Response:
    """A reporter's value against the partner's mirror record and BACI, with gaps."""
    values = dict(reporter=reporter, partner=partner, product=product, year=year)

    def run(s):
        from straits.provenance import Provenance, attach

        df = s.mirror(reporter, partner, product, year)
        return attach(df, Provenance(source=f"reporter files as named; {s.citation()}",
                                     dataset="reporter",
                                     method="gap = reporter_usd / other - 1; imports are CIF, "
                                            "BACI is FOB."))
    return answer(request, page, MIRROR, values, run)
