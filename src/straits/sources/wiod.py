"""World Input-Output Database (2013 release) tables as :class:`MRIOTable`.

Every multi-regional input-output source (WIOD here; OECD ICIO or EXIOBASE later) is one
module with a loader returning the same small container, so the value-chain engine never
sees a source's file layout. The 2011 table is embedded (``straits/data/wiod``); other years
load from a folder holding ``wiot_{year}.parquet`` files in the same layout.

References
----------
Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. (2015), "An
Illustrated User Guide to the World Input-Output Database: the Case of Global Automotive
Production", Review of International Economics 23(3), 575-605.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from straits.errors import DataNotLoadedError, InputFileError

WIOD_YEARS = range(1995, 2012)
WIOD_EMBEDDED_YEAR = 2011
WIOD_CITATION = (
    "WIOD 2013 release (Timmer et al. 2015, Review of International Economics 23(3)), "
    "world input-output table {year}, million current USD"
)
FD_CATEGORIES = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")


@dataclass(frozen=True, eq=False)
class MRIOTable:
    """A multi-regional input-output table in one unit.

    Attributes
    ----------
    Z : ndarray (n, n)
        Intermediate flows, supplying country-industry rows by using country-industry columns.
    Y : ndarray (n, m)
        Final demand columns (``fd_labels``).
    x : ndarray (n,)
        Gross output as published.
    countries, industries : tuple of str
        Region and industry code of each of the n rows (``"KOR"``, ``"c14"``).
    industry_names : dict
        Industry code -> name.
    fd_labels : tuple of str
        Label of each final-demand column (``"KOR.CONS_h"``).
    unit, source : str
        Unit of every value and the citation.
    year : int
    """

    Z: np.ndarray
    Y: np.ndarray
    x: np.ndarray
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    industry_names: dict[str, str]
    fd_labels: tuple[str, ...]
    unit: str
    source: str
    year: int
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def v(self) -> np.ndarray:
        """Value added (incl. taxes less subsidies, international transport): x − ιᵀZ."""
        return self.x - self.Z.sum(axis=0)

    @property
    def regions(self) -> tuple[str, ...]:
        """Distinct region codes in table order."""
        return tuple(dict.fromkeys(self.countries))

    @property
    def sectors(self) -> tuple[str, ...]:
        """Distinct industry codes in table order."""
        return tuple(dict.fromkeys(self.industries))

    def labels(self) -> pd.DataFrame:
        """One row per country-industry: ``country, industry, industry_name``."""
        return pd.DataFrame({
            "country": self.countries,
            "industry": self.industries,
            "industry_name": [self.industry_names.get(i, i) for i in self.industries],
        })


def embedded_dir() -> Path:
    """Folder of the embedded WIOD files."""
    return Path(str(resources.files("straits.data").joinpath("wiod")))


def default_dir() -> Path | None:
    """User folder of WIOD files from ``$STRAITS_WIOD_DIR``, if set."""
    env = os.environ.get("STRAITS_WIOD_DIR")
    return Path(env) if env else None


@lru_cache(maxsize=4)
def read_sectors(path: Path | None = None) -> dict[str, str]:
    """Industry code -> name from ``sectors.csv`` (the embedded one by default)."""
    file = path if path is not None and path.exists() else embedded_dir() / "sectors.csv"
    df = pd.read_csv(file, dtype=str)
    if list(df.columns[:2]) != ["code", "name"]:
        raise InputFileError(file, f"expected columns code,name; got {list(df.columns)}", line=1)
    return dict(zip(df["code"], df["name"], strict=True))


def wiod_file(year: int, path: str | Path | None = None) -> Path:
    """The parquet file of ``year``: from ``path`` (or $STRAITS_WIOD_DIR), else embedded."""
    if int(year) not in WIOD_YEARS:
        raise DataNotLoadedError(
            f"WIOD 2013 release covers 1995-2011; year {year} does not exist in it."
        )
    folder = Path(path) if path is not None else default_dir()
    if folder is not None:
        file = folder / f"wiot_{int(year)}.parquet" if folder.is_dir() else folder
        if not file.exists():
            raise DataNotLoadedError(f"No WIOD table for {year}: {file} does not exist.")
        return file
    if int(year) != WIOD_EMBEDDED_YEAR:
        raise DataNotLoadedError(
            f"WIOD {year} is not embedded (only {WIOD_EMBEDDED_YEAR} is); pass a folder holding "
            f"wiot_{year}.parquet (path=... in Python, --wiod-dir or $STRAITS_WIOD_DIR on the CLI)."
        )
    return embedded_dir() / f"wiot_{WIOD_EMBEDDED_YEAR}.parquet"


@lru_cache(maxsize=4)
def _load(file: Path, year: int) -> MRIOTable:
    df = pd.read_parquet(file)
    if "row" in df.columns:
        df = df.set_index("row")
    cols = [str(c) for c in df.columns]
    if not cols or cols[-1] != "output":
        raise InputFileError(file, "expected the last column to be 'output' (WIOD layout)")
    labels = [str(r) for r in df.index]
    n = len(labels)
    if cols[:n] != labels:
        raise InputFileError(
            file, "expected the first columns to repeat the row labels (square Z block)"
        )
    if any("." not in r for r in labels):
        raise InputFileError(file, "expected row labels 'COUNTRY.industry', e.g. 'KOR.c14'")
    values = df.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise InputFileError(file, "non-numeric or missing values in the table")
    Z, Y, x = values[:, :n], values[:, n:-1], values[:, -1]
    if (Z < 0).any() or (x < 0).any():
        raise InputFileError(file, "negative intermediate flows or output")
    countries, industries = zip(*(r.split(".", 1) for r in labels), strict=True)
    folder = file.parent
    return MRIOTable(
        Z=Z, Y=Y, x=x, countries=tuple(countries), industries=tuple(industries),
        industry_names=read_sectors(folder / "sectors.csv"), fd_labels=tuple(cols[n:-1]),
        unit="million USD (current prices)", source=WIOD_CITATION.format(year=year), year=year,
        meta={"file": str(file)},
    )


def load_wiod(year: int = WIOD_EMBEDDED_YEAR, path: str | Path | None = None) -> MRIOTable:
    """Load one WIOD world input-output table.

    Parameters
    ----------
    year : int
        1995-2011; only 2011 is embedded.
    path : str or Path, optional
        Folder holding ``wiot_{year}.parquet`` (and optionally ``sectors.csv``), or the file
        itself. Default: ``$STRAITS_WIOD_DIR`` if set, else the embedded 2011 table.

    Returns
    -------
    MRIOTable
        Million current USD; cached per file.

    Examples
    --------
    >>> t = load_wiod(2011)
    >>> t.Z.shape
    (1435, 1435)
    """
    file = wiod_file(year, path).resolve()
    return _load(file, int(year))
