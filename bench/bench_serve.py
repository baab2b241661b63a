"""Loopback load benchmark of `straits serve`: 16 concurrent clients, pages and API calls.

Starts `straits serve` as its own process on a free 127.0.0.1 port (on the embedded default
warehouse, or --db), warms every URL once, then runs a bounded load: --clients threads, each
with its own keep-alive connection, each sending --requests requests drawn in turn from the
mix (so every client sends the same mix, shifted). Prints the warm server time of each page
(one request at a time), then throughput, p50/p95/p99 and the error count per mix, as a
Markdown table for bench/RESULTS.md. Only loopback traffic; every loop is bounded.

    flock /work/bench.lock python bench/bench_serve.py
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

PAGES = ["/", "/?a=KOR&b=CHN", "/dependency?importer=KOR", "/dependency?importer=JPN&flag=critical",
         "/chokepoints", "/shock", "/shock?exporter=CHN&importer=KOR,JPN,USA&products=850511",
         "/event", "/watch", "/chain", "/data", "/report"]
API = ["/api/v1/flows?year=2023&exporter=CHN&importer=KOR&product=811292",
       "/api/v1/flows?year=2024&exporter=CHN&limit=100", "/api/v1/dependency?importer=KOR",
       "/api/v1/shock?exporter=CHN&importer=KOR,JPN&products=811292,850511",
       "/api/v1/concentration", "/api/v1/rca?country=KOR", "/api/v1/bilateral?a=KOR&b=JPN",
       "/api/v1/mutual", "/api/v1/eci?country=KOR", "/api/v1/datasets",
       "/api/v1/watch?importer=KOR", "/api/v1/chain-pair", "/api/v1/country?q=Taiwan",
       "/api/v1/product?q=graphite"]


#: distinct queries, so every answer is computed (no cache hit): shocks with their own cut,
#: flows pages at their own offset, screens of rotating importers and years
UNCACHED = [u for i in range(1, 400) for u in (
    f"/api/v1/shock?exporter=CHN&importer=KOR,JPN&products=811292,850511&cut={i / 400:.4f}",
    f"/api/v1/flows?year=2024&limit=50&offset={i * 3}",
    f"/api/v1/dependency?importer={('KOR', 'JPN', 'USA', 'DEU', 'CHN')[i % 5]}"
    f"&year={2017 + i % 8}&limit={i}")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    t = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    r.read()
    return r.status, time.perf_counter() - t


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def load(port: int, mix: list[str], clients: int, requests: int) -> dict[str, float]:
    """Run the bounded load; latencies in seconds.

    Client ``k`` sends ``mix[k * requests + i]`` (wrapping), so with a long mix of distinct
    URLs no two requests repeat one.
    """
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(k: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        for i in range(requests):
            try:
                status, dt = _get(conn, mix[(k * requests + i) % len(mix)])
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                bad += 1
                continue
            mine.append(dt)
            bad += status >= 400
        conn.close()
        with lock:
            lat.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"n": len(lat), "rps": len(lat) / wall, "p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95),
            "p99": _pct(lat, 0.99), "errors": errors, "wall": wall}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=40, help="requests per client and mix")
    args = ap.parse_args()
    port = _free_port()
    cmd = [sys.executable, "-c", "from straits.cli.app import main; main()", "serve",
           "--port", str(port)] + (["--db", args.db] if args.db else [])
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        t = time.perf_counter()
        for path in PAGES + API + ["/static/web/vega.js"]:
            _get(conn, path)  # warm: engine answers cached, bundle built
        cold = time.perf_counter() - t
        print(f"load average before: {os.getloadavg()}")
        print(f"warm-up (every URL once, cold caches): {cold:.1f} s\n")
        print("| page (warm, one at a time) | median ms | max ms |\n|---|---|---|")
        for path in PAGES:
            times = [_get(conn, path)[1] * 1000 for _ in range(7)]
            print(f"| `{path}` | {statistics.median(times):.1f} | {max(times):.1f} |")
        conn.close()
        print(f"\n| mix ({args.clients} clients x {args.requests}) | requests | req/s | p50 ms "
              "| p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|")
        mixes = (("API", API), ("pages", PAGES), ("pages + API", PAGES + API),
                 ("API, every answer computed (distinct queries)", UNCACHED))
        for name, mix in mixes:
            r = load(port, mix, args.clients, args.requests)
            print(f"| {name} | {r['n']} | {r['rps']:.0f} | {r['p50'] * 1000:.0f} | "
                  f"{r['p95'] * 1000:.0f} | {r['p99'] * 1000:.0f} | {r['errors']} |")
        print(f"\nload average after: {os.getloadavg()}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
