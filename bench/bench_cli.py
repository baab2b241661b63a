"""Wall time of CLI commands on the built default warehouse, against `python -c "import duckdb"`.

Issue 15 §1 targets: `flows`, `country`, `product`, `datasets` <= 0.5 s; `dependency`,
`shock` <= 0.8 s, on a quiet 2-core machine. Each command runs as a user would run it (the
`straits` console script in a fresh process, output to /dev/null, so CSV since it is not a
terminal), `--repeat` times, interleaved with the baselines so a busy moment hits all of
them alike. Reports best and median wall time and the median CPU time (user + system) of
each, and the load average before and after.

    flock /work/bench.lock python bench/bench_cli.py --repeat 15

Inputs: the default warehouse built from the embedded data (real CEPII BACI extract; built on
first use into $STRAITS_CACHE, which this script does before timing). The package's bytecode
is compiled first, as ``pip install`` does for a regular install (an editable install under
PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every module in every process, ~0.1 s).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = [
    ("python -c pass", [sys.executable, "-c", "pass"], None),
    ('python -c "import duckdb"', [sys.executable, "-c", "import duckdb"], None),
    ("flows --year 2023 --exporter CHN --importer KOR --product 811292",
     ["flows", "--year", "2023", "--exporter", "CHN", "--importer", "KOR", "--product",
      "811292"], 0.5),
    ("flows ... --product gallium -f table", ["flows", "--year", "2023", "--exporter", "CHN",
                                              "--importer", "KOR", "--product", "gallium",
                                              "-f", "table"], 0.5),
    ("country Korea", ["country", "Korea"], 0.5),
    ("product graphite", ["product", "graphite"], 0.5),
    ("datasets", ["datasets"], 0.5),
    ("dependency KOR", ["dependency", "KOR"], 0.8),
    ("shock --exporter CHN --importer KOR,JPN --products 811292,250490",
     ["shock", "--exporter", "CHN", "--importer", "KOR,JPN", "--products", "811292,250490"],
     0.8),
]


def _straits() -> str:
    exe = Path(sys.executable).with_name("straits")
    return str(exe) if exe.exists() else shutil.which("straits") or "straits"


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - t0 if done.returncode == 0 else math.nan  # e.g. a name the
    # code before issue 15 did not know
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--src", type=Path, help="time another checkout's src/ folder instead "
                    "(e.g. the code before issue 15), with its own default warehouse")
    args = ap.parse_args()
    import compileall

    import straits
    from straits.data.default import default_path

    env = None
    if args.src is not None:  # run the other checkout through its own entry point
        env = {**os.environ, "PYTHONPATH": str(args.src.resolve())}
        compileall.compile_dir(str(args.src / "straits"), quiet=1)
        straits_cmd = [sys.executable, "-c",
                       "import sys; from straits.cli.app import main; sys.exit(main())"]
    else:
        compileall.compile_dir(str(Path(straits.__file__).parent), quiet=1)
        print(f"warehouse: {default_path()}")  # built here if missing, outside the timings
        straits_cmd = [_straits()]
    argvs = [a if a[0] == sys.executable else [*straits_cmd, *a] for _, a, _ in COMMANDS]
    for argv in argvs:  # warm the file cache, the fingerprint store, the default warehouse
        _run(argv, env)
    load_before = os.getloadavg()
    walls: list[list[float]] = [[] for _ in COMMANDS]
    cpus: list[list[float]] = [[] for _ in COMMANDS]
    for _ in range(args.repeat):
        for i, argv in enumerate(argvs):
            w, c = _run(argv, env)
            walls[i].append(w)
            cpus[i].append(c)
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; "
          f"repeats {args.repeat}")
    base = min(walls[1])
    print("| command | best wall s | median wall s | median CPU s | best - import duckdb | "
          "target | met |")
    print("|---|---|---|---|---|---|---|")
    for (label, _, target), w, c in zip(COMMANDS, walls, cpus, strict=True):
        if any(math.isnan(x) for x in w):
            print(f"| `{label}` | failed | | | | | |")
            continue
        best = min(w)
        met = "" if target is None else ("yes" if best <= target else "**no**")
        print(f"| `{label}` | {best:.3f} | {statistics.median(w):.3f} | "
              f"{statistics.median(c):.3f} | {best - base:+.3f} | "
              f"{'' if target is None else f'<= {target}'} | {met} |")


if __name__ == "__main__":
    main()
