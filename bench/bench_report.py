"""Time `straits report` on the embedded default (the issue's budget: <= 10 s).

Usage: python bench/bench_report.py [--repeat 3]
Measures (1) the CLI end to end in a fresh process for one language and for --lang all,
with the default warehouse already cached: wall time and the CPU seconds the process used
(user + system; the fair figure when the machine is shared), (2) each section's compute
time in-process, and (3) the Vega-Lite -> SVG rendering of every chart (vl-convert).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = "from straits.cli.app import main; main()"


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cli_seconds(args: list[str], repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system) of the CLI, in seconds."""
    best, best_cpu = float("inf"), float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), _children_cpu()
            subprocess.run([sys.executable, "-c", CLI, "report", *args, "--out",
                            str(Path(tmp) / "report.html")], check=True, capture_output=True)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, _children_cpu() - c0)
    return best, best_cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    n = ap.parse_args().repeat
    import straits
    from straits.report.build import make_context
    from straits.report.sections import SECTIONS

    with straits.open() as s:  # builds the cached default warehouse if needed
        ctx = make_context(s)
        data = {}
        for mod in SECTIONS:
            t0 = time.perf_counter()
            try:
                data[mod.KEY] = mod.compute(ctx)
            except Exception as exc:  # noqa: BLE001 - report what is missing
                data[mod.KEY] = exc
            print(f"compute {mod.KEY:16s} {time.perf_counter() - t0:6.3f} s"
                  + (f"  ({type(data[mod.KEY]).__name__})" if isinstance(data[mod.KEY],
                                                                     Exception) else ""))
        from straits.charts.render import to_svg
        from straits.report.i18n import Tr

        t0 = time.perf_counter()
        specs = [spec for mod in SECTIONS if not isinstance(data[mod.KEY], Exception)
                 for spec in mod.render(data[mod.KEY], ctx, Tr("en")).charts]
        for spec in specs:
            to_svg(spec)
        print(f"render {len(specs)} charts to SVG (en, first use of vl-convert included) "
              f"{time.perf_counter() - t0:6.2f} s")
    for label, args in (("(en)      ", []), ("--lang all", ["--lang", "all"])):
        wall, cpu = cli_seconds(args, n)
        print(f"cli KOR JPN {label}  {wall:6.2f} s wall, {cpu:6.2f} s CPU (best of {n})")


if __name__ == "__main__":
    main()
