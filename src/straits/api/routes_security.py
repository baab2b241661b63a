"""API routes for economic security: dependency, mutual, shared dependence, shock, event, watch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from straits.api.routing import Endpoint, PageDep, answer, csv_list
from straits.params import Codes, Economies, Economy, Interval, Month, Products, Text, YearSpec
from straits.security.dependence import MIN_SHARE

router = APIRouter(tags=["security"])


def _cite(df, source: str, method: str = "", notes=()):
    from straits.provenance import Provenance, attach, of

    if of(df) is not None:
        return df
    return attach(df, Provenance(source=str(df.attrs.get("source") or source),
                                 method=method or str(df.attrs.get("method") or ""),
                                 notes=tuple(notes)))


DEPENDENCY = Endpoint("dependency", "straits.security.dependency.dependency", {
    "importer": Economy(), "year": YearSpec(), "products": Products(),
    "persistence": Interval(int, 1, 3, none_ok=True), "blocs": Economies(none_ok=True)})


@router.get("/dependency", summary="Dependency screen of an importer or bloc")
def dependency(
    request: Request, page: PageDep,
    importer: Annotated[str, DEPENDENCY.q("importer", "Importer: KOR, EU27 or KOR+JPN.")] = "KOR",
    year: Annotated[int | None, DEPENDENCY.q("year", "Year; default the latest loaded.")] = None,
    products: Annotated[str | None, DEPENDENCY.q("products", "HS codes or names.")] = None,
    persistence: Annotated[int | None, DEPENDENCY.q(
        "persistence", "Require geodep in N of the last 3 loaded years.")] = None,
    blocs: Annotated[str | None, DEPENDENCY.q("blocs", "Blocs counted as one supplier, e.g. "
                                              "EU27.")] = None,
) -> Response:
    """One row per product, with the flags.

    Top supplier and share, HHI, import/export ratio, one_country_50 and GeoDep flags
    (thresholds in the method line).
    """
    values = dict(importer=importer, year=year, products=products, persistence=persistence,
                  blocs=blocs)

    def run(s):
        df = s.dependency(importer, year=year, products=products, persistence=persistence,
                          blocs=csv_list(blocs))
        return _cite(df, s.citation())
    return answer(request, page, DEPENDENCY, values, run)


_MIN_SHARE = Interval(float, 0, 1, closed="neither")
MUTUAL = Endpoint("mutual", "straits.security.mutual.mutual", {
    "a": Economy(), "b": Economy(), "year": YearSpec(), "min_share": _MIN_SHARE},
    distinct=[("a", "b")])


@router.get("/mutual", summary="Mutual dependence of two economies")
def mutual(request: Request, page: PageDep,
           a: Annotated[str, MUTUAL.q("a", "First economy or bloc.")] = "KOR",
           b: Annotated[str, MUTUAL.q("b", "Second economy or bloc.")] = "JPN",
           year: Annotated[int | None, MUTUAL.q("year", "Year.")] = None,
           min_share: Annotated[float, MUTUAL.q("min_share", "Smallest partner share that "
                                                "counts as dependence.")] = MIN_SHARE,
           part: Annotated[str, Query(pattern="^(products|balance)$",
                                      description="Table: products or balance.")] = "products",
           ) -> Response:
    """products: what A depends on B for and B on A for; balance: one row per direction."""
    values = dict(a=a, b=b, year=year, min_share=min_share)

    def run(s):
        m = s.mutual(a, b, year=year, min_share=min_share)
        return _cite(getattr(m, part), m.source, m.method)
    return answer(request, page, MUTUAL, {**values, "part": part}, run)


SHARED = Endpoint("shared-dependence", "straits.security.mutual.shared_dependence", {
    "a": Economy(), "b": Economy(), "on": Economy(), "year": YearSpec(),
    "min_share": _MIN_SHARE, "redirect": Interval(float, 0, 1)}, distinct=[("a", "b", "on")])


@router.get("/shared-dependence", summary="Where two economies both depend on a third")
def shared_dependence(request: Request, page: PageDep,
                      a: Annotated[str, SHARED.q("a", "First economy.")] = "KOR",
                      b: Annotated[str, SHARED.q("b", "Second economy.")] = "JPN",
                      on: Annotated[str, SHARED.q("on", "Economy both may depend on.")] = "CHN",
                      year: Annotated[int | None, SHARED.q("year", "Year.")] = None,
                      min_share: Annotated[float, SHARED.q(
                          "min_share", "Smallest share of C that counts as dependence.")] = MIN_SHARE,
                      redirect: Annotated[float, SHARED.q(
                          "redirect", "Share of the rest of the world's other exports it "
                          "could divert.")] = 0.2) -> Response:
    """Products where A and B both depend on C, and what each could still get (shock, cut 1)."""
    values = dict(a=a, b=b, on=on, year=year, min_share=min_share, redirect=redirect)
    return answer(request, page, SHARED, values, lambda s: _cite(
        s.shared_dependence(a, b, on=on, year=year, min_share=min_share, redirect=redirect),
        s.citation()))


SHOCK = Endpoint("shock", "straits.security.shock.shock", {
    "exporter": Economies(), "importer": Economies(), "products": Products(none_ok=False),
    "year": YearSpec(), "cut": Interval(float, 0, 1), "redirect": Interval(float, 0, 1),
    "also_restricting": Economies(none_ok=True)},
    distinct=[("exporter", "importer", "also_restricting")])


@router.get("/shock", summary="Restriction shock: exposure, substitutes, gap")
def shock(
    request: Request, page: PageDep,
    exporter: Annotated[str, SHOCK.q("exporter", "Restricting economy or coalition.")],
    importer: Annotated[str, SHOCK.q("importer", "Affected importer(s), comma-separated.")],
    products: Annotated[str, SHOCK.q("products", "HS codes or product names.")],
    year: Annotated[int | None, SHOCK.q("year", "Year; default the latest loaded.")] = None,
    cut: Annotated[float, SHOCK.q("cut", "Share of exports to the importers cut.")] = 1.0,
    redirect: Annotated[float, SHOCK.q("redirect", "Share of substitutes' other exports "
                                       "they could redirect.")] = 0.2,
    also_restricting: Annotated[str | None, SHOCK.q("also_restricting", "Economies joining "
                                                    "the restriction.")] = None,
    by: Annotated[str, Query(pattern="^(importer|supplier)$",
                             description="importer: a row per importer and product, plus a "
                                         "WORLD row per product; supplier: the shared "
                                         "substitute pool allocated by supplier.")] = "importer",
) -> Response:
    """One row per importer and product.

    Imports, exposed, the shared pool, covered, gap (thousand USD), gap_share (0-1), top
    substitutes (lists); the method line states the assumptions.
    """
    values = dict(exporter=exporter, importer=importer, products=products, year=year, cut=cut,
                  redirect=redirect, also_restricting=also_restricting)
    return answer(request, page, SHOCK, {**values, "by": by},
                  lambda s: _cite(run_shock(s, values, by), s.citation()))


def run_shock(s, values: dict, by: str = "importer"):
    """The shock engine; ``by="supplier"`` needs the shared-pool model (issue 11 §1)."""
    import inspect

    from straits.errors import ParameterError
    from straits.security.shock import shock as engine

    if "by" in inspect.signature(engine).parameters:
        return s.shock(**values, by=by)
    if by != "importer":
        raise ParameterError("The 'by' parameter of shock must be 'importer' with this "
                             "engine version. Got 'supplier' instead.")
    return s.shock(**values)


EVENT = Endpoint("event", "straits.security.events.event", {
    "preset": Text(max_len=60), "importer": Economy(none_ok=True),
    "exporter": Economy(none_ok=True), "products": Products(), "start": Month()})


@router.get("/event", summary="Replay a real export restriction")
def event(request: Request, page: PageDep,
          preset: Annotated[str | None, EVENT.q("preset", "jp-kr-2019, "
                                                "cn-gallium-germanium-2023, cn-graphite-2023, "
                                                "cn-antimony-2024.")] = None,
          importer: Annotated[str | None, EVENT.q("importer", "Importer observed.")] = None,
          exporter: Annotated[str | None, EVENT.q("exporter", "Restricting economy.")] = None,
          products: Annotated[str | None, EVENT.q("products", "HS codes.")] = None,
          start: Annotated[str | None, EVENT.q("start", "Month the measure began.")] = None,
          view: Annotated[str, Query(pattern="^(summary|annual|gainers|coverage)$",
                                     description="Table: summary, annual, gainers or "
                                                 "coverage.")] = "summary",
          monthly: Annotated[bool, Query(description="Month by month from reporter "
                                         "data.")] = False) -> Response:
    """Annual: before/after shares and gainers; monthly: the months table (or gainers)."""
    values = dict(preset=preset, importer=importer, exporter=exporter, products=products,
                  start=start)

    def run(s):
        if monthly:
            ev = s.monthly_event(preset, importer=importer, exporter=exporter,
                                 products=products, start=start)
            df = ev.gainers if view == "gainers" else ev.months
            return _cite(df, ev.source, notes=ev.notes)
        e = s.event(preset, importer=importer, exporter=exporter, products=products,
                    start=start)
        return _cite(getattr(e, view), e.source, e.method, e.notes)
    return answer(request, page, EVENT, {**values, "view": view, "monthly": monthly}, run)


WATCH = Endpoint("watch", "straits.security.watch.watch", {
    "importer": Economy(), "products": Codes(), "start": Month(), "end": Month(),
    "drop_threshold": Interval(float, 0, 1)})


@router.get("/watch", summary="Early-warning signals on monthly imports")
def watch(request: Request, page: PageDep,
          importer: Annotated[str, WATCH.q("importer", "Importing economy.")] = "KOR",
          products: Annotated[str | None, WATCH.q("products", "HS prefixes or HS10 "
                                                  "codes.")] = None,
          start: Annotated[str | None, WATCH.q("start", "First month.", alias="from")] = None,
          end: Annotated[str | None, WATCH.q("end", "Last month.", alias="to")] = None,
          drop_threshold: Annotated[float, WATCH.q("drop_threshold", "Drop vs seasonal "
                                                   "baseline.")] = 0.5) -> Response:
    """Signals: seasonal drops, a supplier crossing 50%, new suppliers (USD as reported)."""
    values = dict(importer=importer, products=products, start=start, end=end,
                  drop_threshold=drop_threshold)
    return answer(request, page, WATCH, values, lambda s: _cite(
        s.watch(importer, products=products, start=start, end=end,
                drop_threshold=drop_threshold), "reporter files (monthly)"))
