"""Build the default warehouse from the datasets embedded in the package.

The default warehouse is an ordinary DuckDB file, built on first use into the user cache
(``$STRAITS_CACHE``, else ``~/.cache/straits``) under a name that carries a hash of the
embedded files, so a new package version with new data builds a new one. The build writes a
temporary file and renames it, so an interrupted build never leaves a half-built warehouse.

Each embedded dataset (BACI, the reporter series, the ETO chip chain and the WIOD table)
has a loader in ``EMBEDDED_LOADERS``; each receives an open session and the package data
folder.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from straits.errors import DataQualityWarning

if TYPE_CHECKING:
    from straits.session import Session

Loader = Callable[["Session", Path], None]


def _load_baci(session: Session, root: Path) -> None:
    session.ingest(root / "baci" / "BACI_HS17_V202601.zip")


def _load_reporter(session: Session, root: Path) -> None:
    from straits.warehouse.reporter_load import load_embedded

    load_embedded(session.con, root / "reporter")


def _load_valuechain(session: Session, root: Path) -> None:
    from straits.warehouse.valuechain_load import load_eto, load_wiod

    load_eto(session.con, root / "eto")
    load_wiod(session.con, root / "wiod")


EMBEDDED_LOADERS: list[Loader] = [_load_baci, _load_reporter, _load_valuechain]


def data_root() -> Path:
    """Folder of the embedded datasets inside the installed package."""
    return Path(str(resources.files("straits.data")))


def cache_dir() -> Path:
    """Where the default warehouse lives (``$STRAITS_CACHE`` or ``~/.cache/straits``)."""
    env = os.environ.get("STRAITS_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base if env else base / "straits"


def _embedded_files() -> list[tuple[str, Path]]:
    """(name, path) of every embedded file and of the schema, in a fixed order."""
    root = data_root()
    files = [(str(p.relative_to(root)), p) for p in sorted(root.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    wh = Path(str(resources.files("straits.warehouse")))
    return files + [(f"warehouse/{p.name}", p) for p in sorted(wh.glob("*.sql"))]


def _content_hash(files: list[tuple[str, Path]]) -> str:
    from straits import __version__

    h = hashlib.sha256(__version__.encode())
    root_files = [f for f in files if not f[0].startswith("warehouse/")]
    for name, path in root_files:
        h.update(name.encode())
        h.update(path.read_bytes())
    for _, path in files[len(root_files):]:
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Hash of every embedded file and of the schema: names the default warehouse.

    Hashing the ~15 MB of embedded files takes tens of milliseconds, too much for every
    command, so the hash is kept in ``fingerprints.json`` in the cache folder under a key
    made of the package version and each file's name, size and modification time. A changed,
    added or removed file changes the key and the contents are hashed again; the warehouse
    name itself always comes from the contents.
    """
    import json

    from straits import __version__

    files = _embedded_files()
    key = hashlib.sha256(__version__.encode())
    for name, path in files:
        st = path.stat()
        key.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    stamp = key.hexdigest()
    store = cache_dir() / "fingerprints.json"
    try:
        known = json.loads(store.read_text(encoding="utf-8"))
        if isinstance(known, dict) and isinstance(known.get(stamp), str):
            return known[stamp]
    except (OSError, ValueError):
        known = {}
    value = _content_hash(files)
    try:  # best effort: a read-only cache only costs the hash next time
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp = store.with_name(f".{store.name}.{os.getpid()}.tmp")
        entries = dict(list({**known, stamp: value}.items())[-8:])
        tmp.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(tmp, store)
    except OSError:
        pass
    return value


def default_path() -> Path:
    """Path of the default warehouse, building it first if it does not exist yet."""
    target = cache_dir() / f"default-{fingerprint()}.duckdb"
    if not target.exists():
        build_default(target)
    return target


def build_default(target: Path) -> None:
    """Build the default warehouse at ``target`` from the embedded datasets, atomically."""
    from straits.session import Session

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with Session(tmp) as session, warnings.catch_warnings():
            # The embedded files' quirks are known and documented in their SOURCE.md.
            warnings.simplefilter("ignore", DataQualityWarning)
            for loader in EMBEDDED_LOADERS:
                loader(session, data_root())
            session.con.execute("CHECKPOINT")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
