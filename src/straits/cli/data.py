"""Data commands: ingest, fetch, datasets, country, product, flows, summary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from straits.cli._common import (
    DbOpt,
    Format,
    FormatOpt,
    OutOpt,
    WaitOpt,
    YearOpt,
    emit,
    open_session,
    resolved_format,
)

AllowEmptyOpt = Annotated[bool, typer.Option(
    "--allow-empty", help="Let a year file without flows replace that year (else an error).")]


def ingest(
    path: Annotated[Path, typer.Argument(help="BACI release (zip or folder), a UN Comtrade "
                                         "(classic or API) or Korea customs CSV, an ETO "
                                         "chip-chain folder, or WIOD wiot_YEAR.parquet "
                                         "table(s) (a file or a folder).")],
    years: Annotated[str | None, typer.Option(help="Years to load, e.g. 2019-2023.")] = None,
    db: DbOpt = None,
    wait: WaitOpt = 0.0,
    allow_empty: AllowEmptyOpt = False,
    engine: Annotated[str | None, typer.Option(
        help="spark: validate a BACI release on Spark and write a Parquet warehouse (--to).")] = None,
    to: Annotated[Path | None, typer.Option(
        help="Parquet warehouse folder the Spark ingest writes (created if missing).")] = None,
) -> None:
    """Load a BACI release, a reporter file, ETO or WIOD tables (recognised by layout).

    All or nothing; readers keep answering from the old state meanwhile (docs/faults.md).
    """
    from rich.console import Console

    from straits.cli.export import ingest_on_spark, wants_spark

    if wants_spark(engine, to):
        return ingest_on_spark(path, to=to, years=years, engine=engine)
    console = Console(stderr=True)
    with open_session(db, write=True) as s, _year_progress(console) as advance:
        summary = s.ingest(path, years=years, progress=advance, wait=wait,
                           allow_empty=allow_empty)
    if "layout" in summary:  # a reporter file (straits.sources.detect)
        r = summary.iloc[0]
        console.print(f"Loaded {r['source']} ({r['layout']}, {r['dataset']}): {r['rows']:,} "
                      f"rows, {r['first_period']}–{r['last_period']}, reporter {r['reporters']}, "
                      f"{r['value_usd']:,.0f} USD into {s.path}")
        return
    if "hs" not in summary:  # value-chain tables (straits.warehouse.valuechain_load)
        console.print(f"Loaded {summary['dataset'].iloc[0].upper()} "
                      f"{summary['release'].iloc[0]} from {summary['source'].iloc[0]}: years "
                      f"{', '.join(map(str, summary['year']))}, {summary['rows'].sum():,} rows "
                      f"into {s.path}")
        return
    console.print(
        f"Loaded {len(summary)} year(s) {summary['year'].min()}–{summary['year'].max()} "
        f"of BACI {summary['hs'].iloc[0]} {summary['release'].iloc[0]}: "
        f"{summary['rows'].sum():,} flows, {summary['value_kusd'].sum():,.0f} thousand USD "
        f"into {s.path}"
    )


def fetch_baci(
    release: Annotated[str, typer.Option(help="BACI release, e.g. V202601.")] = "V202601",
    hs: Annotated[str, typer.Option(help="HS revision: HS92 ... HS22.")] = "HS17",
    base_url: Annotated[str | None, typer.Option(help="Download from this base URL.")] = None,
    sha256: Annotated[str | None, typer.Option(help="Expected SHA-256 of the zip.")] = None,
    dest: Annotated[Path | None, typer.Option(help="Folder for the download.")] = None,
    years: Annotated[str | None, typer.Option(help="Years to load, e.g. 2019-2023.")] = None,
    db: DbOpt = None,
    wait: WaitOpt = 0.0,
    allow_empty: AllowEmptyOpt = False,
) -> None:
    """Download a BACI release (resumable, size/checksum checked) and ingest it."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from straits.data.default import cache_dir
    from straits.sources.download import BACI_BASE_URL, baci_filename, download

    name = baci_filename(release, hs)
    url = f"{(base_url or BACI_BASE_URL).rstrip('/')}/{name}"
    target = (dest or cache_dir() / "downloads") / name
    console = Console(stderr=True)
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(f"Downloading {name}", total=None)
        download(url, target, sha256=sha256,
                 progress=lambda done, total: bar.update(task, completed=done, total=total))
    console.print(f"Downloaded {target}")
    ingest(target, years=years, db=db, wait=wait, allow_empty=allow_empty)


