"""Benchmark: input-output core quantities and supply-cut shocks on the WIOD 2011 table.

Compares, in the same run and on the same 1,435 x 1,435 table, Straits' core (A, B, L, G from
one LU factorisation) with pymrio's ``IOSystem.calc_all()`` (A, L, x; pip install pymrio, a
bench-only dependency), then times one bilateral shock once the core is cached (SMW update)
against a direct re-solve. Usage: python bench/bench_io.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

import straits
from straits._kernels import io as k
from straits.valuechain import io, iotable
from straits.valuechain.chips import chain, chokepoints


def timeit(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    wh = straits.open(read_only=True).backend
    t0 = time.perf_counter()
    t = iotable.mrio_table(wh, 2011, final_demand=True)
    print(f"read WIOD 2011 from the warehouse (io_* -> MRIOTable): {time.perf_counter() - t0:.3f} s")

    runs: dict[str, list[float]] = {"straits core (A, B, L, G)": []}
    jobs = {"straits core (A, B, L, G)": lambda: k.compute_core(t.Z, t.x)}
    try:
        import pymrio

        idx = pd.MultiIndex.from_arrays([t.countries, t.industries], names=["region", "sector"])
        fd = pd.MultiIndex.from_arrays([[s.split(".")[0] for s in t.fd_labels],
                                        [s.split(".")[1] for s in t.fd_labels]],
                                       names=["region", "category"])
        Z = pd.DataFrame(t.Z, index=idx, columns=idx)
        Y = pd.DataFrame(t.Y, index=idx, columns=fd)

        def run(ghosh: bool) -> None:
            m = pymrio.IOSystem(Z=Z.copy(), Y=Y.copy())
            m.calc_all(include_ghosh=ghosh)

        for ghosh in (False, True):
            label = f"pymrio {pymrio.__version__} calc_all(include_ghosh={ghosh})"
            jobs[label] = lambda g=ghosh: run(g)
            runs[label] = []
    except ImportError:
        print("pymrio not installed (pip install pymrio) - comparison skipped")
    for _ in range(a.repeat):  # interleaved, so load from other processes hits all alike
        for label, fn in jobs.items():
            t0 = time.perf_counter()
            fn()
            runs[label].append(time.perf_counter() - t0)
    for label, ts in runs.items():
        print(f"{label}: best {min(ts):.3f} s, median {statistics.median(ts):.3f} s")

    iotable.core(t)  # cache
    shock = dict(supplier="JPN", sector="c9", customer="KOR", cut=0.5)
    best, med = timeit(lambda: io.io_shock(wh, **shock), 50)
    print(f"io_shock JPN c9 -> KOR (cached core, DataFrame out): best {best * 1e3:.2f} ms, "
          f"median {med * 1e3:.2f} ms")
    c = iotable.core(t)
    rows = iotable.index_of(t, ["JPN"], ["c9"])
    cols = iotable.index_of(t, ["KOR"], list(t.sectors))
    best, med = timeit(lambda: (k.backward_extraction_loss(c, rows, cols, 0.5),
                                k.forward_extraction_loss(c, rows, cols, 0.5)), 200)
    print(f"  kernels only (SMW, both extractions): best {best * 1e3:.3f} ms, median {med * 1e3:.3f} ms")
    best, med = timeit(lambda: (k.backward_extraction_direct(c, rows, cols, 0.5),
                                k.forward_extraction_direct(c, rows, cols, 0.5)), 3)
    print(f"  direct re-solve of both (reference): best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms")
    back = k.backward_extraction_loss(c, rows, cols, 0.5)
    diff = np.abs(back - k.backward_extraction_direct(c, rows, cols, 0.5)).max()
    print(f"  max |SMW - direct| = {diff:.2e} million USD")
    multi = dict(supplier="JPN,CHN,USA", sector="c9,c14", customer="KOR,TWN", cut=0.5)
    best, med = timeit(lambda: io.io_shock(wh, **multi), 20)
    print(f"io_shock 3 suppliers x 2 sectors -> 2 customers: best {best * 1e3:.2f} ms, "
          f"median {med * 1e3:.2f} ms")
    best, med = timeit(lambda: io.foreign_input_reliance(wh, country="KOR"), 10)
    print(f"foreign_input_reliance KOR (all suppliers): best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms")

    best, med = timeit(lambda: chain(wh), 5)
    print(f"ETO chain() (1,300 rows): best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms")
    best, med = timeit(lambda: chokepoints(wh), 5)
    print(f"ETO chokepoints() with downstream walks: best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
