"""One error tree for Straits.

Every error raised on purpose derives from :class:`StraitsError` and also from the
built-in it resembles, so callers may catch either. Messages name the place (file,
row, column or parameter) and what was expected; the CLI maps them to exit code 2.
"""

from __future__ import annotations


class StraitsError(Exception):
    """Root of every error Straits raises on purpose."""


class InputFileError(StraitsError, ValueError):
    """A data file is malformed; the message names file, line and column.

    ``line`` counts physical lines of the file, header included, as an editor shows them.
    """

    def __init__(
        self,
        path: object,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        place = _basename(self.path)
        if line is not None:
            place += f" line {line}"
        if column is not None:
            place += f", column {column}"
        super().__init__(f"{place}: {message}")


class ParameterError(StraitsError, ValueError):
    """A function or command parameter is out of its allowed range."""


class UnknownCodeError(StraitsError, KeyError):
    """A country, product, sector or preset code that Straits cannot resolve."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DataNotLoadedError(StraitsError, LookupError):
    """The warehouse holds no data for the requested dataset or year."""


class DownloadError(StraitsError, OSError):
    """A download failed or did not match its expected size or checksum."""


class WarehouseError(StraitsError, OSError):
    """The warehouse file cannot be used: not a DuckDB file, missing folder, no permission.

    Raised when the file is opened, before any query, so the message names the path and what
    to do instead of a DuckDB error text.
    """


class WarehouseLockedError(StraitsError, RuntimeError):
    """Another writer holds the warehouse's lock (see :mod:`straits.warehouse.write`).

    ``holder`` is what the lock file records: ``pid``, ``command`` and ``started`` (ISO time),
    any of which may be missing when the holder has only just taken the lock.
    """

    def __init__(self, path: object, holder: dict[str, object], waited: float) -> None:
        self.path = str(path)
        self.holder = holder
        who = f"pid {holder['pid']}" if holder.get("pid") else "another process"
        if holder.get("command"):
            who += f", command {holder['command']!r}"
        if holder.get("started"):
            who += f", since {holder['started']}"
        waited_text = f" after waiting {waited:g} s" if waited else ""
        super().__init__(
            f"{_basename(self.path)} is being written ({who}){waited_text}; retry when it "
            "finishes, or pass --wait SECONDS (Python: wait=SECONDS) to queue behind it"
        )


class DataQualityWarning(UserWarning):
    """A data oddity Straits handled (and the user may want to know about)."""


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1] or path


def check_param(name: str, func: str, ok: bool, expected: str, got: object) -> None:
    """Raise the one ParameterError message form used across Straits.

    The message reads: ``The 'cut' parameter of shock must be a float in [0, 1]. Got 1.5
    instead.`` (the scikit-learn idiom, so users learn one form).
    """
    if not ok:
        raise ParameterError(
            f"The {name!r} parameter of {func} must be {expected}. Got {got!r} instead."
        )
