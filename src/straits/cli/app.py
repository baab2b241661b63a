"""Entry point of the ``straits`` command: assembles the command modules.

Each module in :data:`COMMAND_MODULES` exposes ``register(app)`` and adds its commands at the
top level (``straits flows``, ``straits rca``...). Heavy imports happen inside commands so
``straits --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import typer

from straits.cli._common import ENGINE_OPTIONS, StraitsGroup, StraitsTyper

COMMAND_MODULES = [
    "straits.cli.serve",
    "straits.cli.data",
    "straits.cli.feed",
    "straits.cli.reporter",
    "straits.cli.report",
    "straits.cli.security",
    "straits.cli.valuechain",
    "straits.cli.metrics",
    "straits.cli.export",
]

app = StraitsTyper(
    name="straits",
    cls=StraitsGroup,
    help="Straits: economic-security analysis of supply-chain interdependence "
    "(default lens: Korea and Japan). Data: embedded CEPII BACI extract unless --db is given.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from straits import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_show_version, help="Show the version."
    ),
    engine: str | None = typer.Option(
        None, "--engine", envvar="STRAITS_ENGINE",
        help="Query engine: duckdb (default) or spark (extra: spark)."),
    spark_master: str | None = typer.Option(
        None, "--spark-master", envvar="STRAITS_SPARK_MASTER",
        help="Spark master URL: local[2] (default) or spark://host:7077."),
) -> None:
    """Straits command line."""
    ENGINE_OPTIONS.set((engine, spark_master))


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning reads as one line naming what it is about, not the source line that raised it."""
    name = getattr(category, "__name__", "Warning")
    label = "Data quality" if name == "DataQualityWarning" else "Warning"
    (file or sys.stderr).write(f"{label}: {message}\n")


def main() -> None:
    """Run the CLI (console-script entry point): builds only the command it runs."""
    import warnings

    warnings.showwarning = _warning_line
    words = [a for a in sys.argv[1:] if not a.startswith("-")]
    if words and sys.argv[1] == words[0]:
        app.only(words[0])
    app()
