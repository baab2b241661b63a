"""Build the default warehouse from the datasets embedded in the package.

The default warehouse is an ordinary DuckDB file, built on first use into the user cache
(``$STRAITS_CACHE``, else ``~/.cache/straits``) under a name that carries a hash of the
embedded files, so a new package version with new data builds a new one.

It is built exactly once however many threads and processes ask for it at the same moment (a
server's first requests): the build runs under the warehouse's write lock
(:mod:`straits.warehouse.write`), and whoever gets the lock after the builder finds the file
there and reads it. The build writes a temporary file with a name unique to its process and
thread and swaps it in, so an interrupted build never leaves a half-built warehouse.

Each embedded dataset (BACI, the reporter series, the ETO chip chain and the WIOD table)
has a loader in ``EMBEDDED_LOADERS``; each receives the writer's read-write connection, the
package data folder and a scratch folder beside the warehouse (removed afterwards).
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
    import duckdb

Loader = Callable[["duckdb.DuckDBPyConnection", Path, Path], None]
"""``loader(con, data_root, scratch)``: store one embedded dataset through ``con``."""

BUILD_WAIT_SECONDS = 600.0
"""How long a first use waits for another process's build of the default (takes seconds)."""


def _load_baci(con: duckdb.DuckDBPyConnection, root: Path, scratch: Path) -> None:
    from straits.sources.baci import open_release
    from straits.warehouse.load import load_release

    release = open_release(root / "baci" / "BACI_HS17_V202601.zip", workdir=scratch)
    try:
        load_release(con, release)
    finally:
        release.close()


def _load_reporter(con: duckdb.DuckDBPyConnection, root: Path, scratch: Path) -> None:
    from straits.warehouse.reporter_load import load_embedded

    load_embedded(con, root / "reporter")


def _load_valuechain(con: duckdb.DuckDBPyConnection, root: Path, scratch: Path) -> None:
    from straits.warehouse.valuechain_load import load_eto, load_wiod

    load_eto(con, root / "eto")
    load_wiod(con, root / "wiod")


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


def build_default(target: Path, *, wait: float = BUILD_WAIT_SECONDS) -> None:
    """Build the default warehouse at ``target`` from the embedded datasets, exactly once.

    Raises
    ------
    WarehouseError
        The cache folder cannot be created or written (set ``STRAITS_CACHE``).
    WarehouseLockedError
        Another build held the lock for more than ``wait`` seconds.
    """
    from straits.errors import WarehouseError
    from straits.warehouse import write

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create the cache folder {target.parent} for the default "
                             f"warehouse ({exc.strerror}); set STRAITS_CACHE to a writable "
                             "folder") from None
    with write.lock(target, wait=wait, command="build the default warehouse") as held:
        if target.exists():  # built by whoever held the lock before us
            return
        with write.scratch_dir(held) as scratch, write.swap(held) as con, \
                warnings.catch_warnings():
            # The embedded files' quirks are known and documented in their SOURCE.md.
            warnings.simplefilter("ignore", DataQualityWarning)
            for loader in EMBEDDED_LOADERS:
                loader(con, data_root(), scratch)
