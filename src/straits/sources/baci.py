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
import shutil
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


EXTRACT_LIMIT_BYTES = 50 * 2**30
"""Most bytes a release zip may unpack to. The largest CEPII release (HS92, 1995 onwards:
about 30 years of 10-11M flows, ~400 MB of CSV a year) unpacks to about 12 GB; 50 GB leaves
room for four times that and stops a zip bomb long before it fills a disk."""

DISK_MARGIN_BYTES = 2**30
"""Free space an extraction must leave on the disk (for the warehouse copy and DuckDB)."""


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
    """A temporary folder this object owns and :meth:`close` removes (None when the caller
    gave the folder to extract into: the caller removes it)."""

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


def open_release(path: str | Path, *, workdir: str | Path | None = None,
                 limit_bytes: int | None = None) -> BaciRelease:
    """Find a BACI release in a zip or a directory and check its file names agree.

    Parameters
    ----------
    path : str or Path
        The release: a CEPII zip or the folder it unpacks to.
    workdir : str or Path, optional
        Empty folder to extract a zip into (the caller removes it; Straits' ingest passes a
        folder beside the warehouse, which the next writer removes after a crash). Default:
        a temporary folder removed by :meth:`BaciRelease.close`.
    limit_bytes : int, optional
        Most bytes the zip's CSV members may unpack to (default :data:`EXTRACT_LIMIT_BYTES`).

    Raises
    ------
    InputFileError
        Missing country/product table, no year file, a corrupt or truncated zip, two members
        with one file name, a zip that unpacks past ``limit_bytes`` or the free disk, or file
        names that disagree on HS revision or release.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file or directory")
    owned = None
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise InputFileError(path, "not a zip archive (truncated or corrupt download?)")
        if workdir is None:
            owned = tempfile.TemporaryDirectory(prefix="straits-baci-")
            workdir = owned.name
        root = Path(workdir)
        files = _extract(path, root, EXTRACT_LIMIT_BYTES if limit_bytes is None else limit_bytes)
    else:
        files = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv"]
    try:
        return _assemble(path, files, owned)
    except Exception:
        if owned is not None:
            owned.cleanup()
        raise


def _extract(path: Path, root: Path, limit_bytes: int) -> list[Path]:
    """Unpack the zip's CSV members into ``root`` (flat); a CRC error surfaces as it reads."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist()
                       if not i.is_dir() and i.filename.lower().endswith(".csv")]
            _check_members(path, members, root, limit_bytes)
            files, written = [], 0
            for info in members:
                target = root / Path(info.filename).name
                with zf.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > limit_bytes:  # sizes in the zip's directory can lie
                            raise InputFileError(path, f"unpacks to more than {_gb(limit_bytes)}"
                                                 " (a zip bomb?); unpack it yourself and "
                                                 "ingest the folder")
                        dst.write(chunk)
                files.append(target)
            return files
    except InputFileError:
        raise
    except zipfile.BadZipFile as exc:
        raise InputFileError(path, f"corrupt zip: {exc}") from None
    except (EOFError, zlib.error) as exc:
        raise InputFileError(path, f"corrupt or truncated zip ({exc})") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot unpack into {root}: {exc.strerror or exc}") from None


def _check_members(path: Path, members: list[zipfile.ZipInfo], root: Path,
                   limit_bytes: int) -> None:
    """Refuse a zip before writing a byte: two members with one name, or too big.

    Members are flattened into one folder, so two with one file name would let the last win
    silently; the size is checked against the limit and against the free disk.
    """
    seen: dict[str, str] = {}
    for info in members:
        name = Path(info.filename).name
        key = name.lower()
        if key in seen:
            raise InputFileError(path, f"members {seen[key]!r} and {info.filename!r} have the "
                                 f"same file name {name!r}; a release holds each file once")
        seen[key] = info.filename
    total = sum(i.file_size for i in members)
    if total > limit_bytes:
        raise InputFileError(path, f"unpacks to {_gb(total)}, more than the limit of "
                             f"{_gb(limit_bytes)} (a zip bomb?); unpack it yourself and ingest "
                             "the folder")
    free = shutil.disk_usage(root).free
    if total > free - DISK_MARGIN_BYTES:
        raise InputFileError(path, f"unpacks to {_gb(total)} but {root} has {_gb(free)} free "
                             "(1 GB must stay free); make room or unpack it elsewhere")


def _gb(n: int) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e9 else f"{n / 1e6:,.1f} MB"


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
