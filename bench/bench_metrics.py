"""Benchmark: the metrics engine on the full-size synthetic BACI year (11M flows, year 2030).

Times (best and median of ``--repeat`` runs, seconds; no asserts):
  eci_matrix_straits   ECI+PCI from a 229 x 5000 country x product export matrix (RCA,
                       presence, eigsh on the country side, normalisation)
  eci_matrix_datawheel the same with OEC/Datawheel ``economic-complexity`` (rca + complexity,
                       20 reflections), on the same matrix as a wide DataFrame
  eci_matrix_growthlab the same with the Growth Lab ``ecomplexity`` (dense eig of the
                       5000 x 5000 product matrix; run once, ``--skip-growthlab`` to skip)
  rca_year             every RCA value of the year from the warehouse (to pandas)
  eci_year             ECI+PCI from the loaded year (aggregation query included)
  concentration_year   HHI of every product; shares_year every exporter's world share
  eci_3years           ECI+PCI for three 11M-flow years (``--db3``, if present)
With ``--db10`` (a 10-year warehouse from bench/generate_baci.py, 110M flows), each step in
a fresh process (``--db10`` itself is never written; see :func:`ten_years`):
  first_memory_*       building the exporter, then the importer, aggregates of the ten years
                       in memory (``STRAITS_AGGREGATES=memory``)
  first_stored_*       the same written into a copy of the file through the writer
  eci_10years_warm     ECI+PCI for the ten years in a process whose file holds them
  eci_10years_inline   the same summing the flows on every call (the 0.1 engine's way)
  one_year_warm        rca / complexity / concentration / shares of one year, warm
The matrix is the exporter x product aggregate of the 2030 flows (the same one eci_year
builds). Agreement of the three ECI vectors is printed as a Spearman correlation.

Usage: ``python bench/bench_metrics.py [--db /tmp/straits-bench/full.duckdb] [--repeat 5]
[--db3 /tmp/straits-bench-security/three.duckdb] [--skip-growthlab] [--db10 PATH [--only10]]``
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

import straits
from straits._kernels import complexity as k
from straits.metrics import _common as c
from straits.metrics.complexity import complexity
from straits.metrics.concentration import concentration
from straits.metrics.rca import rca
from straits.metrics.shares import market_shares


def timed(fn, repeat: int) -> tuple[dict, object]:
    runs, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t0)
    return {"best_s": round(min(runs), 4), "median_s": round(statistics.median(runs), 4)}, out


def straits_eci(X):
    r = k.eci_pci(k.presence(k.rca_matrix(X)))
    return r.eci, r.pci


def datawheel_eci(wide: pd.DataFrame):
    import economic_complexity as ec

    return ec.complexity(ec.rca(wide))


def growthlab_eci(long: pd.DataFrame):
    from ecomplexity import ecomplexity

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(long, {"time": "year", "loc": "loc", "prod": "prod", "val": "val"},
                          verbose=False, check_logsupermodularity=False)
    return out.groupby("loc")["eci"].first()


TEN = """
import json, os, sys, time
import straits
from straits.metrics.complexity import complexity
from straits.metrics.concentration import concentration
from straits.metrics.rca import rca
from straits.metrics.shares import market_shares
from straits.warehouse import aggregates
db, repeat, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def timed(fn, n):
    runs = []
    for _ in range(n):
        t0 = time.perf_counter(); fn(); runs.append(time.perf_counter() - t0)
    runs.sort()
    return {"best_s": round(runs[0], 3), "median_s": round(runs[len(runs) // 2], 3)}
out = {}
with straits.open(db, read_only=True) as s:
    wh, ys = s.backend, s.years()
    if mode.startswith("first"):  # cold: no aggregates in the file yet
        for need in (("exports",), ("exports", "imports")):
            t0 = time.perf_counter(); src = aggregates.ensure(wh, ys, need)
            out[f"{mode}_{need[-1]}"] = {"seconds": round(time.perf_counter() - t0, 2),
                                         "where": src.where, "years": len(ys)}
        t0 = time.perf_counter(); complexity(wh, year=ys)
        out[f"{mode}_eci_10years_first_call_after"] = round(time.perf_counter() - t0, 3)
    elif mode == "warm":  # a new process on a file that holds the aggregates
        t0 = time.perf_counter(); complexity(wh, year=ys)
        out["eci_10years_first_call_in_process"] = round(time.perf_counter() - t0, 3)
        out["eci_10years_warm"] = timed(lambda: complexity(wh, year=ys), repeat)
        y = ys[-1]
        out["one_year_warm"] = {
            "rca": timed(lambda: rca(wh, year=y), repeat),
            "complexity": timed(lambda: complexity(wh, year=y), repeat),
            "concentration": timed(lambda: concentration(wh, year=y), repeat),
            "concentration_by_importer": timed(
                lambda: concentration(wh, year=y, by_importer=True), repeat),
            "shares": timed(lambda: market_shares(wh, year=y), repeat),
            "shares_eu27": timed(lambda: market_shares(wh, year=y, importer="EU27"), repeat),
            "rca_eu27": timed(lambda: rca(wh, year=y, country="EU27"), repeat)}
    else:  # what every call cost before the aggregates: sum the flows each time
        aggregates.ensure = lambda wh, years, need=("exports",): aggregates.INLINE
        out["eci_10years_inline"] = timed(lambda: complexity(wh, year=ys), repeat)
print(json.dumps(out))
"""


def ten_years(db: str, repeat: int) -> dict:
    """The 10-year figures, each step in a fresh process on a fresh copy of ``db``.

    ``db`` itself is never written: the first-use runs work on copies (one persisted
    through the writer, one with ``STRAITS_AGGREGATES=memory``), and the warm runs read
    the persisted copy in a new process.
    """
    import os
    import shutil
    import subprocess
    import sys

    work = Path(db).with_name(Path(db).stem + "-bench.duckdb")
    res: dict = {}

    def child(mode: str, path: Path, env: dict | None = None) -> None:
        out = subprocess.run([sys.executable, "-c", TEN, str(path), str(repeat), mode],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, **(env or {})})
        res.update(json.loads(out.stdout.strip().splitlines()[-1]))

    for mode, env in (("first_memory", {"STRAITS_AGGREGATES": "memory"}),
                      ("first_stored", None)):
        shutil.copyfile(db, work)
        child(mode, work, env)
    child("warm", work)              # the copy now holds the aggregates
    child("inline", Path(db))
    res["file_mb"] = {"without": round(Path(db).stat().st_size / 1e6),
                      "with_aggregates": round(work.stat().st_size / 1e6)}
    work.unlink()
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/straits-bench/full.duckdb")
    ap.add_argument("--db3", default="/tmp/straits-bench-security/three.duckdb")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-growthlab", action="store_true")
    ap.add_argument("--db10", default=None)
    ap.add_argument("--only10", action="store_true")
    args = ap.parse_args()
    if args.db10 and args.only10:
        print(json.dumps(ten_years(args.db10, args.repeat), indent=1))
        return
    res: dict[str, dict] = {}
    with straits.open(args.db, read_only=True) as s:
        year = s.latest_year()
        m = c.export_matrices(s, years=[year])[0]
        X = m.X.toarray()
        res["matrix"] = {"countries": X.shape[0], "products": X.shape[1],
                         "nonzero": int((X > 0).sum())}
        res["eci_matrix_straits"], (eci, _) = timed(lambda: straits_eci(X), args.repeat)
        wide = pd.DataFrame(X, index=m.countries.astype(str), columns=m.products.astype(str))
        res["eci_matrix_datawheel"], (dw, _) = timed(lambda: datawheel_eci(wide), args.repeat)
        res["agreement_datawheel_spearman"] = {
            "rho": round(float(spearmanr(eci, dw.reindex(wide.index)).statistic), 6)}
        if not args.skip_growthlab:
            long = wide.stack().rename("val").reset_index()
            long.columns = ["loc", "prod", "val"]
            long.insert(0, "year", year)
            res["eci_matrix_growthlab"], gl = timed(lambda: growthlab_eci(long), 1)
            gl = gl.reindex(wide.index)
            res["agreement_growthlab"] = {
                "spearman": round(float(spearmanr(eci, gl).statistic), 9),
                "max_abs_diff": float(np.nanmax(np.abs(eci - gl.to_numpy())))}
        peers = [v["best_s"] for key, v in res.items() if key in ("eci_matrix_datawheel",
                                                                  "eci_matrix_growthlab")]
        res["speedup_vs_fastest_peer"] = {
            "x": round(min(peers) / res["eci_matrix_straits"]["best_s"], 1)}
        res["rca_year"], out = timed(lambda: rca(s, year=year), args.repeat)
        res["rca_year"]["rows"] = len(out)
        res["eci_year"], _ = timed(lambda: complexity(s, year=year), args.repeat)
        res["concentration_year"], _ = timed(lambda: concentration(s, year=year), args.repeat)
        res["shares_year"], out = timed(lambda: market_shares(s, year=year), args.repeat)
        res["shares_year"]["rows"] = len(out)
    if Path(args.db3).exists():
        try:
            with straits.open(args.db3, read_only=True) as s3:
                ys = s3.years()
                res["eci_3years"], _ = timed(lambda: complexity(s3, year=ys), args.repeat)
                res["eci_3years"]["years"] = len(ys)
        except Exception as exc:  # another process may hold the file open for writing
            res["eci_3years"] = {"skipped": str(exc)[:120]}
    if args.db10:
        res.update(ten_years(args.db10, args.repeat))
    res["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
