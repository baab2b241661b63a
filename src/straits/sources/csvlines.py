"""Line accounting for CSV files: no line vanishes, and every error names its physical line.

DuckDB's CSV reader is fast but not a witness: with ``store_rejects`` it skips what it cannot
parse, and a line longer than its read buffer (a 40 MB garbage line, or a 1 GiB "line" with
no newline) disappears without even a reject row. Its reject rows also number lines by
records, which is wrong after a quoted newline, and ``row_number()`` over its output is wrong
after blank lines. This module gives the independent account:

- :func:`count_lines` counts newlines and blank lines in one pass of C-speed ``bytes``
  methods (run it in a thread beside the DuckDB read: :class:`LineCounter`); when DuckDB's
  row count disagrees with it, :func:`find_unreadable` re-reads the file slowly and names the
  first line DuckDB could not have read;
- :func:`line_at_byte` and :func:`record_lines` turn DuckDB's byte positions and record
  numbers into the physical line numbers an editor shows (header = line 1);
- :func:`first_non_utf8` names the line of the first byte that is not UTF-8.

The slow paths run only after something went wrong, so a clean ingest pays one counting pass.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from straits.errors import InputFileError

MAX_LINE_BYTES = 2_000_000
"""Longest line DuckDB's CSV reader accepts (its ``max_line_size`` default); a BACI line is
about 35 bytes, a Comtrade line under 1 KB."""

_CHUNK = 1 << 24


@dataclass(frozen=True)
class LineCount:
    r"""What one pass over a file found: newlines, blank lines, size, last byte.

    ``blank`` counts ``\n\n`` and ``\n\r\n`` without overlaps, so a run of several blank
    lines counts fewer: never more blank lines than there are. A record count built on it is
    then an upper bound, and a mismatch with DuckDB's count sends the file to the exact
    (slow) scan rather than hiding a lost line. ``blank == 0`` is exact.
    """

    newlines: int
    blank: int
    size: int
    ends_with_newline: bool

    @property
    def lines(self) -> int:
        """Physical lines, a last line without a newline included."""
        return self.newlines + (0 if self.ends_with_newline or self.size == 0 else 1)

    def records(self, header: bool = True) -> int:
        """Data records if no quoted field spans lines: non-blank lines, less the header."""
        return max(self.lines - self.blank - int(header), 0)


def count_lines(path: str | Path) -> LineCount:
    """Count newlines and blank lines of ``path`` in one pass (see :class:`LineCount`)."""
    newlines = blank = size = 0
    prev = b""
    with open(path, "rb", buffering=0) as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            newlines += chunk.count(b"\n")
            blank += chunk.count(b"\n\n") + chunk.count(b"\n\r\n")
            if prev.endswith(b"\n") and chunk.startswith((b"\n", b"\r\n")) or (
                    prev.endswith(b"\n\r") and chunk.startswith(b"\n")):
                blank += 1  # a blank line across the chunk boundary
            prev = chunk[-2:]
    return LineCount(newlines, blank, size, prev.endswith(b"\n") if size else True)


class LineCounter(threading.Thread):
    """:func:`count_lines` in a thread, so it overlaps DuckDB's read of the same file.

    DuckDB releases the GIL while it reads; the second read of the file comes from the page
    cache. :meth:`result` joins and returns the count (or raises what the count raised).
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__(daemon=True, name="straits-line-count")
        self.path = path
        self._out: LineCount | None = None
        self._exc: BaseException | None = None

    def run(self) -> None:  # noqa: D102
        try:
            self._out = count_lines(self.path)
        except BaseException as exc:  # re-raised in the caller's thread
            self._exc = exc

    def result(self) -> LineCount:
        """The count, once the thread is done."""
        self.join()
        if self._exc is not None:
            raise self._exc
        assert self._out is not None
        return self._out


def line_at_byte(path: str | Path, position: int) -> int:
    """Physical line (1-based) of the byte at 1-based ``position`` (DuckDB's reject rows)."""
    left, newlines = max(int(position) - 1, 0), 0
    with open(path, "rb") as fh:
        while left > 0:
            chunk = fh.read(min(left, _CHUNK))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            left -= len(chunk)
    return newlines + 1


