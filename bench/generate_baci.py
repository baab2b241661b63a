"""Seeded generator of a full-size synthetic BACI release (benchmarks only, never real data).

Writes ``BACI_HS17_Y{year}_V999901.csv`` (columns t,i,j,k,v,q; 11 million flows a year by
default, about 375 MB), ``country_codes_V999901.csv`` and ``product_codes_HS17_V999901.csv``
into a folder. Countries are the real BACI codes, products 5,000 real HS6 codes; the flows
are synthetic: exporter and importer sizes follow a Zipf-like law, values are lognormal,
5% of quantities are missing, rows are sorted by (i, j, k) as in CEPII's files,
and product codes are written as integers (losing leading
zeros) like several CEPII releases.

Usage: ``python bench/generate_baci.py OUT_DIR [--years 2030-2030] [--rows 11000000]``
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from straits.reference.lookup import countries, hs_nomenclature

RELEASE = "V999901"


def universe(n_products: int = 5000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Real BACI country codes (current entities) and a seeded pick of real HS6 codes."""
    rng = np.random.default_rng(seed)
    c = countries()
    codes = c.loc[c["current"], "code"].to_numpy()
    hs = hs_nomenclature()
    hs6 = hs.loc[hs["level"] == "6", "product"].to_numpy()
    products = np.sort(rng.choice(hs6, size=min(n_products, len(hs6)), replace=False))
    return codes, products


def flows(year: int, rows: int, codes: np.ndarray, products: np.ndarray, seed: int) -> pa.Table:
    """One year of synthetic flows with unique (i, j, k) keys."""
    rng = np.random.default_rng(seed)
    nc, npr = len(codes), len(products)
    size = 1.0 / np.arange(1, nc + 1) ** 0.9
    size /= size.sum()
    exp_w = rng.permutation(size)
    imp_w = rng.permutation(size)
    prod_w = rng.dirichlet(np.full(npr, 2.0))
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < rows:
        n = int((rows - len(keys)) * 1.6) + 1000
        i = rng.choice(nc, size=n, p=exp_w)
        j = rng.choice(nc, size=n, p=imp_w)
        k = rng.choice(npr, size=n, p=prod_w)
        ok = i != j
        new = (i[ok].astype(np.int64) * nc + j[ok]) * npr + k[ok]
        keys = np.unique(np.concatenate([keys, new]))
    # Keep a random subset, written in (i, j, k) order as CEPII writes its files.
    keys = np.sort(rng.permutation(keys)[:rows])
    k = keys % npr
    ij = keys // npr
    i, j = ij // nc, ij % nc
    value = np.round(rng.lognormal(mean=3.0, sigma=2.5, size=rows), 3) + 0.001
    qty = np.round(value * rng.lognormal(-1.0, 1.5, size=rows), 3)
    q_mask = rng.random(rows) < 0.05
    return pa.table(
        {
            "t": pa.array(np.full(rows, year, dtype=np.int32)),
            "i": pa.array(codes[i].astype(np.int32)),
            "j": pa.array(codes[j].astype(np.int32)),
            "k": pa.array(products[k].astype(np.int64)),
            "v": pa.array(value),
            "q": pa.array(qty, mask=q_mask),
        }
    )


def write_release(out: Path, years: range, rows: int, seed: int = 2026,
                  n_products: int = 5000) -> list[Path]:
    """Write the release files into ``out``; return the year files."""
    out.mkdir(parents=True, exist_ok=True)
    codes, products = universe(n_products)
    c = countries().set_index("code").loc[codes]
    with open(out / f"country_codes_{RELEASE}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["country_code", "country_name", "country_iso2", "country_iso3"])
        for code, row in c.iterrows():
            w.writerow([code, row["name"], row["iso2"], row["baci_iso3"]])
    desc = hs_nomenclature().set_index("product")["description"]
    with open(out / f"product_codes_HS17_{RELEASE}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "description"])
        for p in products:
            w.writerow([p, desc.get(p, "")])
    files = []
    for n, year in enumerate(years):
        table = flows(year, rows, codes, products, seed + n)
        path = out / f"BACI_HS17_Y{year}_{RELEASE}.csv"
        opts = pacsv.WriteOptions(include_header=True, quoting_style="none")
        pacsv.write_csv(table, path, write_options=opts)
        files.append(path)
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--years", default="2030-2030")
    ap.add_argument("--rows", type=int, default=11_000_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--products", type=int, default=5000, help="Number of HS6 products.")
    args = ap.parse_args()
    lo, _, hi = args.years.partition("-")
    files = write_release(args.out, range(int(lo), int(hi or lo) + 1), args.rows, args.seed,
                          args.products)
    for f in files:
        print(f"{f} {f.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
