"""First use under concurrency: the default warehouse is built exactly once (issue 12 §6).

On 0.1, eight concurrent first requests all failed and kept failing: every thread used one
temporary name per process, and DuckDB's instance cache kept the unlinked file alive.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import straits
from straits.data import default
from tests._fingerprint import fingerprint

REPO = Path(__file__).resolve().parents[1]

FIRST_USE = """
import os, straits
s = straits.open()
n = s.flows(year=2023, exporter="CHN", importer="KOR", product="811292").shape[0]
print(os.stat(s.path).st_ino, n, flush=True)
"""


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("STRAITS_CACHE", str(cache))
    return cache


def test_threads_build_once_and_all_read(fresh_cache, monkeypatch, session):
    builds = []
    loaders = list(default.EMBEDDED_LOADERS)

    def counting(con, root, scratch):
        builds.append(threading.get_ident())
        loaders[0](con, root, scratch)

    monkeypatch.setattr(default, "EMBEDDED_LOADERS", [counting, *loaders[1:]])
    results, errors = [], []
    barrier = threading.Barrier(8)

    def first_request():
        try:
            barrier.wait()
            with straits.open() as s:
                results.append((fingerprint(s), os.stat(s.path).st_ino))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert errors == [] and len(results) == 8
    assert len(builds) == 1
    assert {r[1] for r in results} == {os.stat(default.default_path()).st_ino}
    want = fingerprint(session)  # the same data as the fixture's build (load times differ)
    for fp, _ in results:
        assert fp["years"] == want["years"]
        assert {t: fp["tables"][t] for t in ("countries", "products", "meta", "reporter_flows")} \
            == {t: want["tables"][t] for t in ("countries", "products", "meta", "reporter_flows")}
    names = sorted(p.name for p in fresh_cache.iterdir())
    assert names == [default.default_path().name, default.default_path().name + ".lock"]


def test_processes_build_once_and_all_read(fresh_cache):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", FIRST_USE], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [o[1][-2000:] for o in outs]
    inodes = {o[0].split()[0] for o in outs}
    target = next(fresh_cache.glob("default-*.duckdb"))
    assert inodes == {str(os.stat(target).st_ino)}  # nobody rebuilt it under another
    assert {o[0].split()[1] for o in outs} == {"1"}
    assert not [p for p in fresh_cache.iterdir() if p.name.startswith(".")]


def test_unwritable_cache_is_a_clear_error(tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv("STRAITS_CACHE", str(blocked / "cache"))
    with pytest.raises(straits.StraitsError, match="set STRAITS_CACHE"):
        straits.open()
