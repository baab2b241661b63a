"""``straits export --parquet DIR``: the warehouse as Parquet, for Spark or any Parquet reader."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from straits.cli._common import DbOpt


def export(
    parquet: Annotated[Path, typer.Option(
        "--parquet", help="Folder to write (new, empty, or a Parquet warehouse to replace).")],
    db: DbOpt = None,
) -> None:
    """Write the warehouse as Parquet, Hive-partitioned by dataset and year (Spark reads it)."""
    from rich.console import Console

    from straits.session import Session
    from straits.warehouse.parquet_write import export as write

    with Session(db, read_only=db is None or db.exists()) as s:
        written = write(s.con, parquet)
        years = s.years()
    span = f"{years[0]}–{years[-1]}" if years else "no BACI years"
    Console(stderr=True).print(
        f"Wrote {sum(written.values())} Parquet files ({', '.join(f'{k} {v}' for k, v in written.items())}; "
        f"BACI {span}) to {parquet}")


def wants_spark(engine: str | None, to: Path | None) -> bool:
    """True when ``straits ingest`` should run on Spark (``--engine spark``, root or env)."""
    from straits.cli._common import ENGINE_OPTIONS
    from straits.warehouse.engines import engine_name

    return to is not None or engine_name(engine or ENGINE_OPTIONS.get()[0]) == "spark"


def ingest_on_spark(path: Path, *, to: Path | None, years: str | None,
                    engine: str | None) -> None:
    """``straits ingest RELEASE --engine spark --to DIR``: check on Spark, write Parquet."""
    from rich.console import Console

    from straits.cli._common import ENGINE_OPTIONS
    from straits.errors import ParameterError
    from straits.sources.baci import parse_years
    from straits.warehouse.engines import engine_name
    from straits.warehouse.spark_ingest import ingest_release

    if engine_name(engine or ENGINE_OPTIONS.get()[0]) != "spark":
        raise ParameterError("The 'to' option of ingest writes a Parquet warehouse on Spark: "
                             "add --engine spark (or use --db for a DuckDB warehouse).")
    if to is None:
        raise ParameterError("The Spark ingest writes a Parquet warehouse: pass --to DIR.")
    console = Console(stderr=True)
    with console.status("Checking the release on Spark"):
        summary = ingest_release(path, to, years=parse_years(years),
                                 master=ENGINE_OPTIONS.get()[1])
    console.print(
        f"Loaded {len(summary)} year(s) {summary['year'].min()}–{summary['year'].max()} of BACI "
        f"{summary['hs'].iloc[0]} {summary['release'].iloc[0]} on Spark: "
        f"{summary['rows'].sum():,} flows, {summary['value_kusd'].sum():,.0f} thousand USD "
        f"into {to}")


def register(app: typer.Typer) -> None:
    """Add the export command to the top-level app."""
    app.command()(export)
