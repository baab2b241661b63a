"""Metric commands: rca, shares, concentration, bilateral, complexity.

Column names are a contract (scripts rely on them); a ``year`` column is added in front
only when several years are asked for (``--year 2019-2023``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from straits.cli._common import DbOpt, Format, FormatOpt, OutOpt, emit, open_session

YearsOpt = Annotated[
    str | None,
    typer.Option("--year", "-y", help="Year or range, e.g. 2024 or 2019-2024 (default: latest)."),
]
LevelOpt = Annotated[str, typer.Option("--level", help="Product level: hs6, hs4 or hs2.")]
UNITS = "Values in thousand USD (BACI, FOB); shares as fractions 0-1."


def _years(text: str | None) -> list[int] | None:
    from straits.sources.baci import parse_years

    span = parse_years(text)
    return None if span is None else list(range(span[0], span[1] + 1))


def _cut(df, columns: list[str]):
    """Contract columns, with ``year`` in front when the table spans several years."""
    multi = "year" in df.columns and df["year"].nunique() > 1
    return df[(["year"] if multi else []) + columns]


def rca(
    year: YearsOpt = None,
    country: Annotated[str | None, typer.Option(help="Exporter(s): KOR or KOR,JPN.")] = None,
    product: Annotated[str | None, typer.Option(help="HS prefix(es): 811292,2504.")] = None,
    level: LevelOpt = "hs6",
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Revealed comparative advantage: country, product, rca, rsca."""
    from straits.metrics.rca import rca as run

    with open_session(db) as s:
        df = run(s, year=_years(year), country=country, product=product, level=level)
        emit(_cut(df, ["country", "product", "rca", "rsca"]), fmt, out,
             title="Revealed comparative advantage (Balassa)", source=df.attrs["source"],
             notes=["rca = (x_cp / X_c) / (x_wp / X_w) over the loaded products; "
                    "rsca = (rca - 1) / (rca + 1)."])


def shares(
    product: Annotated[str, typer.Option(help="HS product(s): 811292.")],
    year: YearsOpt = None,
    importer: Annotated[str | None, typer.Option(help="Market: importer(s), e.g. KOR.")] = None,
    top: Annotated[int | None, typer.Option(help="Keep the N largest exporters.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Exporters' shares of world exports (or of an importer's imports), largest first."""
    from straits.metrics.shares import market_shares

    with open_session(db) as s:
        df = market_shares(s, year=_years(year), product=product, importer=importer, top=top)
        market = f"imports of {importer}" if importer else "world exports"
        emit(_cut(df, ["product", "exporter", "value_kusd", "share"]), fmt, out,
             title=f"Market shares: {market}", source=df.attrs["source"], notes=[UNITS])


def concentration(
    year: YearsOpt = None,
    product: Annotated[str | None, typer.Option(help="HS product(s): 811292,2504.")] = None,
    importer: Annotated[str | None, typer.Option(help="Importer(s) whose imports to measure.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Supplier concentration (HHI, 0-1) per product, with the top exporter and its share."""
    from straits.metrics.concentration import concentration as run

    with open_session(db) as s:
        df = run(s, year=_years(year), product=product, importer=importer)
        cols = ["product", "total_kusd", "hhi", "top_exporter", "top_share", "n_exporters"]
        emit(_cut(df, cols), fmt, out, title="Supplier concentration (HHI)",
             source=df.attrs["source"],
             notes=["hhi = sum of squared exporter shares (0-1); 0.25+ is highly concentrated.",
                    UNITS])


def bilateral(
    a: Annotated[str, typer.Argument(help="Economy A (ISO3, name or code).")],
    b: Annotated[str, typer.Argument(help="Economy B.")],
    year: YearsOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Trade intensity, complementarity, export similarity and Grubel-Lloyd of A and B."""
    from straits.metrics.bilateral import bilateral as run

    with open_session(db) as s:
        df = run(s, a, b, year=_years(year))
        emit(_cut(df, ["index", "direction", "value"]), fmt, out,
             title=f"Bilateral indices {a} / {b}", source=df.attrs["source"],
             notes=["trade_intensity: 1 = neutral; complementarity and export_similarity: "
                    "0-100; grubel_lloyd: 0-1. Over the loaded products only."])


def complexity(
    year: YearsOpt = None,
    level: LevelOpt = "hs6",
    method: Annotated[str, typer.Option(help="eci (Hidalgo-Hausmann) or fitness.")] = "eci",
    products: Annotated[bool, typer.Option("--products", help="Show products (PCI).")] = False,
    min_exports: Annotated[float, typer.Option(help="Drop countries exporting less "
                                                    "(thousand USD).")] = 0.0,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Economic complexity of countries (or products with --products)."""
    from straits.metrics.complexity import COLUMNS
    from straits.metrics.complexity import complexity as run

    with open_session(db) as s:
        res = run(s, year=_years(year), level=level, method=method, min_exports=min_exports)
        cname, pname = COLUMNS[res.method]
        if products:
            df = _cut(res.products, ["product", pname, "ubiquity"])
        else:
            df = _cut(res.countries, ["country", cname, "rank", "diversity"])
        emit(df, fmt, out, title=f"Economic complexity ({res.method}, {level})",
             source=df.attrs["source"],
             notes=["Presence: RCA >= 1 over the loaded products; ECI standardised, PCI on the "
                    "ECI scale (Growth Lab normalisation)."])


def register(app: typer.Typer) -> None:
    """Add the metric commands to the ``straits`` app."""
    for fn in (rca, shares, concentration, bilateral, complexity):
        app.command(fn.__name__)(fn)
