"""Benchmark: early warning (`straits watch`) over 4,000 items x 50 partners x 60 months.

Two timings on the seeded panel of bench/generate_watch.py (12 million item-partner-months):
  rules   :func:`straits.security.watch.signals` on the in-memory Arrow table
  watch   ``Session.watch("KOR")`` end to end: DuckDB query of ``reporter_flows`` (12M rows
          in a warehouse file), Arrow transfer, rules, output table
Best of ``--repeat`` runs each; the warehouse is built once under ``--dir``. With
``--fresh N`` each timing is also taken as the first call of N new processes (what a
``straits watch`` command pays; imports are not timed), reported as median and range.

Usage: ``python bench/bench_watch.py [--dir /tmp/straits-bench] [--repeat 3] [--fresh 7]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_watch import panel  # noqa: E402

import straits  # noqa: E402
from straits.security.watch import signals  # noqa: E402
from straits.warehouse.reporter_load import ensure_schema  # noqa: E402


def build(db: Path, tbl) -> None:
    db.unlink(missing_ok=True)
    with straits.open(db) as s, s.writing("bench: synthetic watch panel") as con:
        ensure_schema(con)
        con.register("synthetic", tbl)
        con.execute(
            """INSERT INTO reporter_flows
            SELECT 'KOR', supplier, 'import', period // 12, period % 12 + 1, 'HSK', 10,
                   product, left(product, 6), value_usd, 'cif', NULL, 'synthetic.csv',
                   'synthetic benchmark panel'
            FROM synthetic""")
        con.execute("INSERT INTO reporter_sources VALUES ('synthetic.csv', 'synthetic', "
                      "'synthetic benchmark panel', 'KOR', ?, NULL, NULL, NULL, "
                      "'KOR import HSK', now())", [tbl.num_rows])


def best(fn, repeat: int) -> tuple[str, object]:
    """Time ``repeat`` runs: 'best X s (first Y s, median Z s)' and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    med = sorted(times)[len(times) // 2]
    return f"best {min(times):.2f} s (first {times[0]:.2f} s, median {med:.2f} s)", out


def first_call(what: str, db: Path) -> float:
    """In this (new) process: time the first ``signals`` or ``Session.watch`` call."""
    import pandas  # noqa: F401  (imported by the CLI anyway; not part of the call)

    if what == "rules":
        tbl = panel()
        t0 = time.perf_counter()
        signals(tbl)
    else:
        s = straits.open(db, read_only=True)
        t0 = time.perf_counter()
        s.watch("KOR")
    return time.perf_counter() - t0


def fresh(what: str, db: Path, n: int) -> str:
    """First-call times of ``n`` new processes: median (min-max) and load average."""
    times = []
    for _ in range(n):  # a loop over benchmark processes
        out = subprocess.run([sys.executable, __file__, "--child", what, "--dir", str(db.parent)],
                             capture_output=True, text=True, check=True).stdout
        times.append(float(out.split()[-1]))
    return (f"first call in {n} new processes: median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}; load {os.getloadavg()[0]:.2f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/straits-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--fresh", type=int, default=0)
    ap.add_argument("--child", choices=["rules", "watch"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(f"{first_call(args.child, Path(args.dir) / 'watch.duckdb'):.4f}")
        return
    t0 = time.perf_counter()
    tbl = panel()
    print(f"panel: {tbl.num_rows:,} rows generated in {time.perf_counter() - t0:.1f} s")
    rules_s, out = best(lambda: signals(tbl), args.repeat)
    print(f"rules  (signals on Arrow): {rules_s}, {len(out):,} signals "
          f"{out['signal'].value_counts().to_dict()}")
    db = Path(args.dir) / "watch.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    build(db, tbl)
    print(f"warehouse built in {time.perf_counter() - t0:.1f} s ({db})")
    with straits.open(db, read_only=True) as s:
        watch_s, w = best(lambda: s.watch("KOR"), args.repeat)
    print(f"watch  (Session.watch end to end): {watch_s}, {len(w):,} signals")
    if args.fresh:
        del tbl, out, w  # the new processes should not compete with this one's memory
        print(f"rules: {fresh('rules', db, args.fresh)}")
        print(f"watch: {fresh('watch', db, args.fresh)}")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
