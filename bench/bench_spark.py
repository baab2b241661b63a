"""Benchmark: DuckDB against Spark ``local[2]`` on a full-size synthetic BACI year, same run.

Steps, each in a fresh process (so the JVM start is counted where it happens, and memory is
the step's own): peak memory is the largest total RSS of the process and all its children
(the Spark driver JVM), sampled every 0.1 s.

  ingest       one 11M-flow year: DuckDB ``straits ingest --db``; Spark ``ingest --engine
               spark --to`` (checks on the engine, Parquet written)
  dependency   the screen of every importer x product (``dependency_all``), one year
  eci          ECI/PCI of the year (aggregation to exporter x product on the engine, then the
               eigenvector on the driver)
  spark-start  a SparkSession and one trivial query (the fixed cost inside the Spark figures)
  ingest-3y    a 3-year release (33M flows) on Spark (``--multi``)

Synthetic inputs only (bench/generate_baci.py, seeded). Run it alone:
``flock /work/bench.lock python bench/bench_spark.py [--dir /tmp/straits-bench] [--multi]``;
it prints the load average before and after, and a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import json, sys, time, shutil, warnings
    from pathlib import Path
    warnings.simplefilter("ignore")
    step, engine, src, work = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    import straits
    from straits.session import Session
    t0 = time.perf_counter()
    if step.startswith("ingest"):
        out = work / f"{engine}-{step}"
        shutil.rmtree(out, ignore_errors=True)
        out.with_suffix(".duckdb").unlink(missing_ok=True)
        if engine == "duckdb":
            with straits.open(out.with_suffix(".duckdb")) as s:
                n = int(s.ingest(src)["rows"].sum())
        else:
            from straits.warehouse.spark_ingest import ingest_release
            n = int(ingest_release(src, out)["rows"].sum())
    elif step == "spark-start":
        from straits.warehouse.spark_session import get_spark
        n = get_spark().range(10).count()
    else:
        if engine == "duckdb":
            s = straits.open(work / "duckdb-ingest.duckdb", read_only=True)
        else:
            s = straits.open(work / "spark-ingest", engine="spark")
        if step == "dependency":
            n = len(s.dependency_all())
        else:
            n = len(s.complexity().countries)
    print(json.dumps({"step": step, "engine": engine, "seconds": time.perf_counter() - t0,
                      "rows": n}))
    """
)


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total / 1e6


def run(step: str, engine: str, src: Path, work: Path) -> dict:
    """One step in a fresh process; its time and peak process-tree memory."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, step, engine, str(src), str(work)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{step} on {engine} failed:\n{err[-3000:]}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak[0]}


def ensure(src: Path, years: str) -> None:
    if not any(src.glob("BACI_*_Y*.csv")):
        subprocess.run([sys.executable, str(Path(__file__).with_name("generate_baci.py")),
                        str(src), "--years", years], check=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/straits-bench"))
    ap.add_argument("--multi", action="store_true", help="also a 3-year release on Spark")
    args = ap.parse_args()
    one, three, work = args.dir / "full", args.dir / "full3", args.dir / "spark-work"
    ensure(one, "2030-2030")
    work.mkdir(parents=True, exist_ok=True)
    before = load()
    rows = [run("spark-start", "spark", one, work)]
    for step in ("ingest", "dependency", "eci"):
        for engine in ("duckdb", "spark"):
            rows.append(run(step, engine, one, work))
            print(json.dumps(rows[-1]), flush=True)
    if args.multi:
        ensure(three, "2030-2032")
        rows.append(run("ingest-3y", "spark", three, work))
    after = load()
    print(f"\nmachine: {platform.machine()} {os.cpu_count()} cpu, python "
          f"{platform.python_version()}; load average before {before}, after {after}\n")
    print("| step | DuckDB | Spark local[2] | Spark / DuckDB |\n|---|---|---|---|")
    by = {(r["step"], r["engine"]): r for r in rows}
    for step in ("ingest", "dependency", "eci"):
        d, s = by[(step, "duckdb")], by[(step, "spark")]
        print(f"| {step} | {d['seconds']:.1f} s, {d['peak_mb']:,.0f} MB | {s['seconds']:.1f} s, "
              f"{s['peak_mb']:,.0f} MB | {s['seconds'] / d['seconds']:.1f}x |")
    st = by[("spark-start", "spark")]
    print(f"| Spark start-up (in each Spark figure) | | {st['seconds']:.1f} s, "
          f"{st['peak_mb']:,.0f} MB | |")
    if ("ingest-3y", "spark") in by:
        r = by[("ingest-3y", "spark")]
        print(f"| ingest, 3-year release ({r['rows']:,} flows) | | {r['seconds']:.1f} s, "
              f"{r['peak_mb']:,.0f} MB | |")


if __name__ == "__main__":
    main()
