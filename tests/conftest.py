"""Shared fixtures: the embedded default warehouse (built once) and the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# Invariants, not timings: a shared 2-core machine makes per-example deadlines flaky.
settings.register_profile("straits", deadline=None, print_blob=True)
settings.load_profile("straits")


def _find_shared() -> Path:
    """``$STRAITS_SHARED_DATA``, else ``shared/data`` beside the clone (or beside its folder,
    for a worktree such as /work/wt/NAME next to /work/shared)."""
    if os.environ.get("STRAITS_SHARED_DATA"):
        return Path(os.environ["STRAITS_SHARED_DATA"])
    for base in (REPO.parent, REPO.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return REPO.parent / "shared" / "data"


SHARED = _find_shared()


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory):
    """Build the default warehouse in a temporary cache, never in the user's."""
    cache = tmp_path_factory.mktemp("straits-cache")
    old = {k: os.environ.get(k) for k in ("STRAITS_CACHE", "STRAITS_DB")}
    os.environ["STRAITS_CACHE"] = str(cache)
    os.environ.pop("STRAITS_DB", None)
    yield cache
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def session(_isolated_cache):
    """Read-only session on the embedded default warehouse."""
    import straits
    from straits.data.default import default_path

    path = default_path()
    s = straits.open(path, read_only=True)
    yield s
    s.close()


@pytest.fixture(scope="session")
def wh(session):
    """The default warehouse as an engine sees it: a Warehouse backend (DuckDB here; the
    Spark parity suite parametrises engine tests over backends)."""
    return session.backend


@pytest.fixture(scope="session")
def shared() -> Path:
    """The real published data beside the repository (../shared/data)."""
    if not SHARED.exists():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def baci_dir(shared: Path) -> Path:
    return shared / "baci-critical-minerals"
