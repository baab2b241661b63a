"""Recognise a reporter file's layout by its header, and the checks every layout shares.

A *layout* turns one raw file (UN Comtrade bulk or API CSV, a national customs export) into
the normalised reporter table of :mod:`straits.warehouse.reporter_sql`. Layouts register
themselves here; adding Japan's or China's customs layout is one new module listed in
:data:`LAYOUT_MODULES` with a :class:`Layout` subclass. Detection reads only the header line,
so ``straits ingest PATH`` needs no ``--format`` option.

Normalised columns (one row per reported flow): ``reporter, partner`` (ISO3), ``flow``
(``import``/``export``), ``year``, ``month`` (NULL for annual data), ``classification``
(``H5``, ``HSK``...), ``level`` (6, 8 or 10 digits), ``code``, ``hs6``, ``value_usd``,
``value_basis`` (``cif``, ``fob`` or ``primary``), ``weight_kg``, ``line`` (line of the
first source row, for error messages).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from straits.errors import InputFileError, UnknownCodeError
from straits.reference.lookup import resolve_country

LAYOUT_MODULES = [
    "straits.sources.comtrade",
    "straits.sources.customs_kor",
]
"""Modules that define reporter layouts (imported on first detection)."""

NORMALISED = [
    "reporter", "partner", "flow", "year", "month", "classification", "level", "code", "hs6",
    "value_usd", "value_basis", "weight_kg", "line",
]

_REGISTRY: list[type[Layout]] = []


@dataclass
class Layout:
    """One file layout: a name, the header columns that identify it, and a parser.

    Subclasses set ``name``, ``required`` (header columns that must all be present),
    ``dataset`` (citation) and implement :meth:`parse`.
    """

    name: ClassVar[str] = ""
    required: ClassVar[tuple[str, ...]] = ()
    dataset: ClassVar[str] = ""
    path: Path

    def __init_subclass__(cls, **kw: object) -> None:
        super().__init_subclass__(**kw)
        if cls.name:
            _REGISTRY.append(cls)

    @classmethod
    def matches(cls, header: list[str]) -> bool:
        """True when every required column is in ``header``."""
        return set(cls.required) <= set(header)

    def read(self) -> pd.DataFrame:
        """The raw file as text columns (no NA guessing); ``line`` = physical line number.

        Line numbers count blank lines and the extra lines of quoted newlines, as an editor
        shows them (:func:`straits.sources.csvlines.record_lines`).
        """
        from straits.sources.csvlines import record_lines, require_utf8

        # first, so a line too long for a record or a stray quote stops it before pandas
        lines = record_lines(self.path, columns=len(read_header(self.path)))
        try:
            df = pd.read_csv(self.path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            require_utf8(self.path)
            raise
        except pd.errors.ParserError as exc:
            raise InputFileError(self.path, f"not a readable CSV file ({exc})") from None
        df.columns = [c.strip() for c in df.columns]
        df["line"] = lines if len(lines) == len(df) else np.arange(2, len(df) + 2)
        return df

    def parse(self) -> pd.DataFrame:
        """Return the normalised table (columns :data:`NORMALISED`)."""
        raise NotImplementedError


def read_header(path: str | Path) -> list[str]:
    """Column names on the first line of a CSV file (BOM and surrounding spaces removed)."""
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        first = fh.readline()
    return [c.strip().strip('"').strip() for c in first.rstrip("\r\n").split(",")]


def layouts() -> list[type[Layout]]:
    """Every registered layout class."""
    for mod in LAYOUT_MODULES:
        importlib.import_module(mod)
    return list(_REGISTRY)


def detect_layout(path: str | Path) -> type[Layout] | None:
    """The layout whose required columns the header of ``path`` holds, or ``None``.

    The most specific match wins (most required columns), so a layout that is a superset of
    another is preferred.
    """
    p = Path(path)
    if p.is_dir() or p.suffix.lower() not in (".csv", ".txt"):
        return None
    header = read_header(p)
    hits = [lay for lay in layouts() if lay.matches(header)]
    return max(hits, key=lambda lay: len(lay.required)) if hits else None


def require_layout(path: str | Path) -> type[Layout]:
    """Like :func:`detect_layout` but an unknown layout is an :class:`InputFileError`."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(p, "no such file")
    lay = detect_layout(p)
    if lay is None and p.suffix.lower() in (".csv", ".txt"):
        header = set(read_header(p))
        near = max(layouts(), key=lambda c: len(header & set(c.required)) / len(c.required))
        missing = [c for c in near.required if c not in header]
        if len(missing) <= len(near.required) // 2:
            raise InputFileError(p, f"missing column(s) {', '.join(missing)} of the "
                                 f"{near.name} layout", line=1, column=missing[0])
    if lay is None:
        names = ", ".join(f"{c.name} ({', '.join(c.required[:4])}...)" for c in layouts())
        hint = ("; a BACI year file is ingested with its release (the zip or its folder)"
                if p.suffix.lower() == ".csv" and read_header(p) == list("tijkvq") else "")
        raise InputFileError(path, f"unknown layout; expected a header of one of: {names}"
                             + hint, line=1)
    return lay


# -- shared, vectorised checks ----------------------------------------------------------------

