"""Options and output shared by every command: --db, --format, --out, --columns, --wide.

Defined once, so a command module only parses, calls the library and renders with
:func:`emit`. The app is a :class:`StraitsTyper`: every command with a ``fmt`` parameter
(``--format``) gets ``--columns`` and ``--wide`` added for it, so each command declares only
``fmt: FormatOpt`` and ``out: OutOpt``.

Output rules (all in :func:`emit`):

- ``--out FILE`` takes its format from the extension (``.csv``, ``.json``, ``.parquet``,
  ``.txt`` for the table text) unless ``--format`` is given; both naming different formats
  is an error.
- With neither, a terminal gets a table and a pipe or file gets CSV, so
  ``straits flows ... | head`` stays machine-readable.
- CSV, JSON and Parquet come from :mod:`straits.serialize` (numbers to 15 significant
  digits, ASCII minus, lists as lists); the table from :mod:`straits.cli._table`.
"""

from __future__ import annotations

import enum
import functools
import inspect
import os
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from straits.session import Session


class Format(enum.StrEnum):
    """Output formats every table command offers."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


#: file extension -> format, for ``--out`` without ``--format``
EXTENSIONS = {".csv": Format.csv, ".json": Format.json, ".parquet": Format.parquet,
              ".pq": Format.parquet, ".txt": Format.table}

DbOpt = Annotated[
    Path | None,
    typer.Option("--db", envvar="STRAITS_DB", help="Warehouse file (default: embedded data)."),
]
FormatOpt = Annotated[
    Format, typer.Option(
        "--format", "-f", show_default=False,
        help="Output format: table, csv, json or parquet. Default: a table on a terminal, CSV "
             "when piped or redirected; with --out, the file's extension.")
]
OutOpt = Annotated[
    Path | None, typer.Option(
        "--out", "-o", help="Write to FILE; .csv, .json, .parquet or .txt (the table) sets "
                            "the format unless --format is given.")
]
YearOpt = Annotated[
    int | None, typer.Option("--year", "-y", help="Year (default: latest loaded).")
]
ColumnsOpt = Annotated[
    str | None, typer.Option(
        "--columns", help="Columns to show or write, comma-separated, in this order.")
]
WideOpt = Annotated[
    bool, typer.Option("--wide", help="Table: every column at full width (no shortening).")
]


@dataclass(frozen=True)
class OutputRequest:
    """How the user asked for output, beyond a command's own ``fmt`` and ``out``."""

    format_given: bool = True
    columns: tuple[str, ...] | None = None
    wide: bool = False
    notes: tuple[str, ...] = ()


_REQUEST: ContextVar[OutputRequest | None] = ContextVar("straits_output", default=None)
#: parameters whose values name products (their aliases get a note under the table)
PRODUCT_PARAMS = ("product", "products")


def table_command(fn):
    """Give a table command ``--columns`` and ``--wide`` and note how ``--format`` came.

    The wrapper adds the two options to the signature Typer reads, records them (and whether
    ``--format`` was typed or defaulted) for :func:`emit`, then calls ``fn`` unchanged.
    """
    sig = inspect.signature(fn, eval_str=True)
    if "fmt" not in sig.parameters or "columns" in sig.parameters:
        return fn
    kw = inspect.Parameter.KEYWORD_ONLY
    extra = [inspect.Parameter("columns", kw, default=None, annotation=ColumnsOpt),
             inspect.Parameter("wide", kw, default=False, annotation=WideOpt),
             inspect.Parameter("straits_ctx", kw, annotation=typer.Context)]

    @functools.wraps(fn)
    def command(*args: Any, columns: str | None = None, wide: bool = False,
                straits_ctx: typer.Context | None = None, **kwargs: Any) -> Any:
        source = straits_ctx.get_parameter_source("fmt") if straits_ctx is not None else None
        given = source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")
        picked = tuple(c.strip() for c in columns.split(",") if c.strip()) if columns else None
        notes = _alias_notes(kwargs.get(p) for p in PRODUCT_PARAMS)
        token = _REQUEST.set(OutputRequest(given, picked or None, wide, notes))
        try:
            return fn(*args, **kwargs)
        finally:
            _REQUEST.reset(token)

    command.__signature__ = sig.replace(parameters=[*sig.parameters.values(), *extra])
    command.__annotations__ = {**{p.name: p.annotation for p in sig.parameters.values()},
                               **{p.name: p.annotation for p in extra}}
    return command


def _alias_notes(values) -> tuple[str, ...]:
    from straits.reference.products import alias_notes

    out: list[str] = []
    for v in values:
        if isinstance(v, str) and v.strip():
            out.extend(n for n in alias_notes(v) if n not in out)
    return tuple(out)


