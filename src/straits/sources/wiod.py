"""World Input-Output Database (2013 release) tables as :class:`MRIOTable`.

Every multi-regional input-output source (WIOD here; OECD ICIO or EXIOBASE later) is one
module that reads its files into the same small container, which the warehouse stores in its
``io_*`` tables (:mod:`straits.warehouse.valuechain_load`), so the value-chain engine never
sees a source's file layout. The 2011 table is embedded in the default warehouse; other years
are ingested from ``wiot_{year}.parquet`` files in the same layout (``straits ingest``).

References
----------
Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. (2015), "An
Illustrated User Guide to the World Input-Output Database: the Case of Global Automotive
Production", Review of International Economics 23(3), 575-605.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from straits.errors import InputFileError

WIOD_YEARS = range(1995, 2012)
WIOD_RELEASE = "WIOD 2013"
WIOD_CITATION = (
    "World Input-Output Database, 2013 release (Timmer, Dietzenbacher, Los, Stehrer and "
    "de Vries 2015, Review of International Economics 23(3), 575-605)"
)
WIOD_UNIT = "million current USD"
_FILE = re.compile(r"wiot_(\d{4})\.parquet$")
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


def wiod_files(path: str | Path) -> dict[int, Path]:
    """WIOD tables at ``path`` by year: one ``wiot_{year}.parquet`` file, or a folder of them.

    Returns an empty dict when ``path`` holds none (so ingest can try other layouts).
    """
    p = Path(path)
    files = sorted(p.glob("wiot_*.parquet")) if p.is_dir() else [p]
    return {int(m.group(1)): f for f in files if (m := _FILE.search(f.name))}


def read_sectors(folder: Path) -> dict[str, str]:
    """Industry code -> name from ``sectors.csv`` beside the tables.

    Raises
    ------
    InputFileError
        No ``sectors.csv`` in the folder, or not the ``code,name`` layout.
    """
    file = folder / "sectors.csv"
    if not file.exists():
        raise InputFileError(file, "file not found: a WIOD table needs the sectors.csv "
                             "(code,name) of its release beside it")
    df = pd.read_csv(file, dtype=str)
    if list(df.columns[:2]) != ["code", "name"]:
        raise InputFileError(file, f"expected columns code,name; got {list(df.columns)}", line=1)
    return dict(zip(df["code"], df["name"], strict=True))


def read_wiod(file: str | Path, year: int) -> MRIOTable:
    """Read and check one WIOD world input-output table (``wiot_{year}.parquet``).

    Parameters
    ----------
    file : str or Path
        The parquet file; ``sectors.csv`` must sit beside it.
    year : int
        1995-2011.

    Returns
    -------
    MRIOTable
        Million current USD.

    Raises
    ------
    InputFileError
        Year outside the release, not the WIOD layout, a non-numeric, missing or negative
        value (the first offending row and column named).
    """
    file = Path(file)
    if int(year) not in WIOD_YEARS:
        raise InputFileError(file, f"the WIOD 2013 release covers 1995-2011, not {year}")
    try:
        df = pd.read_parquet(file)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a bad file
        raise InputFileError(file, f"not a readable Parquet file ({exc})") from None
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
    try:
        values = df.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise InputFileError(file, "expected numbers in every column") from None
    bad = ~np.isfinite(values) | (values < 0) & (np.arange(values.shape[1]) < n)[None, :]
    bad[:, -1] |= values[:, -1] < 0
    if bad.any():
        i, j = (int(v[0]) for v in np.nonzero(bad))
        raise InputFileError(file, f"row {labels[i]}: expected a finite value >= 0, got "
                             f"{values[i, j]!r}", column=cols[j])
    Z, Y, x = values[:, :n], values[:, n:-1], values[:, -1]
    countries, industries = zip(*(r.split(".", 1) for r in labels), strict=True)
    return MRIOTable(
        Z=Z, Y=Y, x=x, countries=tuple(countries), industries=tuple(industries),
        industry_names=read_sectors(file.parent), fd_labels=tuple(cols[n:-1]),
        unit=WIOD_UNIT, source=WIOD_CITATION, year=int(year), meta={"file": str(file)},
    )
