"""#12 §5: an ingest in another process completes while the server answers steady traffic.

A real uvicorn server on 127.0.0.1 reads a copy of the default warehouse; six client threads
send a mix of API and page requests while ``straits ingest`` re-loads two years of the
embedded BACI release in a subprocess. Bounded: the clients stop 1.5 s after the ingest ends
or after 120 s. Required: the ingest exits 0; every response is a 200 or a 503 with
``Retry-After``, never a 500; and no response mixes states. Each JSON answer names the file
that served it (``X-Straits-Warehouse``); all answers from one file agree exactly, and the
catalog the clients saw after the swap shows both re-loaded years new (never one old, one
new).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict

import pytest

from straits.api.app import create_app
from straits.data.default import data_root
from tests._server import running

pytestmark = pytest.mark.slow

MIX = ["/api/v1/datasets", "/api/v1/flows?year=2019&exporter=CHN&limit=5",
       "/api/v1/dependency?importer=KOR&year=2020&limit=5", "/api/v1/concentration?year=2019",
       "/api/v1/shock?exporter=CHN&importer=KOR,JPN&products=811292&year=2020",
       "/dependency?importer=JPN&year=2019", "/"]


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def _canonical(body: bytes) -> str:
    """An answer's rows, order-free and to 12 significant digits (parallel sums may differ
    in the last bits between two computations of the same answer)."""
    def norm(v):
        return float(f"{v:.12g}") if isinstance(v, float) else v
    rows = json.loads(body)["data"]
    return json.dumps(sorted(json.dumps({k: norm(v) for k, v in r.items()}, sort_keys=True)
                             for r in rows))


def _catalog(body: bytes) -> tuple:
    rows = json.loads(body)["data"]
    return tuple((r["year"], r["rows"], r["value_kusd"], r["loaded_at"]) for r in rows
                 if r["dataset"] == "baci")


def test_ingest_while_serving(session, tmp_path):
    db = tmp_path / "live.duckdb"
    shutil.copyfile(session.path, db)
    before = {y: at.isoformat() for y, _, _, at in _catalog_of(db)}
    stop = threading.Event()
    results: list[tuple[str, int, dict[str, str], bytes]] = []
    lock = threading.Lock()

    with running(create_app(db)) as base:
        def client(k: int) -> None:
            i = k
            while not stop.is_set():
                path = MIX[i % len(MIX)]
                status, headers, body = _get(base + path)
                with lock:
                    results.append((path, status, headers, body))
                i += 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        time.sleep(1.0)  # traffic is steady before the writer starts
        zip_path = data_root() / "baci" / "BACI_HS17_V202601.zip"
        t0 = time.monotonic()
        ingest = subprocess.run(
            [sys.executable, "-c", "from straits.cli.app import main; main()", "ingest",
             str(zip_path), "--years", "2019-2020", "--db", str(db)],
            capture_output=True, text=True, timeout=120)
        ingest_s = time.monotonic() - t0
        time.sleep(1.5)  # the clients see the new file
        status, _, body = _get(base + "/api/v1/datasets")
        stop.set()
        for t in threads:
            t.join(timeout=60)

    assert ingest.returncode == 0, ingest.stderr
    statuses = Counter(s for _, s, _, _ in results)
    assert set(statuses) <= {200, 503}, statuses
    assert all("retry-after" in h for _, s, h, _ in results if s == 503)
    assert statuses[200] > 50
    # every answer from one warehouse file is the same answer
    by_file: dict[tuple[str, str], set] = defaultdict(set)
    for path, s, h, b in results:
        if s == 200 and "x-straits-warehouse" in h:
            by_file[(path, h["x-straits-warehouse"])].add(_canonical(b))
    bad = {k: len(v) for k, v in by_file.items() if len(v) > 1}
    assert by_file and not bad, bad
    files = {f for _, f in by_file}
    assert len(files) >= 2, files  # the clients were served by the old file and the new
    # the catalog before and after: both re-loaded years old, or both new
    seen = {_catalog(b) for p, s, _, b in results if p == "/api/v1/datasets" and s == 200}
    for cat in seen:
        fresh = {y for y, _, _, at in cat if at != before[y]}
        assert fresh in (set(), {2019, 2020}), fresh
    after = _catalog(body)
    assert status == 200 and {y for y, _, _, at in after if at != before[y]} == {2019, 2020}
    print(f"\nserving during ingest: {len(results)} requests, {dict(statuses)}, "
          f"ingest {ingest_s:.1f} s under load")


def _catalog_of(db) -> tuple:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT year, rows, value_kusd, loaded_at FROM releases "
                           "WHERE dataset = 'baci' ORDER BY year").fetchall()
    finally:
        con.close()
    return tuple(rows)