class _FastParams:
    """Plain options (and ``--help``) skip Typer's Pydantic coercion (see ``_fastparams``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from straits.cli._fastparams import install

        install(self.params)

    def get_help_option(self, ctx):  # noqa: D102
        from straits.cli._fastparams import install

        option = super().get_help_option(ctx)
        if option is not None:
            install([option])
        return option


class StraitsCommand(_FastParams, TyperCommand):
    """A ``straits`` command (see :class:`_FastParams`)."""


class StraitsTyper(typer.Typer):
    """The ``straits`` app: table commands get the shared output options, built on demand.

    Registering a command only records it; Typer sees it (wrapped by :func:`table_command`)
    when something reads ``registered_commands``. :meth:`only` lets the console script build
    just the command it runs: evaluating some forty signatures costs a twentieth of a second
    that a look-up should not pay.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pending: list[tuple[str | None, dict[str, Any], Any]] = []
        super().__init__(*args, **kwargs)

    @property
    def registered_commands(self) -> list[Any]:  # noqa: D102
        self._build(None)
        return self._commands

    @registered_commands.setter
    def registered_commands(self, value: list[Any]) -> None:
        self._commands = value

    def command(self, name: str | None = None, **kwargs: Any):  # noqa: D102
        def decorate(fn):
            self._pending.append((name, kwargs, fn))
            return fn

        return decorate

    def only(self, name: str) -> bool:
        """Build only command ``name`` (True), or every command if none is called so (False)."""
        if not any(_command_name(n, fn) == name for n, _, fn in self._pending):
            return False
        self._build(name)
        return True

    def _build(self, name: str | None) -> None:
        """Hand the recorded commands (all, or only ``name``) to Typer; forget the rest."""
        pending, self._pending = self._pending, []
        for cmd_name, kwargs, fn in pending:
            if name is None or _command_name(cmd_name, fn) == name:
                kwargs.setdefault("cls", StraitsCommand)
                super().command(cmd_name, **kwargs)(table_command(fn))


def _command_name(name: str | None, fn: Any) -> str:
    """The name Typer gives a command: its own, or the function's with dashes."""
    return name or fn.__name__.lower().replace("_", "-")


WaitOpt = Annotated[
    float, typer.Option("--wait", min=0, help="Seconds to wait for another writer of the "
                        "warehouse to finish (default 0: fail at once, naming it).")
]


class StraitsGroup(_FastParams, TyperGroup):
    """Click group that turns every expected failure into ``Error: ...`` and exit code 2."""

    def invoke(self, ctx):  # noqa: D102
        try:
            return super().invoke(ctx)
        except Exception as exc:
            mapped = error_exit(exc)
            if mapped is None:
                raise
            code, message = mapped
            name = ctx.invoked_subcommand
            command = self.get_command(ctx, name) if name else None
            typer.echo(f"Error: {_as_typed(message, command)}", err=True)
            raise typer.Exit(code) from None


def _as_typed(message: str, command: Any) -> str:
    """Name an option as the user typed it where its Python name differs.

    Messages come from the shared parameter checks (Python, CLI and API alike), which name
    ``start``; on the command line that is ``--from``, so "The 'start' parameter" becomes
    "The 'start' parameter (--from)".
    """
    for param in getattr(command, "params", ()):
        flag = next((o for o in getattr(param, "opts", ()) if o.startswith("--")), None)
        said = f"The {param.name!r} parameter"
        if flag and flag != "--" + str(param.name).replace("_", "-") and said in message:
            message = message.replace(said, f"{said} ({flag})", 1)
    return message


def error_exit(exc: BaseException) -> tuple[int, str] | None:
    """The one error mapping of the CLI: ``(exit code, message)``, or None to re-raise.

    Straits errors, unreadable or locked files and exhausted resources exit 2 with their
    message (the user can act on it). Click's own exits pass through. Anything else is a bug:
    exit 1 with a one-line message; ``STRAITS_DEBUG=1`` re-raises it to show the traceback.
    """
    import os

    import duckdb

    from straits.errors import StraitsError

    # Exits, usage errors and aborts of the CLI framework (Typer vendors its own Click).
    if type(exc).__module__.split(".")[0] in ("typer", "click"):
        return None
    if isinstance(exc, StraitsError):
        return 2, str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return 2, f"a file is not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return 2, f"{exc.strerror or exc}{where}"
    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return 2, "out of memory; close other programs or load fewer years at once (--years)"
    if isinstance(exc, duckdb.IOException):
        return 2, f"warehouse I/O failed: {exc}"
    if os.environ.get("STRAITS_DEBUG"):
        return None
    return 1, (f"internal error ({type(exc).__name__}: {exc}); please report it with the "
               "command you ran (STRAITS_DEBUG=1 shows the traceback)")


#: ``(--engine, --spark-master)`` of the running command, set by the root callback
ENGINE_OPTIONS: ContextVar[tuple[str | None, str | None]] = ContextVar(
    "straits_engine_options", default=(None, None))


def open_session(db: Path | None, *, write: bool = False) -> Session:
    """Open the warehouse named by --db / STRAITS_DB, or the embedded default, on --engine.

    Reading commands need the file to exist; writing ones create it (they write through
    :mod:`straits.warehouse.write`, so readers are never blocked).
    """
    from straits.session import Session
    from straits.warehouse.engines import open_backend

    engine, master = ENGINE_OPTIONS.get()
    backend = open_backend(db, engine=engine, spark_master=master)
    if backend is not None:
        return Session(db, backend=backend)
    return Session(db, read_only=not write)


