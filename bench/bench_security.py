"""Benchmark: the security engine on a full-size synthetic BACI year (11M flows, year 2030).

Times, on a warehouse holding the seeded year (opened read-only, so the importer and exporter
aggregates live in the connection's memory database; see warehouse/aggregates.py):
  screen_first       the first screen of the session: builds agg_imports/agg_exports
  screen_all_arrow   dependency screen of every importer x every product, to Arrow
  screen_all_pandas  the same, to a pandas DataFrame (the public default)
  screen_all_persist the same with --persistence 1 (window over the loaded years <= 2030)
  screen_kor         dependency("KOR")
  screen_eu27        dependency("EU27") (bloc: members merged, intra-EU dropped)
  shock_one          shock CHN -> KOR on two products (one scenario)
  shock_three        shock CHN -> KOR, JPN, EU27 on every HS 81 product
  shock_twelve       the issue-11 case: CHN -> 12 importers (EU27 as one) on 850511
  mutual, shared     mutual KOR/JPN and shared dependence on CHN
With ``--db3 FILE`` (built from ``--db`` if missing: 2028 and 2029 are the 2030 flows with
values scaled by a deterministic hash factor in [0.5, 1.5)):
  screen3_persist2   the all-importer screen with persistence 2 over three 11M-flow years
Reports the best and the median of ``--repeat`` runs (seconds); no asserts.

Usage: ``python bench/bench_security.py [--db /tmp/straits-bench/full.duckdb] [--repeat 5]
[--db3 /tmp/straits-bench-security/three.duckdb]``
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import straits


def timed(fn, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t0)
    rows = getattr(out, "num_rows", None) or (len(out) if hasattr(out, "__len__") else None)
    return {"best_s": round(min(runs), 3), "median_s": round(statistics.median(runs), 3),
            "rows": rows}


def make_three_years(src: str, dest: str) -> None:
    """Build a 2028-2030 warehouse from the 2030 one (values scaled by a hash factor)."""
    with straits.open(dest) as s, s.writing("bench: three years") as con:
        con.execute(f"ATTACH '{src}' AS src (READ_ONLY)")
        for table in ("countries", "products", "meta"):
            con.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
        for y, k in ((2028, 1), (2029, 2)):
            con.execute(
                f"INSERT INTO flows SELECT {y}, exporter, importer, product, value_kusd * "
                f"(0.5 + (hash(exporter, importer, product, {k}) % 1000) / 1000.0), quantity_t "
                "FROM src.flows")
        con.execute("INSERT INTO flows SELECT * FROM src.flows")
        for y in (2028, 2029, 2030):
            con.execute(f"INSERT INTO releases BY NAME SELECT * REPLACE ({y} AS year) "
                        "FROM src.releases")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default="/tmp/straits-bench/full.duckdb")
    ap.add_argument("--year", type=int, default=2030)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--db3", default=None, help="Three-year warehouse for persistence.")
    args = ap.parse_args()
    s = straits.open(args.db, read_only=True)
    y, r = args.year, args.repeat
    first = timed(lambda: s.dependency_all(year=y, arrow=True), 1)
    print(json.dumps({"case": "screen_first", **first}), flush=True)
    cases = {
        "screen_all_arrow": lambda: s.dependency_all(year=y, arrow=True),
        "screen_all_pandas": lambda: s.dependency_all(year=y),
        "screen_all_persist": lambda: s.dependency_all(year=y, persistence=1),
        "screen_kor": lambda: s.dependency("KOR", year=y),
        "screen_eu27": lambda: s.dependency("EU27", year=y),
        "shock_one": lambda: s.shock(exporter="CHN", importer="KOR",
                                     products="811292,250490", year=y),
        "shock_three": lambda: s.shock(exporter="CHN", importer="KOR,JPN,EU27",
                                       products="81", year=y),
        "shock_twelve": lambda: s.shock(
            exporter="CHN", importer="USA,EU27,JPN,KOR,VNM,IND,MEX,THA,TWN,PHL,MYS,TUR",
            products="850511", year=y, redirect=0.5),
        "mutual": lambda: s.mutual("KOR", "JPN", year=y).products,
        "shared": lambda: s.shared_dependence("KOR", "JPN", on="CHN", year=y),
    }
    flows = sum(r_["rows"] for r_ in s.catalog().to_pylist() if r_["year"] == y)
    print(json.dumps({"machine": platform.platform(), "flows": int(flows), "repeat": r}))
    for name, fn in cases.items():
        print(json.dumps({"case": name, **timed(fn, r)}), flush=True)
    s.close()
    if args.db3:
        if not Path(args.db3).exists():
            make_three_years(args.db, args.db3)
        with straits.open(args.db3, read_only=True) as s3:
            fn = lambda: s3.dependency_all(year=y, persistence=2)  # noqa: E731
            print(json.dumps({"case": "screen3_persist2", **timed(fn, r)}), flush=True)


if __name__ == "__main__":
    main()
