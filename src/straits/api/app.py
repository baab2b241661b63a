"""A small read-only HTTP API over the report and a few of its tables (FastAPI).

Run with ``uvicorn straits.api.app:app`` (``pip install 'straits[api]'``). The warehouse is
opened read-only per request from ``$STRAITS_DB`` or the embedded default, so several workers
can share one file. Tables come back as JSON arrays of row objects with the library's column
names; the report as the same self-contained HTML the CLI writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from straits.errors import StraitsError

app = FastAPI(title="Straits", description="Economic-security analysis of trade "
              "interdependence (default lens: Korea and Japan).")


@contextmanager
def _session() -> Iterator:
    import os

    import straits
    from straits.data.default import default_path

    db = os.environ.get("STRAITS_DB") or default_path()
    s = straits.open(db, read_only=True)
    try:
        yield s
    finally:
        s.close()


def _records(df) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict(orient="records")


@app.get("/report", response_class=HTMLResponse)
def report(a: str = "KOR", b: str = "JPN", year: int | None = None,
           lang: str = Query("en", pattern="^(en|ko|ja)$"), third: str = "CHN") -> str:
    """The report for a pair as one HTML document."""
    from straits.report.build import build_report

    try:
        with _session() as s:
            return build_report(s, a, b, year=year, langs=(lang,), third=third)[lang]
    except StraitsError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


@app.get("/trade-summary")
def trade_summary(a: str = "KOR", b: str = "JPN") -> list[dict]:
    """Bilateral trade by year and direction: year, direction, value_kusd, products, ..."""
    try:
        with _session() as s:
            return _records(s.trade_summary(a, b))
    except StraitsError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


@app.get("/eci")
def eci(country: str | None = None) -> list[dict]:
    """Published Atlas ECI with the rank by value within the file: year, iso3, eci, rank, n."""
    from straits.report.atlas import eci_ranked

    df = eci_ranked()
    if country:
        df = df[df["iso3"] == country.upper()]
    return _records(df)