def output_format(fmt: Format, out: Path | None, *, given: bool = True,
                  tty: bool | None = None) -> Format:
    """The format to write: ``--format`` if given, else ``--out``'s extension, else by stdout.

    Raises
    ------
    ParameterError
        ``--format`` and the extension of ``--out`` name different formats, or neither says
        which format a file should have.
    """
    from straits.errors import ParameterError

    by_ext = EXTENSIONS.get(Path(out).suffix.lower()) if out is not None else None
    if given:
        if by_ext is not None and by_ext is not fmt:
            raise ParameterError(
                f"--format {fmt.value} conflicts with --out {out} (a {by_ext.value} file by its "
                "extension); drop --format or change the extension.")
        return fmt
    if out is not None:
        if by_ext is None:
            raise ParameterError(
                f"Cannot tell the format of --out {out} from its extension: use .csv, .json, "
                ".parquet or .txt, or give --format.")
        return by_ext
    if tty is None:
        tty = sys.stdout.isatty()
    return Format.table if tty else Format.csv


def resolved_format(fmt: Format, out: Path | None) -> Format:
    """The format :func:`emit` will write for this command's ``--format`` and ``--out``."""
    request = _REQUEST.get() or OutputRequest()
    return output_format(fmt, out, given=request.format_given)


def to_terminal(fmt: Format, out: Path | None) -> bool:
    """Whether this command writes a terminal table (trim columns, show both parts) or data.

    A piped or redirected command writes CSV even with the table default, and then keeps
    every column and writes one table, so its output stays machine-readable.
    """
    return resolved_format(fmt, out) is Format.table and out is None


def emit(
    result: Any,
    fmt: Format,
    out: Path | None,
    *,
    title: str | None = None,
    source: str | None = None,
    notes: list[str] | None = None,
    sort: str | list[str] | None = None,
) -> None:
    """Write a result table (pandas or Arrow) as a terminal table, CSV, JSON or Parquet.

    ``sort`` names columns to order by (``"-rca"``: descending), in every format. The title,
    notes and source are shown with the table only, so CSV, JSON and Parquet keep the bare
    columns (Parquet carries the provenance in its metadata).
    """
    from straits import serialize

    request = _REQUEST.get() or OutputRequest()
    fmt = output_format(fmt, out, given=request.format_given)
    table = serialize.as_arrow(result)
    table = _sorted(table, sort)
    if request.columns:
        table = _select(table, request.columns)
    if fmt is Format.table:
        tty = out is None and sys.stdout.isatty()
        from straits.cli._table import render

        text = render(table, width=_width(tty), wide=request.wide,
                      picked=request.columns is not None, title=title, source=source,
                      notes=[*(notes or []), *request.notes], color=tty)
        if out is None:
            _to_stdout(lambda: sys.stdout.write(text))
        else:
            _to_file(out, lambda: Path(out).write_text(text, encoding="utf-8"))
        return
    if out is not None:
        _to_file(out, lambda: serialize.write(table, fmt.value, Path(out)))
        return
    if fmt is Format.parquet and sys.stdout.isatty():
        from straits.errors import ParameterError

        raise ParameterError("Parquet is binary: give --out FILE.parquet or redirect stdout.")

    def write() -> None:
        sys.stdout.flush()
        serialize.write(table, fmt.value, sys.stdout.buffer)
        sys.stdout.buffer.flush()

    _to_stdout(write)


def _to_file(out: Path, write) -> None:
    """Run ``write``; a file that cannot be written is the user's error (exit 2)."""
    try:
        write()
    except OSError as exc:
        from straits.errors import ParameterError

        raise ParameterError(f"Cannot write --out {out}: {exc.strerror or exc}.") from None


def _to_stdout(write) -> None:
    """Run ``write``; when the reader has gone (``| head``), stop quietly as Unix tools do."""
    try:
        write()
    except BrokenPipeError:
        try:  # later flushes (at exit) would fail again: point stdout at /dev/null
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        raise typer.Exit(0) from None


def _width(tty: bool) -> int:
    """Terminal width on a terminal; else $COLUMNS, else 100."""
    if tty:
        import shutil

        return shutil.get_terminal_size((100, 24)).columns
    try:
        return max(40, int(os.environ.get("COLUMNS", "100")))
    except ValueError:
        return 100


def _sorted(table, sort):
    if not sort:
        return table
    keys = [sort] if isinstance(sort, str) else list(sort)
    spec = [(k.lstrip("-"), "descending" if k.startswith("-") else "ascending") for k in keys]
    spec = [(k, o) for k, o in spec if k in table.column_names]
    return table.sort_by(spec) if spec else table


def _select(table, names: tuple[str, ...]):
    from straits.errors import ParameterError

    unknown = [n for n in names if n not in table.column_names]
    if unknown:
        raise ParameterError(
            f"--columns: no column {', '.join(repr(u) for u in unknown)} in this table; its "
            f"columns are {', '.join(table.column_names)}.")
    return table.select(list(dict.fromkeys(names)))
