"""Metric commands: rca, shares, concentration, bilateral, complexity, eci.

Column names are a contract (scripts rely on them); a ``year`` column is added in front
only when several years are asked for (``--year 2019-2023``). Under a table the command
prints the result's method line, its provenance notes (the bloc rule when a bloc is named)
and its source.
"""

from __future__ import annotations

from typing import Annotated

import typer

from straits.cli._common import DbOpt, Format, FormatOpt, OutOpt, emit, open_session

YearsOpt = Annotated[
    str | None,
    typer.Option("--year", "-y", help="Year or range, e.g. 2024 or 2019-2024 "
                                      "(default: the latest loaded year)."),
]
LevelOpt = Annotated[str, typer.Option("--level", help="Product level: hs6, hs4 or hs2.")]
ProductOpt = Annotated[str | None, typer.Option(
    help="HS code(s) or prefix(es), or product names: 811292,2504 (default: every loaded "
         "product).")]
BLOC = "A bloc (EU27, ASEAN, G7, KOR+JPN) is one economy: trade inside it is left out."


def _years(text: str | None) -> list[int] | None:
    from straits.sources.baci import parse_years

    span = parse_years(text)
    return None if span is None else list(range(span[0], span[1] + 1))


def _cut(df, columns: list[str]):
    """Contract columns, with ``year`` in front when the table spans several years."""
    multi = "year" in df.columns and df["year"].nunique() > 1
    out = df[(["year"] if multi else []) + columns]
    out.attrs = df.attrs
    return out


def _show(df, fmt: Format, out, title: str) -> None:
    """Emit with the provenance's method, notes and source under a terminal table."""
    from straits.provenance import of

    prov = of(df)
    notes = [prov.method, *prov.notes] if prov else []
    emit(df, fmt, out, title=title, source=prov.source if prov else None, notes=notes)


def rca(
    year: YearsOpt = None,
    country: Annotated[str | None, typer.Option(
        help=f"Economies to report: KOR, KOR,JPN or EU27. {BLOC}")] = None,
    product: ProductOpt = None,
    level: LevelOpt = "hs6",
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Revealed comparative advantage (Balassa): country, product, rca, rsca; highest first."""
    from straits.metrics.rca import rca as run

    with open_session(db) as s:
        df = run(s.backend, year=_years(year), country=country, product=product, level=level)
        df = df.sort_values(["year", "rca", "country", "product"],
                            ascending=[True, False, True, True], kind="stable")
        _show(_cut(df, ["country", "product", "rca", "rsca"]), fmt, out,
              "Revealed comparative advantage (Balassa)")


def shares(
    product: Annotated[str, typer.Option(help="HS code(s) or product names: 811292.")],
    year: YearsOpt = None,
    importer: Annotated[str | None, typer.Option(
        help="Market: an importer (KOR), a bloc (EU27: its imports from outside it) or "
             "several pooled (KOR,JPN); default world exports.")] = None,
    top: Annotated[int | None, typer.Option(help="Keep the N largest exporters.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Exporters' shares of world exports (or of an importer's imports), largest first."""
    from straits.metrics.shares import market_shares

    with open_session(db) as s:
        df = market_shares(s.backend, year=_years(year), product=product, importer=importer,
                           top=top)
        market = f"imports of {importer}" if importer else "world exports"
        _show(_cut(df, ["product", "exporter", "value_kusd", "share"]), fmt, out,
              f"Market shares: {market}")


def concentration(
    year: YearsOpt = None,
    product: ProductOpt = None,
    importer: Annotated[str | None, typer.Option(
        help="Measure these importers' imports (a bloc: from outside it) instead of world "
             "exports.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Supplier concentration (HHI, 0-1) per product, with the top exporter and its share."""
    from straits.metrics.concentration import concentration as run

    with open_session(db) as s:
        df = run(s.backend, year=_years(year), product=product, importer=importer)
        cols = ["product", "total_kusd", "hhi", "top_exporter", "top_share", "n_exporters"]
        _show(_cut(df, cols), fmt, out, "Supplier concentration (HHI)")


def bilateral(
    a: Annotated[str, typer.Argument(help="Economy or bloc A (ISO3, name, code, EU27, KOR+JPN).")],
    b: Annotated[str, typer.Argument(help="Economy or bloc B, different from A.")],
    year: YearsOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Trade intensity, complementarity, export similarity and Grubel-Lloyd of A and B."""
    from straits.metrics.bilateral import bilateral as run

    with open_session(db) as s:
        df = run(s.backend, a, b, year=_years(year))
        _show(_cut(df, ["index", "direction", "value", "unit"]), fmt, out,
              f"Bilateral indices {a} / {b}")


def complexity(
    year: YearsOpt = None,
    level: LevelOpt = "hs6",
    method: Annotated[str, typer.Option(help="eci (Hidalgo-Hausmann) or fitness.")] = "eci",
    products: Annotated[bool, typer.Option("--products", help="Show products (PCI).")] = False,
    country: Annotated[str | None, typer.Option(
        help=f"Show only these economies, ranked among all. {BLOC}")] = None,
    min_exports: Annotated[float, typer.Option(help="Drop economies exporting less "
                                                    "(thousand USD).")] = 0.0,
    min_headings: Annotated[int | None, typer.Option(
        help="Product-space guard: fewest HS4 headings with RCA >= 1 (default 150). Lower "
             "it only after reading docs/metrics.md.")] = None,
    min_chapters: Annotated[int | None, typer.Option(
        help="Product-space guard: fewest HS2 chapters (default 40).")] = None,
    min_economies: Annotated[int | None, typer.Option(
        help="Product-space guard: fewest economies with RCA >= 1 in two or more products "
             "(default 60).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Economic complexity of economies (or products with --products) on a full release.

    Refuses a product space too small to rank economies (the embedded extract's 30 codes):
    ingest a full BACI release, or use `straits eci` for the published Atlas values.
    """
    from straits.metrics.complexity import COLUMNS

    with open_session(db) as s:
        res = s.complexity(year=_years(year), level=level, method=method,
                           min_exports=min_exports, country=country,
                           min_headings=min_headings, min_chapters=min_chapters,
                           min_economies=min_economies)
        cname, pname = COLUMNS[res.method]
        if products:
            df = _cut(res.products, ["product", pname, "ubiquity"])
        else:
            df = _cut(res.countries, ["country", cname, "rank", "diversity"])
        _show(df, fmt, out, f"Economic complexity ({res.method}, {level})")


def eci(
    country: Annotated[str | None, typer.Option(
        help="Countries to show (KOR,JPN), ranked among all in the file.")] = None,
    year: Annotated[str | None, typer.Option(
        "--year", "-y", help="Year or range of the Atlas file, 1995-2023 (default: 2023, "
                             "its latest).")] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Published Economic Complexity Index (Atlas, Growth Lab), ranked by value within the file.

    The file's own rank column comes from another Atlas vintage, so rank here is the
    position by ECI value among the countries in the file that year (1 = most complex).
    """
    from straits.metrics.eci import published_eci

    df = published_eci(None, country=country, year=_years(year))
    _show(_cut(df, ["country", "eci", "rank", "n_ranked"]), fmt, out,
          "Economic Complexity Index (Atlas of Economic Complexity, published)")


def register(app: typer.Typer) -> None:
    """Add the metric commands to the ``straits`` app."""
    for fn in (rca, shares, concentration, bilateral, complexity, eci):
        app.command(fn.__name__)(fn)
