"""A read-only HTTP API over the library: the report and every analytical table (FastAPI).

Run with ``straits serve`` or ``uvicorn straits.api.app:app`` (``pip install 'straits[api]'``).
The warehouse is opened read-only per request from ``$STRAITS_DB`` or the embedded default, so
several workers can share one file; any StraitsError becomes a 400 with its message. Tables come
back as JSON arrays of row objects with the library's column names (units in the names); the
report as the same self-contained HTML the CLI writes.
"""

from __future__ import annotations

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from straits.errors import StraitsError

app = FastAPI(title="Straits", description="Economic-security analysis of trade "
              "interdependence (default lens: Korea and Japan).")


@app.exception_handler(StraitsError)
def _straits_error(request: Request, exc: StraitsError) -> JSONResponse:
    """Every StraitsError (unknown code, year not loaded, bad parameter) is a 400 with its message."""
    return JSONResponse(status_code=400, content={"detail": str(exc)})


def _session():
    """A read-only session on ``$STRAITS_DB`` or the embedded default (built on first use)."""
    from straits.session import Session

    return Session(None, read_only=True)


def _records(df) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict(orient="records")


@app.get("/report", response_class=HTMLResponse)
def report(a: str = "KOR", b: str = "JPN", year: int | None = None,
           lang: str = Query("en", pattern="^(en|ko|ja)$"), third: str = "CHN") -> str:
    """The report for a pair as one HTML document."""
    from straits.report.build import build_report

    with _session() as s:
        return build_report(s, a, b, year=year, langs=(lang,), third=third)[lang]


@app.get("/trade-summary")
def trade_summary(a: str = "KOR", b: str = "JPN") -> list[dict]:
    """Bilateral trade by year and direction: year, direction, value_kusd, products, ..."""
    with _session() as s:
        return _records(s.trade_summary(a, b))


@app.get("/eci")
def eci(country: str | None = None) -> list[dict]:
    """Published Atlas ECI with the rank by value within the file: year, iso3, eci, rank, n."""
    from straits.sources.atlas import eci_ranked

    df = eci_ranked()
    if country:
        df = df[df["iso3"] == country.upper()]
    return _records(df)


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@app.get("/flows")
def flows(year: int | None = None, exporter: str | None = None, importer: str | None = None,
          product: str | None = None, limit: int = Query(1000, ge=1, le=100_000)) -> list[dict]:
    """Bilateral flows: year, exporter, importer, product, value_kusd, quantity_t (BACI)."""
    with _session() as s:
        return _records(s.flows(year=year, exporter=exporter, importer=importer, product=product,
                                limit=limit))


@app.get("/rca")
def rca(year: int | None = None, country: str | None = None, product: str | None = None) -> list[dict]:
    """Balassa RCA and RSCA: year, country, product, rca, rsca."""
    with _session() as s:
        return _records(s.rca(year=year, country=country, product=product))


@app.get("/concentration")
def concentration(year: int | None = None, product: str | None = None,
                  importer: str | None = None) -> list[dict]:
    """Supplier concentration: product, total_kusd, hhi, top_exporter, top_share, n_exporters."""
    with _session() as s:
        return _records(s.concentration(year=year, product=product,
                                        importer=importer))


@app.get("/bilateral")
def bilateral(a: str = "KOR", b: str = "JPN", year: int | None = None) -> list[dict]:
    """Bilateral indices: index, direction, value."""
    with _session() as s:
        return _records(s.bilateral(a, b, year=year))


@app.get("/dependency/{importer}")
def dependency(importer: str, year: int | None = None, products: str | None = None) -> list[dict]:
    """Dependency screen of an importer (one row per product, flags one_country_50/geodep)."""
    with _session() as s:
        return _records(s.dependency(importer, year=year, products=_csv(products)))


@app.get("/shock")
def shock(exporter: str, importer: str, products: str, year: int | None = None,
          cut: float = 1.0, redirect: float = 0.2, also_restricting: str | None = None) -> list[dict]:
    """Restriction shock: exposed, capacity, covered and gap per importer and product."""
    with _session() as s:
        df = s.shock(exporter=exporter, importer=_csv(importer), products=_csv(products), year=year,
                     cut=cut, redirect=redirect, also_restricting=_csv(also_restricting))
        return _records(df)


@app.get("/watch/{importer}")
def watch(importer: str, products: str | None = None, start: str | None = None,
          end: str | None = None) -> list[dict]:
    """Early-warning signals from monthly reporter series."""
    with _session() as s:
        return _records(s.watch(importer, products=_csv(products), start=start, end=end))


@app.get("/chain")
def chain(country: str | None = None, input: str | None = None) -> list[dict]:  # noqa: A002
    """ETO semiconductor supply chain shares (CC BY-NC 4.0, Emerging Technology Observatory)."""
    with _session() as s:
        return _records(s.chain(country=country, input=input))


@app.get("/io-shock")
def io_shock(supplier: str = "JPN", sector: str = "c9", customer: str = "KOR", cut: float = 0.5,
             year: int | None = None) -> list[dict]:
    """Input-output propagation of a bilateral supply cut (WIOD; million USD)."""
    with _session() as s:
        return _records(s.io_shock(year=year, supplier=supplier, sector=sector,
                                   customer=customer, cut=cut))
