"""The copy-on-write writer: lock, copy, swap; readers never see half a write.

Real rows: small releases cut from the embedded BACI extract (tests/test_ingest.make_release).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

import straits
from straits.errors import WarehouseError, WarehouseLockedError
from straits.warehouse import write
from straits.warehouse.backend import DuckDBBackend
from tests._fingerprint import fingerprint
from tests.test_ingest import make_release

REPO = Path(__file__).resolve().parents[1]


def _python(code: str, *args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.fixture()
def two_states(tmp_path, baci_dir):
    """A warehouse holding release A (400 rows a year), and release B (250 rows a year)."""
    a = make_release(baci_dir, tmp_path / "a", rows=400)
    b = make_release(baci_dir, tmp_path / "b", rows=250)
    db = tmp_path / "w.duckdb"
    with straits.open(db) as s:
        s.ingest(a)
    return db, a, b


def test_failed_write_leaves_live_file_byte_identical(two_states):
    db, _, _ = two_states
    before, raw = fingerprint(db), db.read_bytes()
    with pytest.raises(RuntimeError, match="boom"), write.writing(db) as con:
        con.execute("DELETE FROM flows")
        raise RuntimeError("boom")
    assert db.read_bytes() == raw and fingerprint(db) == before
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")) == []


def test_reader_keeps_old_state_until_refresh(two_states):
    db, _, b = two_states
    reader = DuckDBBackend.open(db)
    old = fingerprint(reader)
    pinned = reader.snapshot()
    with straits.open(db) as s:
        s.ingest(b)
    assert fingerprint(reader) == old  # not refreshed yet: still the file it opened
    new = fingerprint(db)
    assert new != old and new["years"][2024][0] == 250
    assert reader.refresh() is True and fingerprint(reader) == new
    assert reader.refresh() is False  # one stat: nothing changed
    assert fingerprint(pinned) == old and pinned.refresh() is False  # a request's snapshot


def test_duckdb_instance_cache_would_serve_the_replaced_file(two_states):
    # The hazard the backend avoids: while any connection of this process holds the old
    # file, duckdb.connect(path) hands back that old instance, not the swapped-in file.
    db, _, b = two_states
    old_con = duckdb.connect(str(db), read_only=True)
    with straits.open(db) as s:
        s.ingest(b)
    cached = duckdb.connect(str(db), read_only=True)
    assert cached.execute("SELECT count(*) FROM flows").fetchone()[0] == 800  # stale
    fresh = DuckDBBackend.open(db)
    assert fresh.con.execute("SELECT count(*) FROM flows").fetchone()[0] == 500
    for c in (cached, old_con, fresh):
        c.close()


def test_lock_conflict_names_holder_and_wait_queues(two_states):
    db, _, _ = two_states
    with write.lock(db, command="ingest big.zip"):
        with pytest.raises(WarehouseLockedError) as err:
            with write.writing(db):
                pass
        msg = str(err.value)
        assert f"pid {os.getpid()}" in msg and "'ingest big.zip'" in msg and "--wait" in msg
        assert err.value.holder["pid"] == os.getpid()
    done = []

    def late_writer():
        with write.writing(db, wait=30) as con:
            con.execute("DELETE FROM flows WHERE year = 2023")
        done.append(True)

    with write.lock(db, command="holder"):
        t = threading.Thread(target=late_writer)
        t.start()
        time.sleep(0.3)
        assert not done  # queued behind the holder
    t.join(30)
    assert done and 2023 not in fingerprint(db)["years"]


def test_wait_must_be_a_duration(two_states):
    db, _, _ = two_states
    with pytest.raises(straits.ParameterError, match="'wait'"):
        with write.lock(db, wait=-1):
            pass


def test_compaction_keeps_reingest_from_growing_the_file(two_states):
    db, a, _ = two_states
    first = db.stat().st_size
    for _ in range(4):
        with straits.open(db) as s:
            s.ingest(a)
    # 0.1 doubled the file on the first re-ingest; now it stays within the compaction bound
    assert db.stat().st_size <= first / (1 - write.COMPACT_FREE_FRACTION)
    with duckdb.connect(str(db), read_only=True) as con:
        assert write.free_fraction(con) < write.COMPACT_FREE_FRACTION


def test_stale_leftovers_of_a_killed_writer_are_removed(two_states):
    db, a, _ = two_states
    tmp = db.with_name(f".{db.name}.999-1-dead.tmp")
    tmp.write_bytes(b"half a warehouse")
    extract = db.with_name(f".{db.name}.999-1-dead.extract")
    extract.mkdir()
    (extract / "BACI_HS17_Y2024_V202601.csv").write_text("t,i,j,k,v,q\n")
    other = db.with_name(".someone-else.tmp")
    other.write_text("not ours")
    with straits.open(db) as s:
        s.ingest(a)
    assert not tmp.exists() and not extract.exists() and other.exists()


def test_kill_9_mid_write_leaves_old_state_and_next_writer_cleans(two_states):
    db, _, _ = two_states
    before = fingerprint(db)
    victim = _python("""
        import sys, time
        from straits.warehouse import write
        with write.writing(sys.argv[1], command="victim") as con:
            con.execute("DELETE FROM flows")
            con.execute("CHECKPOINT")
            print("deleted", flush=True)
            time.sleep(60)
    """, str(db))
    assert victim.stdout.readline().strip() == "deleted"
    victim.kill()
    victim.wait()
    assert fingerprint(db) == before
    assert any(p.name.endswith(".tmp") for p in db.parent.iterdir())  # the victim's copy
    with write.writing(db):
        pass
    assert not any(p.name.endswith(".tmp") for p in db.parent.iterdir())
    assert fingerprint(db) == before


def test_not_a_duckdb_file_and_missing_folder(tmp_path):
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n" * 10)
    raw = text.read_bytes()
    for call in (lambda: straits.open(text), lambda: write.writing(text).__enter__()):
        with pytest.raises(WarehouseError, match="not a DuckDB warehouse file"):
            call()
    assert text.read_bytes() == raw  # never overwritten
    with pytest.raises(WarehouseError, match="does not exist"):
        write.writing(tmp_path / "no" / "such" / "w.duckdb").__enter__()
    with pytest.raises(WarehouseError, match="does not exist"):
        straits.open(tmp_path / "no" / "w.duckdb")
    with pytest.raises(straits.DataNotLoadedError, match="No warehouse"):
        straits.open(tmp_path / "absent.duckdb", read_only=True)


def test_foreign_read_write_connection_is_refused_not_copied(two_states):
    db, a, _ = two_states
    before = fingerprint(db)
    holder = _python("""
        import sys, time, duckdb
        con = duckdb.connect(sys.argv[1])
        print("open", flush=True)
        time.sleep(60)
    """, str(db))
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseError, match="open for writing in another program"):
            straits.open(db, read_only=True)
        other = db.with_name("other.duckdb")
        with straits.open(other) as s:
            s.ingest(a)  # an unrelated file is fine
        assert other.exists()
        with pytest.raises(WarehouseError, match="open for writing in another program"):
            with write.writing(db):
                pass
    finally:
        holder.kill()
        holder.wait()
    assert fingerprint(db) == before


READER = """
    import json, sys, time
    from straits.warehouse.backend import DuckDBBackend
    from tests._fingerprint import fingerprint
    backend = DuckDBBackend.open(sys.argv[1])
    seen, deadline = [], time.monotonic() + float(sys.argv[2])
    print("ready", flush=True)
    while time.monotonic() < deadline:
        fp = fingerprint(backend.snapshot())
        key = json.dumps(fp, sort_keys=True)
        if not seen or seen[-1] != key:
            seen.append(key)
    print(json.dumps(seen))
