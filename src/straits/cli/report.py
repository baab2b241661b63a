"""``straits report``: the pair's economic-security report as self-contained HTML (and PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from straits.cli._common import DbOpt, YearOpt, open_session


def register(app: typer.Typer) -> None:
    """Add the ``report`` command."""

    @app.command("report")
    def report(
        a: Annotated[str, typer.Argument(help="First economy (ISO3, name or code).")] = "KOR",
        b: Annotated[str, typer.Argument(help="Second economy.")] = "JPN",
        year: YearOpt = None,
        lang: Annotated[str, typer.Option("--lang", "-l",
                                          help="Language: en, ko, ja or all.")] = "en",
        out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write; with "
                                          "--lang all, report.html becomes report.en.html, "
                                          "report.ko.html, report.ja.html.")] = Path("report.html"),
        pdf: Annotated[bool, typer.Option("--pdf", help="Also print each HTML to PDF with "
                                          "headless Chromium (/usr/bin/chromium).")] = False,
        third: Annotated[str, typer.Option("--third", help="Third economy for shared "
                                           "dependence.")] = "CHN",
        db: DbOpt = None,
    ) -> None:
        """Write the economic-security report for a pair of economies (default KOR JPN).

        One HTML file per language that opens offline: charts (Vega-Lite, rendered to SVG)
        inline, no external request. Every number comes from the engines on the warehouse's
        data (--db, else the embedded default); sections whose data or engine are missing say
        what to ingest. --year omitted means the latest loaded year.
        """
        from straits.errors import StraitsError
        from straits.report.build import build_report, output_paths, parse_langs
        from straits.report.pdf import find_chromium, html_to_pdf

        langs = parse_langs(lang)
        try:  # a folder that cannot be made is a clear error before the work, not a traceback
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StraitsError(f"--out {out}: cannot create its folder ({exc.strerror}).") from None
        if pdf:
            find_chromium()  # fail before the work if the browser is missing
        with open_session(db) as s:
            docs = build_report(s, a, b, year=year, langs=langs, third=third)
        for lg, path in output_paths(out, langs).items():
            path.write_text(docs[lg], encoding="utf-8")
            typer.echo(f"Wrote {path}")
            if pdf:
                target = path.with_suffix(".pdf")
                html_to_pdf(path, target)
                typer.echo(f"Wrote {target}")
