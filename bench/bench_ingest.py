"""Benchmark: `straits ingest` of a full-size synthetic BACI year against two references.

Measured in one run on the same file, each method in its own fresh Python process so peak
memory (ru_maxrss) is its own:
  bare    DuckDB ``CREATE TABLE t AS SELECT * FROM read_csv(...)`` (no checks: the floor)
  pandas  ``pandas.read_csv`` + ``to_parquet`` (no checks)
  straits ``Session.ingest`` with every validation on (types, signs, codes, duplicates)
Then the memory of a 3-year ingest, to show it does not grow with the number of years.

Usage: ``python bench/bench_ingest.py [--dir /tmp/straits-bench] [--multi]``
(generates the synthetic release with bench/generate_baci.py if it is missing).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time, shutil
    from pathlib import Path
    method, src, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True); work.mkdir(parents=True)
    csv = sorted(src.glob("BACI_*_Y*.csv"))[0]
    import duckdb, pandas as pd, straits  # imports are not timed: same for every method
    t0 = time.perf_counter()
    if method == "bare":
        con = duckdb.connect(str(work / "bare.duckdb"))
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}')")
        con.close()
    elif method == "pandas":
        pd.read_csv(csv).to_parquet(work / "p.parquet")
    else:
        with straits.open(work / "s.duckdb") as s:
            s.ingest(src)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"method": method, "seconds": dt, "peak_mb": rss}))
    """
)


def run(method: str, src: Path, work: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, method, str(src), str(work)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure(src: Path, years: str) -> None:
    if not any(src.glob("BACI_*_Y*.csv")):
        subprocess.run([sys.executable, str(Path(__file__).with_name("generate_baci.py")),
                        str(src), "--years", years], check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/straits-bench"))
    ap.add_argument("--multi", action="store_true", help="also ingest a 3-year release")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    one = args.dir / "full"
    ensure(one, "2030-2030")
    rows = []
    for _ in range(args.repeat):
        for method in ("bare", "pandas", "straits"):
            rows.append(run(method, one, args.dir / "work"))
    best = {m: min((r for r in rows if r["method"] == m), key=lambda r: r["seconds"])
            for m in ("bare", "pandas", "straits")}
    print(f"machine: {platform.machine()}, {platform.processor() or ''} python {platform.python_version()}")
    for m, r in best.items():
        print(f"{m:8s} {r['seconds']:6.2f} s  peak {r['peak_mb']:7.0f} MB")
    print(f"straits / bare = {best['straits']['seconds'] / best['bare']['seconds']:.2f}x; "
          f"straits / pandas = {best['straits']['seconds'] / best['pandas']['seconds']:.2f}x")
    if args.multi:
        three = args.dir / "three"
        ensure(three, "2030-2032")
        r = run("straits", three, args.dir / "work3")
        print(f"3-year ingest: {r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