def _lines(path: Path, fh: io.BufferedReader, encoding: str) -> Iterator[str]:
    """The file's lines as text, refusing any longer than :data:`MAX_LINE_BYTES`."""
    n = 0
    while raw := fh.readline(MAX_LINE_BYTES + 1):
        n += 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputFileError(path, f"line longer than {MAX_LINE_BYTES:,} bytes (no line "
                                 "break where a record should end: a truncated or corrupt "
                                 "file, or not a CSV file)", line=n)
        yield raw.decode(encoding, errors="replace")


def _spans(path: Path, encoding: str) -> Iterator[tuple[int, list[str], list[str]]]:
    """Every CSV record (blank lines too, as ``[]``), its first physical line, and its others.

    The others are the further physical lines a quoted newline made the record take.
    """
    with open(path, "rb") as fh:
        taken: list[str] = []

        def feed() -> Iterator[str]:
            for line in _lines(path, fh, encoding):
                taken.append(line)
                yield line

        reader = csv.reader(feed())  # reads exactly the lines of one record per step
        start = 1
        for fields in reader:
            yield start, fields, taken[1:]
            taken.clear()
            start = reader.line_num + 1


def records(path: str | Path, *, encoding: str = "utf-8-sig") -> Iterator[tuple[int, list[str]]]:
    """Every CSV record of ``path`` with the physical line it starts on (blank lines skipped).

    Raises :class:`InputFileError` naming the line of a line that is too long to be a record.
    """
    for start, fields, _ in _spans(Path(path), encoding):
        if fields:
            yield start, fields


def record_lines(path: str | Path, *, header: bool = True,
                 columns: int | None = None) -> np.ndarray:
    r"""Physical line of each data record, in file order.

    Blank lines and quoted newlines are accounted for; the header is left out when ``header``.
    With ``columns`` (the header's field count), a record whose quoted field runs over a line
    that is a whole record of its own is refused: a stray or unclosed quote swallowed that
    line, and loading on would drop it without a word. A description broken over two lines
    (``"Hydrogen\nfluoride"``) is kept: its second line is not a record of ``columns`` fields.
    """
    p = Path(path)
    out = []
    for start, fields, more in _spans(p, "utf-8-sig"):
        if not fields:
            continue
        out.append(start)
        if columns and columns > 2:
            for k, line in enumerate(more, start=1):
                if len(next(csv.reader([line]), [])) == columns:
                    raise InputFileError(p, f"a quoted field opened here runs on over line "
                                         f"{start + k}, which reads as a record of its own "
                                         "(a stray or unclosed quote?)", line=start)
    lines = np.asarray(out, dtype=np.int64)
    return lines[1:] if header else lines


def record_line(path: str | Path, record: int, *, one_line_each: bool = False) -> int:
    """Physical line of data record ``record`` (1-based, as ``row_number()`` over the reader).

    ``one_line_each`` (the count found no blank line and as many lines as records) makes it
    ``record + 1``; otherwise the file is scanned up to the record.
    """
    if one_line_each:
        return int(record) + 1
    for n, (line, _) in enumerate(records(path)):
        if n == record:
            return line
    return int(record) + 1


def find_unreadable(path: str | Path, columns: int) -> None:
    """Raise at the first line DuckDB cannot have read as a record of ``columns`` fields.

    Called when DuckDB loaded fewer rows than the file has records; a line too long for a
    record, or a record with another number of fields, is named with its line.
    """
    p = Path(path)
    for n, (line, fields) in enumerate(records(p)):
        if n and len(fields) != columns:
            raise InputFileError(p, f"expected {columns} comma-separated fields, found "
                                 f"{len(fields)} ({_preview(fields)})", line=line)


def _preview(fields: list[str]) -> str:
    text = ",".join(fields)
    return repr(text) if len(text) <= 60 else repr(text[:60]) + f"... ({len(text):,} characters)"


def first_non_utf8(path: str | Path) -> tuple[int, int, int] | None:
    """``(line, column, byte)`` of the first byte of ``path`` that is not UTF-8, or None."""
    decoder_line = 0
    with open(path, "rb") as fh:
        for decoder_line, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                col = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
                return decoder_line, col, raw[exc.start]
    return None


def require_utf8(path: str | Path) -> None:
    """Raise :class:`InputFileError` naming the line of the first byte that is not UTF-8."""
    bad = first_non_utf8(path)
    if bad is not None:
        line, col, byte = bad
        raise InputFileError(path, f"not UTF-8 text: byte 0x{byte:02X} at character {col}; "
                             "save the file as UTF-8 (e.g. from Latin-1 or CP949) and retry",
                             line=line)