"""


def test_ingest_completes_while_other_processes_read(two_states):
    db, _, b = two_states
    old = fingerprint(db)
    readers = [_python(READER, str(db), "6") for _ in range(2)]
    for r in readers:
        assert r.stdout.readline().strip() == "ready"
    with straits.open(db) as s:
        s.ingest(b)  # never blocked by the readers' open files
    new = fingerprint(db)
    import json

    for r in readers:
        out, err = r.communicate(timeout=60)
        assert r.returncode == 0, err
        states = [json.loads(k) for k in json.loads(out.strip().splitlines()[-1])]
        keyed = [{"years": {int(y): tuple(v) for y, v in st["years"].items()},
                  "tables": {t: tuple(v) for t, v in st["tables"].items()}} for st in states]
        # every state a reader saw is the old or the new one, in that order: never a mix
        assert keyed == [old, new], keyed


def test_concurrent_cli_ingests_serialise_or_say_who_holds_the_lock(two_states):
    db, a, b = two_states
    holder = _python("""
        import sys
        from straits.warehouse import write
        with write.lock(sys.argv[1], command="ingest slow-release.zip"):
            print("held", flush=True)
            sys.stdin.readline()  # released when the test says so
    """, str(db), stdin=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "held"
    cli = [sys.executable, "-c", "from straits.cli.app import main; main()"]
    refused = subprocess.run([*cli, "ingest", str(b), "--db", str(db)], capture_output=True,
                             text=True, timeout=120)
    assert refused.returncode == 2, refused.stderr
    assert "Traceback" not in refused.stderr
    assert f"pid {holder.pid}" in refused.stderr and "slow-release.zip" in refused.stderr
    assert "--wait" in refused.stderr
    queued = subprocess.Popen([*cli, "ingest", str(b), "--db", str(db), "--wait", "120"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1)
    holder.communicate("go\n", timeout=30)
    out, err = queued.communicate(timeout=120)
    assert queued.returncode == 0, err
    assert fingerprint(db)["years"][2024][0] == 250
