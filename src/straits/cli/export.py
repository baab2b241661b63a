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


def register(app: typer.Typer) -> None:
    """Add the export command to the top-level app."""
    app.command()(export)
