"""API routes for trade metrics and complexity: shares, rca, concentration, bilateral, ECI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from straits.api.routing import Endpoint, PageDep, answer, columns, years
from straits.params import Economies, Economy, Interval, Options, Products, YearSpec

router = APIRouter(tags=["metrics"])

YEARS_DOC = "Year or range, e.g. 2024 or 2019-2024; default the latest loaded."
YearsQ = Annotated[str | None, Query(description=YEARS_DOC, pattern=r"^\s*\d{4}(\s*-\s*\d{4})?\s*$")]
LEVEL = Options("hs6", "hs4", "hs2")

RCA = Endpoint("rca", "straits.metrics.rca.rca", {
    "year": YearSpec(many=True), "country": Economies(none_ok=True), "product": Products(),
    "level": LEVEL})


@router.get("/rca", summary="Revealed comparative advantage (Balassa)")
def rca(request: Request, page: PageDep, year: YearsQ = None,
        country: Annotated[str | None, RCA.q("country", "Exporter(s).")] = None,
        product: Annotated[str | None, RCA.q("product", "HS prefixes or names.")] = None,
        level: Annotated[str, RCA.q("level", "Product level.")] = "hs6") -> Response:
    """country, product, rca, rsca (``year`` first when several years are asked for)."""
    values = dict(year=years(year), country=country, product=product, level=level)
    return answer(request, page, RCA, values,
                  lambda s: columns(s.rca(**values), ["country", "product", "rca", "rsca"]))


SHARES = Endpoint("shares", "straits.metrics.shares.market_shares", {
    "year": YearSpec(many=True), "product": Products(none_ok=False),
    "importer": Economies(none_ok=True), "top": Interval(int, 1, 10_000, none_ok=True)})


@router.get("/shares", summary="Exporters' market shares")
def shares(request: Request, page: PageDep,
           product: Annotated[str, SHARES.q("product", "HS product(s).")],
           year: YearsQ = None,
           importer: Annotated[str | None, SHARES.q("importer", "Market: importer(s); "
                                                    "default world exports.")] = None,
           top: Annotated[int | None, SHARES.q("top", "Keep the N largest exporters.")] = None,
           ) -> Response:
    """product, exporter, value_kusd, share (0-1), largest first."""
    values = dict(year=years(year), product=product, importer=importer, top=top)
    return answer(request, page, SHARES, values, lambda s: columns(
        s.market_shares(**values), ["product", "exporter", "value_kusd", "share"]))


CONCENTRATION = Endpoint("concentration", "straits.metrics.concentration.concentration", {
    "year": YearSpec(many=True), "product": Products(), "importer": Economies(none_ok=True)})


@router.get("/concentration", summary="Supplier concentration (HHI) per product")
def concentration(request: Request, page: PageDep, year: YearsQ = None,
                  product: Annotated[str | None, CONCENTRATION.q("product", "HS product(s).")] = None,
                  importer: Annotated[str | None, CONCENTRATION.q(
                      "importer", "Importer(s) whose imports to measure; default world "
                      "exports.")] = None) -> Response:
    """product, total_kusd, hhi (0-1), top_exporter, top_share (0-1), n_exporters."""
    values = dict(year=years(year), product=product, importer=importer)
    cols = ["product", "total_kusd", "hhi", "top_exporter", "top_share", "n_exporters"]
    return answer(request, page, CONCENTRATION, values,
                  lambda s: columns(s.concentration(**values), cols))


BILATERAL = Endpoint("bilateral", "straits.metrics.bilateral.bilateral", {
    "a": Economy(), "b": Economy(), "year": YearSpec(many=True)}, distinct=[("a", "b")])


@router.get("/bilateral", summary="Bilateral indices of two economies")
def bilateral(request: Request, page: PageDep,
              a: Annotated[str, BILATERAL.q("a", "Economy A.")] = "KOR",
              b: Annotated[str, BILATERAL.q("b", "Economy B.")] = "JPN",
              year: YearsQ = None) -> Response:
    """Columns: index, direction, value.

    Trade intensity (1 = neutral), complementarity and export similarity (0-100),
    Grubel-Lloyd (0-1), over the loaded products.
    """
    values = dict(a=a, b=b, year=years(year))
    return answer(request, page, BILATERAL, values, lambda s: columns(
        s.bilateral(a, b, year=values["year"]), ["index", "direction", "value"]))


COMPLEXITY = Endpoint("complexity", "straits.metrics.complexity.complexity", {
    "year": YearSpec(many=True), "level": LEVEL, "method": Options("eci", "fitness"),
    "min_exports": Interval(float, 0, None), "country": Economies(none_ok=True),
    "min_headings": Interval(int, 2, None, none_ok=True),
    "min_chapters": Interval(int, 1, None, none_ok=True),
    "min_economies": Interval(int, 1, None, none_ok=True)})


@router.get("/complexity", summary="Economic complexity (ECI/PCI or Fitness)")
def complexity(request: Request, page: PageDep, year: YearsQ = None,
               level: Annotated[str, COMPLEXITY.q("level", "Product level.")] = "hs6",
               method: Annotated[str, COMPLEXITY.q("method", "eci or fitness.")] = "eci",
               products: Annotated[bool, Query(description="Products (PCI) instead of "
                                               "economies.")] = False,
               country: Annotated[str | None, COMPLEXITY.q(
                   "country", "Show only these economies, ranked among all.")] = None,
               min_exports: Annotated[float, COMPLEXITY.q("min_exports", "Drop economies "
                                                          "exporting less (thousand "
                                                          "USD).")] = 0.0,
               min_headings: Annotated[int | None, COMPLEXITY.q(
                   "min_headings", "Product-space guard: fewest HS4 headings with RCA >= 1 "
                   "(default 150; see docs/metrics.md).")] = None,
               min_chapters: Annotated[int | None, COMPLEXITY.q(
                   "min_chapters", "Product-space guard: fewest HS2 chapters (default "
                   "40).")] = None,
               min_economies: Annotated[int | None, COMPLEXITY.q(
                   "min_economies", "Product-space guard: fewest economies with RCA >= 1 "
                   "in two or more products (default 60).")] = None) -> Response:
    """Economies: country, eci (or fitness), rank, diversity; products: product, pci, ubiquity.

    Refuses (400) a product space too small to rank economies, such as the embedded
    extract's 30 codes; `/eci` has the published Atlas values.
    """
    values = dict(year=years(year), level=level, method=method, min_exports=min_exports,
                  country=country, min_headings=min_headings, min_chapters=min_chapters,
                  min_economies=min_economies)

    def run(s):
        from straits.metrics.complexity import COLUMNS

        res = s.complexity(**values)
        cname, pname = COLUMNS[res.method]
        if products:
            return columns(res.products, ["product", pname, "ubiquity"])
        return columns(res.countries, ["country", cname, "rank", "diversity"])
    return answer(request, page, COMPLEXITY, {**values, "products": products}, run)


ECI = Endpoint("eci", "straits.metrics.eci.published_eci", {
    "country": Economies(none_ok=True), "year": YearSpec(many=True)})


@router.get("/eci", summary="Published ECI (Atlas of Economic Complexity)")
def eci(request: Request, page: PageDep,
        country: Annotated[str | None, ECI.q("country", "Countries to show, ranked among all "
                                             "in the file.")] = None,
        year: Annotated[str | None, Query(description="Year or range of the Atlas file, "
                                          "1995-2023 (default: 2023, its latest).",
                                          pattern=r"^\s*\d{4}(\s*-\s*\d{4})?\s*$")] = None,
        ) -> Response:
    """year, country, eci, rank (position by value within the file's year), n_ranked."""
    from straits.metrics.eci import published_eci

    values = dict(country=country, year=years(year))
    return answer(request, page, ECI, values, lambda _: columns(
        published_eci(None, **values), ["country", "eci", "rank", "n_ranked"]), warehouse=False)
