"""Shared fixtures: the embedded default warehouse (built once) and the real data; CI rules.

Real data. ``shared`` is a folder laid out like ``../shared/data`` made of the package's
embedded copies (byte-identical to the shared files: ``test_embedded_copies_are_the_shared_
files`` checks it wherever the shared folder is there) plus links to the shared files the
package does not embed. So a fresh clone runs every test that the embedded data can feed; a
test that needs a file only ``../shared/data`` has is skipped there, naming the file.

Under ``CI=true`` nothing may be skipped: a missing shared-data folder, browser or extra
fails the run (:func:`pytest_runtest_makereport`, :func:`pytest_make_collect_report`).
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import settings

pytest_plugins = ["tests._spark"]  # spark, spark_wh, default_parquet fixtures

REPO = Path(__file__).resolve().parents[1]
#: engines the ``wh`` fixture runs engine tests on (STRAITS_TEST_ENGINES=duckdb to skip Spark)
ENGINES = os.environ.get("STRAITS_TEST_ENGINES", "duckdb,spark").split(",")

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


@pytest.fixture(scope="session", params=ENGINES)
def wh(request, session):
    """The default warehouse as an engine sees it: a Warehouse backend, once per engine
    (DuckDB on the warehouse file; Spark on its Parquet export, see tests/_spark.py)."""
    if request.param == "spark":
        return request.getfixturevalue("spark_wh")
    return session.backend


CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
EMBEDDED = REPO / "src" / "straits" / "data"
EMBEDDED_COPIES = {
    "atlas-complexity/atlas_eci_hs92_1995_2023.csv": "atlas/atlas_eci_hs92_1995_2023.csv",
    "baci-critical-minerals/materials.csv": "baci/materials.csv",
    **{f"eto-semiconductor-supply-chain/{n}.csv": f"eto/{n}.csv"
       for n in ("inputs", "providers", "provision", "sequence", "stages")},
    "korea-customs-monthly/kcs_hs10_by_country_monthly_2000_2021.csv":
        "reporter/kcs_hs10_by_country_monthly_2000_2021.csv",
    "wiod-2013/sectors.csv": "wiod/sectors.csv",
    "wiod-2013/wiot_2011.parquet": "wiod/wiot_2011.parquet",
}
"""Shared files the package embeds byte for byte (shared path -> path under data/); the
BACI year files and tables come from the embedded release zip."""
_REAL: list[Path] = []


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real data laid out like ../shared/data: embedded copies first, shared files linked."""
    root = tmp_path_factory.mktemp("real-data")
    with zipfile.ZipFile(EMBEDDED / "baci" / "BACI_HS17_V202601.zip") as zf:
        zf.extractall(root / "baci-critical-minerals")
    for rel, src in EMBEDDED_COPIES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EMBEDDED / src, root / rel)
    if SHARED.is_dir():
        for f in SHARED.rglob("*"):
            target = root / f.relative_to(SHARED)
            if f.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(f)
    _REAL.append(root)
    return root


@pytest.fixture(scope="session")
def shared_root() -> Path:
    """The shared folder itself, for tests that compare the embedded copies with it."""
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared data folder (not found at {SHARED})")
    return SHARED


@pytest.fixture(scope="session")
def baci_dir(shared: Path) -> Path:
    """The BACI extract (year files, country and product tables) from the embedded zip."""
    return shared / "baci-critical-minerals"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skip is a failure; off CI a test that needs a shared-only file skips."""
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed and not SHARED.is_dir() and not CI and _REAL \
            and call.excinfo is not None and call.excinfo.errisinstance(FileNotFoundError):
        missing = str(getattr(call.excinfo.value, "filename", "") or "")
        if missing.startswith(str(_REAL[0])):
            rel = Path(missing).relative_to(_REAL[0])
            rep.outcome, rep.longrepr = "skipped", (str(item.path), item.location[1] or 0,
                                                    f"Skipped: needs ../shared/data/{rel}")
    if CI and rep.skipped and not hasattr(rep, "wasxfail"):
        rep.outcome = "failed"
        rep.longrepr = (f"skipped under CI=true ({_reason(rep)}): CI must have the shared "
                        "data, the browser and every extra")


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """Under CI a module skipped at collection (importorskip of an extra) fails the run."""
    outcome = yield
    report = outcome.get_result()
    if CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = (f"module skipped under CI=true ({_reason(report)}): install the "
                           "test extra and the browser (.ci/setup-browser)")


def _reason(rep) -> str:
    longrepr = rep.longrepr
    return longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
