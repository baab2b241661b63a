"""Benchmark: early warning (`straits watch`) over 4,000 items x 50 partners x 60 months.

Two timings on the seeded panel of bench/generate_watch.py (12 million item-partner-months):
  rules   :func:`straits.security.watch.signals` on the in-memory Arrow table
  watch   ``Session.watch("KOR")`` end to end: DuckDB query of ``reporter_flows`` (12M rows
          in a warehouse file), Arrow transfer, rules, output table
Best of ``--repeat`` runs each; the warehouse is built once under ``--dir``.

Usage: ``python bench/bench_watch.py [--dir /tmp/straits-bench] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import platform
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/straits-bench")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
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
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
