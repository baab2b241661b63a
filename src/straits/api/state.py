"""The server's one warehouse connection: a cursor per request, swapped when the file is.

A writer (``straits ingest`` in another process) never edits the live warehouse: it writes a
new file beside it and ``os.replace``-s it over the live path (``warehouse/write.py``). The
server keeps one read-only connection open and, at the start of each request, compares the
path's inode and modification time with those of the file it opened. When they differ it
waits for the requests still reading the old file to finish (they keep their snapshot),
closes it, and opens the new one, so a reader sees the old state or the new, never half of
an ingest. While the swap cannot happen (a file mid-replace, a lock held by an older
writer) the request gets :class:`Unavailable`, which the app answers with 503 and
``Retry-After``.

Results are cached per *generation* (one opened file): the data cannot change under a
generation, so a cached table is exactly what the engine would return, and a swap starts an
empty cache.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: How long a request waits for readers of the old file to finish before it gives up (503).
SWAP_WAIT_S = 5.0
#: Results kept per generation (each is one engine answer, at most a few MB).
CACHE_ENTRIES = 256


class Unavailable(Exception):
    """The warehouse cannot be read right now; the client should retry shortly."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _Generation:
    """One opened warehouse file: its backend, identity and result cache."""

    def __init__(self, number: int, path: Path, identity: tuple[int, int, int]) -> None:
        from straits.warehouse.backend import DuckDBBackend

        self.number = number
        self.path = path
        self.identity = identity
        #: names the file that answered (``X-Straits-Warehouse``), so clients and tests can
        #: tell which state a response comes from
        self.tag = f"{number}:{identity[0]}:{identity[1]}"
        self.backend = DuckDBBackend.open(path, must_exist=True)
        self.backend.catalog()  # read the catalog once, before any thread shares the backend
        self.backend.meta()
        self.backend.has_table("flows")  # creates the shared per-name cache
        #: the backend every request of this generation reads: pinned to this file (it never
        #: reconnects, so a request sees one state), and one object, so engines' caches keyed
        #: by the backend (the IO table and its factorisation) serve every request
        self.reader = self.backend.pinned()
        self.cache: OrderedDict[tuple, Any] = OrderedDict()
        self.cache_lock = threading.Lock()
        self.flights: dict[tuple, threading.Lock] = {}

    @contextmanager
    def backend_for_request(self) -> Iterator[Any]:
        """The generation's pinned backend, the same object for every request.

        Its queries each run on their own cursor (``DuckDBBackend.arrow``), so threads read
        at once; engines' caches keyed by the backend (the IO table and its Leontief
        factorisation, ~1.7 s to build) serve every request of the generation.
        """
        yield self.reader

    def close(self) -> None:
        self.backend.close()


def _identity(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class WarehouseState:
    """The warehouse a server reads, reopened when its file is replaced.

    Parameters
    ----------
    path : Path, optional
        Warehouse file; default ``$STRAITS_DB`` or the embedded default (built on first use).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self._path = Path(path) if path is not None else None
        self._gen: _Generation | None = None
        self._readers = 0
        self._cond = threading.Condition()
        self._number = 0
        self.swaps = 0

    @property
    def path(self) -> Path:
        """The warehouse file (resolved on first use)."""
        if self._path is None:
            env = os.environ.get("STRAITS_DB")
            if env:
                self._path = Path(env)
            else:
                from straits.data.default import default_path

                self._path = default_path()
        return self._path

    def _current_identity(self) -> tuple[int, int, int]:
        try:
            return _identity(self.path)
        except FileNotFoundError:
            raise Unavailable(f"No warehouse at {self.path} (it may be being replaced); "
                              "retry shortly or run `straits ingest`.") from None

    @contextmanager
    def reading(self) -> Iterator[_Generation]:
        """Hold the current generation for one request (reopening first if the file changed)."""
        ident = self._current_identity()
        with self._cond:
            if self._gen is None or self._gen.identity != ident:
                self._swap(ident)
            gen = self._gen
            assert gen is not None
            self._readers += 1
        try:
            yield gen
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    def _swap(self, ident: tuple[int, int, int]) -> None:
        """Close the old file once its readers are done and open the new one (lock held).

        Several requests may notice the change at once; each loops until the generation
        matches the file, so only the first one opens it.
        """
        while self._gen is None or self._gen.identity != ident:
            if self._gen is not None:
                if self._readers:
                    if not self._cond.wait(timeout=SWAP_WAIT_S) and self._readers:
                        raise Unavailable("The warehouse is being swapped for a new version; "
                                          "retry shortly.")
                    continue
                self._gen.close()
                self._gen = None
            try:
                self._number += 1
                self._gen = _Generation(self._number, self.path, ident)
                self.swaps += 1
            except Exception as exc:  # a file mid-replace, or held by an older writer
                import duckdb

                if isinstance(exc, duckdb.Error | OSError):
                    raise Unavailable(f"The warehouse cannot be opened right now ({exc}); "
                                      "retry shortly.") from None
                raise

    def cached(self, gen: _Generation, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per generation and key (engine answers are immutable there).

        Single flight: concurrent requests for the same key wait for the first one's answer
        instead of computing it again.
        """
        with gen.cache_lock:
            if key in gen.cache:
                gen.cache.move_to_end(key)
                return gen.cache[key]
            flight = gen.flights.setdefault(key, threading.Lock())
        with flight:
            with gen.cache_lock:
                if key in gen.cache:
                    return gen.cache[key]
            try:
                value = compute()
            except BaseException:
                with gen.cache_lock:
                    gen.flights.pop(key, None)
                raise
            with gen.cache_lock:
                gen.cache[key] = value
                gen.flights.pop(key, None)
                while len(gen.cache) > CACHE_ENTRIES:
                    gen.cache.popitem(last=False)
        return value

    def close(self) -> None:
        """Close the open file (server shutdown)."""
        with self._cond:
            if self._gen is not None:
                self._gen.close()
                self._gen = None
