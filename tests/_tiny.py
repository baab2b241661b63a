"""Hand-built tiny warehouses for hand-computed test cases (shared by several test modules)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import straits


def tiny_warehouse(
    path: Path,
    countries: Iterable[tuple[int, str]],
    flows_by_year: Mapping[int, Iterable[tuple[int, int, str, float]]],
    products: Mapping[str, str] | None = None,
):
    """Write a warehouse with the given countries, flows (exporter, importer, product, kUSD)
    and products, then return it opened read-only (the caller closes it)."""
    with straits.open(path) as s, s.writing("tiny test warehouse") as con:
        con.executemany("INSERT INTO countries VALUES (?, ?, NULL, ?, ?, TRUE)",
                        [(c, iso, iso, iso) for c, iso in countries])
        for year, flows in flows_by_year.items():
            rows = [(year, e, m, p, float(v)) for e, m, p, v in flows]
            con.executemany("INSERT INTO flows VALUES (?, ?, ?, ?, ?, NULL)", rows)
            con.execute("INSERT INTO releases (dataset, hs, release, year, rows, value_kusd, "
                        "source, bytes, loaded_at, min_value_kusd, has_quantity) VALUES "
                        "('baci', 'HS17', 'T', ?, ?, ?, 'tiny', 0, now(), ?, FALSE)",
                        [year, len(rows), sum(r[4] for r in rows),
                         min((r[4] for r in rows), default=None)])
        if products:
            con.executemany("INSERT INTO products VALUES (?, ?, 'HS17')", list(products.items()))
        con.execute("INSERT INTO meta VALUES ('baci_citation', 'tiny test world')")
    return straits.open(path, read_only=True)