def datasets(db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """List what the warehouse holds: dataset, release, year, rows, value."""
    with open_session(db) as s:
        emit(s.datasets(arrow=True), fmt, out, title=f"BACI flows in {s.path}",
             source=s.citation(),
             notes=["Reporter files (UN Comtrade, customs): `straits reporter-sources`. "
                    "Value-chain data (ETO, WIOD) are read from the package: `straits chain`, "
                    "`straits io-shock`. Sources and licences: docs/data.md."])


def country(
    query: Annotated[str, typer.Argument(
        help="Code, ISO2/ISO3 or name in English, Korean or Japanese: 410, KR, KOR, Korea, "
             "한국, 韓国, 490.")],
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Look up countries by BACI code, ISO code or name (Taiwan is 490 in BACI)."""
    from straits.reference.lookup import closest_countries, search_countries

    table = search_countries(query)
    notes = []
    if table.num_rows == 0:
        near = closest_countries(query, n=5)
        notes.append(f"No country matches {query!r}" + (
            "; closest: " + ", ".join(f"{c.iso3} ({c.name})" for c in near) if near else "")
            + ".")
        _tell(notes[-1], fmt, out)
    emit(table, fmt, out, title=f"Countries matching {query!r}", notes=notes,
         source="countries.tsv (BACI country codes, ISO 3166) and Unicode CLDR names")


def product(
    query: Annotated[str, typer.Argument(
        help="HS2/HS4/HS6 code, a product name in English, Korean or Japanese, or words of the "
             "HS description: 811292, 8112, gallium, photoresist, 흑연, フッ化水素.")],
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Look up products by HS code prefix, name (aliases with sources) or description words."""
    from straits.reference.products import closest
    from straits.resolve import search_products

    with open_session(db) as s:
        table = search_products(s.backend, query)
    notes = ["alias: the name matched; scope 'broader': the HS code also holds other goods. "
             "Aliases and their sources: src/straits/reference/product_aliases.tsv."]
    if table.num_rows == 0:
        near = closest(query)
        notes.insert(0, f"No product matches {query!r}" + (
            "; closest names: " + ", ".join(f"{a.alias} ({', '.join(a.products)})"
                                            for a in near) if near else "") + ".")
        _tell(notes[0], fmt, out)
    emit(table, fmt, out, title=f"Products matching {query!r}", notes=notes)


def flows(
    year: YearOpt = None,
    exporter: Annotated[str | None, typer.Option(help="Exporter(s): KOR, 'KOR,JPN' or world.")] = None,
    importer: Annotated[str | None, typer.Option(help="Importer(s): KOR, 'KOR,JPN' or world.")] = None,
    product: Annotated[str | None, typer.Option(
        help="HS2/HS4/HS6 codes or product names, comma-separated: 811292, gallium.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Bilateral flows: year, exporter, importer, product, value_kusd, quantity_t."""
    from straits.provenance import of

    with open_session(db) as s:
        table = s.flows(year=year, exporter=exporter, importer=importer, product=product,
                        limit=limit, arrow=True)
        prov = of(table)
        emit(table, fmt, out, title="Bilateral flows", source=s.citation(),
             notes=list(prov.notes) if prov else None)


def summary(
    a: Annotated[str, typer.Argument(help="First economy.")] = "KOR",
    b: Annotated[str, typer.Argument(help="Second economy.")] = "JPN",
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Trade between two economies in the loaded products, by year and direction."""
    from straits.reference.lookup import resolve_country

    ca, cb = resolve_country(a), resolve_country(b)
    with open_session(db) as s:
        df = s.trade_summary(ca.iso3, cb.iso3)
        emit(df, fmt, out, title=f"{ca.name} – {cb.name} trade in loaded products (thousand USD)",
             source=s.citation())


def _tell(message: str, fmt: Format, out) -> None:
    """Say on stderr what an empty machine-readable result means (the table shows it itself)."""
    if out is not None or resolved_format(fmt, out) is not Format.table:
        typer.echo(message, err=True)


def register(app: typer.Typer) -> None:
    """Add the data commands to the top-level app."""
    for fn in (ingest, datasets, country, product, flows, summary):
        app.command()(fn)
    # `straits fetch baci` is registered with the `fetch` group in straits.cli.feed


@contextmanager
def _year_progress(console) -> Iterator:
    """Rich progress bar over the years of an ingest; yields the library's progress callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("Ingesting", total=None)
        yield lambda year, rows, done, total: bar.update(
            task, completed=done, total=total, description=f"Ingested {year} ({rows:,} flows)")
