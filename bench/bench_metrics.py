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
The matrix is the exporter x product aggregate of the 2030 flows (the same one eci_year
builds). Agreement of the three ECI vectors is printed as a Spearman correlation.

Usage: ``python bench/bench_metrics.py [--db /tmp/straits-bench/full.duckdb] [--repeat 5]
[--db3 /tmp/straits-bench-security/three.duckdb] [--skip-growthlab]``
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/straits-bench/full.duckdb")
    ap.add_argument("--db3", default="/tmp/straits-bench-security/three.duckdb")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-growthlab", action="store_true")
    args = ap.parse_args()
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
    res["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
