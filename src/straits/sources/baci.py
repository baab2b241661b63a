"""CEPII BACI releases: find the files of a release and check their layout.

A BACI release comes as one zip (``BACI_HS17_V202601.zip``) holding one CSV per year
(``BACI_HS17_Y2024_V202601.csv``: columns ``t,i,j,k,v,q``), the country table
(``country_codes_V202601.csv``) and the product table (``product_codes_HS17_V202601.csv``).
This module only reads names and headers; streaming the rows into the warehouse is the
warehouse's job (:mod:`straits.warehouse.load`).

References
----------
Gaulier, G. and Zignago, S. (2010). BACI: International Trade Database at the Product-Level.
The 1994-2007 Version. CEPII Working Paper 2010-23.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from straits.errors import InputFileError, ParameterError

HS_REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")
CITATION = "CEPII BACI {hs} {release} (Gaulier & Zignago 2010, CEPII WP 2010-23)"

_YEAR_FILE = re.compile(r"^BACI_(HS\d\d)_Y(\d{4})_(V\d{6}[a-z]?)\.csv$", re.I)
_COUNTRY_FILE = re.compile(r"^country_codes_(V\d{6}[a-z]?)\.csv$", re.I)
_PRODUCT_FILE = re.compile(r"^product_codes_(HS\d\d)_(V\d{6}[a-z]?)\.csv$", re.I)
_ZIP_FILE = re.compile(r"^BACI_(HS\d\d)_(V\d{6}[a-z]?)\.zip$", re.I)


@dataclass
class BaciRelease:
    """The files of one BACI release, on disk (a zip is extracted to ``workdir``)."""

    hs: str
    release: str
    year_files: dict[int, Path]
    country_file: Path
    product_file: Path
    origin: Path
    workdir: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def citation(self) -> str:
        """Citation string for outputs built from this release."""
        return CITATION.format(hs=self.hs, release=self.release)

    def select_years(self, years: tuple[int, int] | None) -> dict[int, Path]:
        """Year files within an inclusive ``(first, last)`` range, or all of them."""
        if years is None:
            return dict(sorted(self.year_files.items()))
        lo, hi = years
        chosen = {y: p for y, p in sorted(self.year_files.items()) if lo <= y <= hi}
        if not chosen:
            have = f"{min(self.year_files)}-{max(self.year_files)}"
            raise ParameterError(
                f"The 'years' parameter of ingest must overlap the release's years ({have}). "
                f"Got {lo}-{hi} instead."
            )
        return chosen

    def close(self) -> None:
        """Remove extracted files, if any."""
        if self.workdir is not None:
            self.workdir.cleanup()
            self.workdir = None


def parse_years(text: str | None) -> tuple[int, int] | None:
    """Parse ``"2019-2023"`` or ``"2021"`` into an inclusive year range."""
    if text is None or str(text).strip() == "":
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-:]\s*(\d{4}))?\s*", str(text))
    if not m:
        raise ParameterError(
            f"The 'years' parameter must look like 2019-2023 or 2021. Got {text!r} instead."
        )
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    if hi < lo:
        raise ParameterError(f"The 'years' parameter must run forward. Got {text!r} instead.")
    return lo, hi


def open_release(path: str | Path) -> BaciRelease:
    """Find a BACI release in a zip or a directory and check its file names agree.

    Raises
    ------
    InputFileError
        Missing country/product table, no year file, a corrupt or truncated zip, or file
        names that disagree on HS revision or release.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file or directory")
    workdir = None
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise InputFileError(path, "not a zip archive (truncated or corrupt download?)")
        workdir = tempfile.TemporaryDirectory(prefix="straits-baci-")
        root = Path(workdir.name)
        _extract(path, root)
        files = [p for p in root.rglob("*.csv") if p.is_file()]
    else:
        files = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv"]
    try:
        return _assemble(path, files, workdir)
    except Exception:
        if workdir is not None:
            workdir.cleanup()
        raise


def _extract(path: Path, root: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise InputFileError(path, f"corrupt zip: member {bad} fails its CRC check")
            for info in zf.infolist():
                name = Path(info.filename).name
                if info.is_dir() or not name.lower().endswith(".csv"):
                    continue
                with zf.open(info) as src, open(root / name, "wb") as dst:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        if isinstance(exc, InputFileError):
            raise
        raise InputFileError(path, f"corrupt or truncated zip ({exc})") from exc


def _assemble(origin: Path, files: list[Path], workdir) -> BaciRelease:
    year_files: dict[int, Path] = {}
    revisions: dict[str, list[str]] = {}
    releases: dict[str, list[str]] = {}
    country_file = product_file = None
    for f in files:
        if m := _YEAR_FILE.match(f.name):
            hs, year, rel = m.group(1).upper(), int(m.group(2)), m.group(3)
            year_files[year] = f
            revisions.setdefault(hs, []).append(f.name)
            releases.setdefault(rel, []).append(f.name)
        elif m := _COUNTRY_FILE.match(f.name):
            country_file = f
            releases.setdefault(m.group(1), []).append(f.name)
        elif m := _PRODUCT_FILE.match(f.name):
            product_file = f
            revisions.setdefault(m.group(1).upper(), []).append(f.name)
            releases.setdefault(m.group(2), []).append(f.name)
    if m := _ZIP_FILE.match(origin.name):
        revisions.setdefault(m.group(1).upper(), []).append(origin.name)
        releases.setdefault(m.group(2), []).append(origin.name)
    if not year_files:
        raise InputFileError(origin, "no BACI year file (BACI_HS??_Y????_V??????.csv) found")
    if country_file is None:
        raise InputFileError(origin, "no country table (country_codes_V??????.csv) found")
    if product_file is None:
        raise InputFileError(origin, "no product table (product_codes_HS??_V??????.csv) found")
    if len(revisions) > 1:
        detail = "; ".join(f"{hs}: {', '.join(sorted(n))}" for hs, n in sorted(revisions.items()))
        raise InputFileError(origin, f"file names disagree on the HS revision ({detail})")
    if len(releases) > 1:
        detail = "; ".join(f"{r}: {', '.join(sorted(n))}" for r, n in sorted(releases.items()))
        raise InputFileError(origin, f"file names disagree on the release ({detail})")
    hs = next(iter(revisions))
    if hs not in HS_REVISIONS:
        raise InputFileError(origin, f"unknown HS revision {hs}; expected one of {HS_REVISIONS}")
    for f in year_files.values():
        check_header(f, BACI_COLUMNS)
    return BaciRelease(
        hs=hs,
        release=next(iter(releases)),
        year_files=year_files,
        country_file=country_file,
        product_file=product_file,
        origin=origin,
        workdir=workdir,
    )


def check_header(path: Path, expected: tuple[str, ...]) -> None:
    """Fail with the file's name unless its header is exactly ``expected``."""
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        first = fh.readline()
    got = [c.strip().strip('"') for c in first.rstrip("\r\n").split(",")]
    if tuple(got) != expected:
        missing = [c for c in expected if c not in got]
        extra = [c for c in got if c not in expected]
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected {', '.join(extra)}")
        why = "; ".join(parts) or "columns out of order"
        raise InputFileError(
            path,
            f"expected header {','.join(expected)}, got {','.join(got)} ({why})",
            line=1,
        )
