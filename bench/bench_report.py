"""Time `straits report` on the embedded default (the issue's budget: <= 10 s).

Usage: python bench/bench_report.py [--repeat 3]
Measures (1) the CLI end to end in a fresh process for one language and for --lang all,
with the default warehouse already cached, and (2) each section's compute time in-process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = "from straits.cli.app import main; main()"


def cli_seconds(args: list[str], repeat: int) -> float:
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", CLI, "report", *args, "--out",
                            str(Path(tmp) / "report.html")], check=True, capture_output=True)
            best = min(best, time.perf_counter() - t0)
    return best


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
    print(f"cli KOR JPN (en)        {cli_seconds([], n):6.2f} s (best of {n})")
    print(f"cli KOR JPN --lang all  {cli_seconds(['--lang', 'all'], n):6.2f} s (best of {n})")


if __name__ == "__main__":
    main()
