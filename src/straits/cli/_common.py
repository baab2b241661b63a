"""Options and output shared by every command: --db, --format, --out, and error mapping.

Defined once so each command module only parses, calls the library and renders.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    import pandas as pd

    from straits.session import Session


class Format(enum.StrEnum):
    """Output formats every table command offers."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


DbOpt = Annotated[
    Path | None,
    typer.Option("--db", envvar="STRAITS_DB", help="Warehouse file (default: embedded data)."),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, csv, json or parquet.")
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write the output to this file.")
]
YearOpt = Annotated[
    int | None, typer.Option("--year", "-y", help="Year (default: latest loaded).")
]


class StraitsGroup(TyperGroup):
    """Click group that turns any StraitsError into a one-line message and exit code 2."""

    def invoke(self, ctx):  # noqa: D102
        from straits.errors import StraitsError

        try:
            return super().invoke(ctx)
        except StraitsError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None


def open_session(db: Path | None, *, write: bool = False) -> Session:
    """Open the warehouse named by --db / STRAITS_DB, or the embedded default."""
    from straits.session import Session

    if db is None:
        return Session(None, read_only=not write)
    return Session(db, read_only=not write and db.exists())


def emit(
    df: pd.DataFrame,
    fmt: Format,
    out: Path | None,
    *,
    title: str | None = None,
    source: str | None = None,
    notes: list[str] | None = None,
) -> None:
    """Render a table as a Rich table, CSV, JSON (array of row objects) or Parquet.

    The title, source citation and notes go to the terminal with the Rich table only, so
    CSV, JSON and Parquet stay machine-readable with the same column names.
    """
    if fmt is Format.parquet:
        if out is None:
            raise typer.BadParameter("--format parquet needs --out FILE", param_hint="--out")
        df.to_parquet(out, index=False)
        return
    if fmt is Format.csv:
        text = df.to_csv(index=False)
    elif fmt is Format.json:
        text = df.to_json(
            orient="records", double_precision=15, force_ascii=False, indent=1, date_format="iso"
        )
        text += "\n"
    else:
        if out is not None:
            text = df.to_csv(index=False)
        else:
            _print_table(df, title=title, source=source, notes=notes)
            return
    if out is None:
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")


def _print_table(df, *, title, source, notes) -> None:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=240)
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in df.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    for note in notes or []:
        console.print(f"[dim]{note}[/dim]")
    if source:
        console.print(f"[dim]Source: {source}[/dim]")


def _cell(value) -> str:
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        if abs(value) < 1:
            return f"{value:,.6g}"
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)