def check_columns(path: Path, df: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """Raise if a required column is missing (the header line names what was expected)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputFileError(path, f"missing column(s) {', '.join(missing)}", line=1,
                             column=missing[0])


def numbers(path: Path, df: pd.DataFrame, column: str, *, blank_ok: bool = True,
            integer: bool = False, limit: float | None = None, unit: str = "") -> pd.Series:
    """Parse a text column as finite numbers >= 0 (and <= ``limit``); blanks become NaN.

    The rule of :mod:`straits.sources.bounds`: ``nan``, ``inf``, ``1e309``, negatives and
    values above ``limit`` (in ``unit``) are errors naming line, column and value.
    """
    from straits.sources import bounds

    text = df[column].str.strip().str.replace(",", "", regex=False) if len(df) else df[column]
    values = pd.to_numeric(text, errors="coerce")
    bad = (values.isna() & ((text != "") | (not blank_ok))) | (values < 0) | np.isinf(values)
    if limit is not None:
        bad |= values > limit
    if integer:
        bad |= values.notna() & (values != values.round())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        got = df[column].iloc[i]
        what = "an integer" if integer else "a number"
        try:
            why = bounds.problem(float(text.iloc[i]), np.inf if limit is None else limit, unit)
        except ValueError:  # not a number at all
            why = None
        detail = f" ({why})" if why and why != "negative" else ""
        shown = "an empty field" if got.strip() == "" else repr(got)
        raise InputFileError(path, f"expected {what} >= 0, got {shown}{detail}",
                             line=int(df["line"].iloc[i]), column=column)
    return values


def check_range(path: Path, df: pd.DataFrame, column: str, values: pd.Series,
                lo: int, hi: int) -> None:
    """Raise on the first value outside ``[lo, hi]`` (months 1-12, plausible years)."""
    bad = values.notna() & ((values < lo) | (values > hi))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputFileError(path, f"expected a value in {lo}-{hi}, got {df[column].iloc[i]!r}",
                             line=int(df["line"].iloc[i]), column=column)


def first_duplicate(keys: pd.DataFrame, lines: pd.Series) -> tuple[int, int] | None:
    """Position of the first row whose ``keys`` repeat an earlier row, and that row's line.

    ``None`` when every key is unique. A missing value (an annual row's month) matches
    another missing value.
    """
    dup = keys.duplicated()
    if not dup.any():
        return None
    i = int(np.flatnonzero(dup.to_numpy())[0])
    group = keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
    return i, int(np.asarray(lines)[group == group[i]].min())


def check_unique(path: Path, keys: pd.DataFrame, lines: pd.Series,
                 describe: Callable[[int], str], column: str | None = None) -> None:
    """Raise at the first row listed twice, at its first copy, naming the line of the second.

    ``describe(i)`` words the repeated row at position ``i``; one message form on every path
    (BACI year files name their duplicates the same way: ``listed again on line N``).
    """
    dup = first_duplicate(keys, lines)
    if dup:
        i, first = dup
        raise InputFileError(path, f"{describe(i)}: listed again on line "
                             f"{int(np.asarray(lines)[i])}", line=first, column=column)


def map_countries(path: Path, df: pd.DataFrame, column: str,
                  fallback: str | None = None) -> pd.Series:
    """Map country names or codes to ISO3, once per distinct spelling.

    ``fallback`` names a second column used where ``column`` is blank (Comtrade files give
    both an ISO code and a name). An unmapped spelling raises with its first line.
    """
    text = df[column].str.strip()
    if fallback is not None and fallback in df.columns:
        text = text.where(text != "", df[fallback].str.strip())
    mapping: dict[str, str] = {}
    for name in pd.unique(text):  # distinct spellings only (tens), not rows
        try:
            mapping[name] = resolve_country(name).iso3 if name else ""
        except UnknownCodeError as exc:
            i = int(np.flatnonzero((text == name).to_numpy())[0])
            raise InputFileError(path, f"partner {name!r} maps to no country ({exc})",
                                 line=int(df["line"].iloc[i]), column=column) from None
        if not mapping[name]:
            i = int(np.flatnonzero((text == name).to_numpy())[0])
            raise InputFileError(path, "empty country", line=int(df["line"].iloc[i]),
                                 column=column)
    return text.map(mapping)


def hs_digits(path: Path, df: pd.DataFrame, column: str, level: int,
              aggregates_ok: bool = False) -> pd.Series:
    """Commodity codes as ``level``-digit strings, lost leading zeros restored.

    Exports often drop the leading zero (``10121`` for ``010121``): a code of odd length gets
    it back (HS codes have even lengths). With ``aggregates_ok`` shorter (chapter, heading)
    codes are returned as they are, for the caller to drop; otherwise any code that is not
    ``level`` digits long is an error.
    """
    text = df[column].str.strip()
    text = text.where(text.str.len() % 2 == 0, "0" + text)
    ok = text.str.fullmatch(rf"\d{{{level}}}")
    if aggregates_ok:
        ok |= text.str.fullmatch(rf"\d{{2,{level - 1}}}")
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise InputFileError(path, f"expected a {level}-digit HS code, got "
                             f"{df[column].iloc[i]!r}", line=int(df["line"].iloc[i]),
                             column=column)
    return text


def finish(df: pd.DataFrame) -> pd.DataFrame:
    """Order and type the normalised columns."""
    out = df[NORMALISED].copy()
    out["year"] = out["year"].astype("int32")
    out["month"] = out["month"].astype("Int32")
    out["level"] = out["level"].astype("int32")
    out["value_usd"] = out["value_usd"].astype("float64")
    out["weight_kg"] = out["weight_kg"].astype("float64")
    out["line"] = out["line"].astype("int64")
    return out.reset_index(drop=True)
