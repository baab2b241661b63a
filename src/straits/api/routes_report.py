"""API route for the report: the pair's briefing as HTML or PDF, in en, ko or ja."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from straits.api.routing import Endpoint, compute
from straits.params import Economy, Options, YearSpec

router = APIRouter(tags=["report"])

REPORT = Endpoint("report", "straits.report.build.build_report", {
    "a": Economy(), "b": Economy(), "third": Economy(), "year": YearSpec(),
    "lang": Options("en", "ko", "ja")}, distinct=[("a", "b", "third")])


def report_html(request: Request, a: str, b: str, year: int | None, lang: str,
                third: str) -> str:
    """The report document (cached per warehouse generation)."""
    from straits.report.build import build_report

    values = dict(a=a, b=b, year=year, lang=lang, third=third)
    return compute(request, REPORT, values, lambda s: build_report(
        s, a, b, year=year, langs=(lang,), third=third)[lang])


def report_pdf(request: Request, html: str, key: tuple) -> bytes:
    """The HTML printed to PDF by headless Chromium (cached like the HTML)."""
    import tempfile
    from pathlib import Path

    from straits.report.pdf import html_to_pdf

    def run(_):
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "report.html"
            src.write_text(html, encoding="utf-8")
            return html_to_pdf(src, Path(tmp) / "report.pdf").read_bytes()
    pdf_ep = Endpoint("report-pdf")
    return compute(request, pdf_ep, {"key": key}, run)


@router.get("/report", summary="The pair's economic-security report (HTML or PDF)",
            responses={200: {"content": {"text/html": {}, "application/pdf": {}}}})
def report(request: Request,
           a: Annotated[str, REPORT.q("a", "First economy.")] = "KOR",
           b: Annotated[str, REPORT.q("b", "Second economy.")] = "JPN",
           year: Annotated[int | None, REPORT.q("year", "Report year; default the latest "
                                                "loaded.")] = None,
           lang: Annotated[str, REPORT.q("lang", "Language.")] = "en",
           third: Annotated[str, REPORT.q("third", "Third economy for shared "
                                          "dependence.")] = "CHN",
           format: Annotated[str, Query(pattern="^(html|pdf)$",  # noqa: A002
                                        description="html (self-contained) or pdf "
                                                    "(needs Chromium).")] = "html",
           download: Annotated[bool, Query(description="Send as an attachment.")] = False,
           ) -> Response:
    """One self-contained document; charts inline, no external request."""
    lang = lang.lower()
    html = report_html(request, a, b, year, lang, third)
    name = f"straits-report-{a}-{b}.{lang}.{format}".replace("+", "_")
    disp = {"Content-Disposition": f'{"attachment" if download else "inline"}; '
                                   f'filename="{name}"'}
    if format == "pdf":
        pdf = report_pdf(request, html, (a, b, year, lang, third))
        return Response(pdf, media_type="application/pdf", headers=disp)
    return Response(html.encode("utf-8"), media_type="text/html; charset=utf-8", headers=disp)
