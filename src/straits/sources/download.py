"""Resumable downloads of published releases (BACI zips), standard library only.

A download goes to ``NAME.part`` and is renamed only when complete and checked (size from
the server, SHA-256 when known), so an interrupted transfer never looks like a release; the
next call resumes it with an HTTP ``Range`` request.
"""

from __future__ import annotations

import hashlib
import http.client
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from straits.errors import DownloadError

BACI_BASE_URL = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data"
CHUNK = 1 << 20

Progress = Callable[[int, int | None], None]
"""Callback ``(bytes_so_far, total_bytes_or_None)``."""


def baci_filename(release: str, hs: str) -> str:
    """CEPII's file name for a release: ``BACI_HS17_V202601.zip``."""
    return f"BACI_{hs.upper()}_{release.upper()}.zip"


def download(
    url: str,
    dest: Path,
    *,
    sha256: str | None = None,
    progress: Progress | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` to ``dest``, resuming a previous partial download.

    Raises
    ------
    DownloadError
        HTTP or network failure, a transfer that ends short of the announced size, or a
        checksum mismatch. The partial file is kept for the next attempt (except on a
        checksum mismatch, where it is removed).
    """
    dest = Path(dest)
    if dest.exists() and (sha256 is None or _sha256(dest) == sha256.lower()):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # already complete
            return _finish(part, dest, have, sha256)
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadError(f"{url}: {exc}") from exc
    with response:
        if have and response.status != 206:  # server ignored Range: start again
            have = 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        mode = "ab" if have else "wb"
        done = have
        try:
            with open(part, mode) as fh:
                while chunk := response.read(CHUNK):
                    fh.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
        except (OSError, urllib.error.URLError, http.client.HTTPException) as exc:
            raise DownloadError(
                f"{url}: transfer interrupted after {done:,} bytes ({exc}); run again to resume"
            ) from exc
    if total is not None and done != total:
        raise DownloadError(
            f"{url}: got {done:,} of {total:,} bytes; run again to resume"
        )
    return _finish(part, dest, done, sha256)


def _finish(part: Path, dest: Path, size: int, sha256: str | None) -> Path:
    if sha256 is not None and _sha256(part) != sha256.lower():
        part.unlink(missing_ok=True)
        raise DownloadError(f"{dest.name}: SHA-256 does not match the expected {sha256}")
    part.replace(dest)
    return dest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()
