"""A warehouse fingerprint: what a failed write must leave exactly as it was.

Per year: rows, the exact value sum (as DECIMAL, so the order DuckDB's threads add in cannot
change it) and an order-independent content hash of every row;
plus a hash of each reference table (countries, products, releases, meta) and of the reporter
tables when present. Two states are equal when their fingerprints are.
"""

from __future__ import annotations

from pathlib import Path

import straits

_REFERENCE = ("countries", "products", "releases", "meta", "reporter_sources", "reporter_flows")


def fingerprint(target) -> dict:
    """Fingerprint of a warehouse file path, a Session or a backend (read on one state)."""
    if isinstance(target, str | Path):
        with straits.open(target, read_only=True) as s:
            return fingerprint(s.backend.snapshot())
    backend = getattr(target, "backend", target)
    cur = backend.cursor()  # one cursor, so every query below reads one state of the file
    try:
        years = cur.execute(
            """SELECT year, count(*), sum(TRY_CAST(value_kusd AS DECIMAL(38, 6)))::VARCHAR,
                      sum(hash(year, exporter, importer, product, value_kusd, quantity_t)
                          ::HUGEINT)::VARCHAR
               FROM flows GROUP BY year ORDER BY year""").fetchall()
        have = {r[0] for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()}
        tables = {}
        for name in _REFERENCE:
            if name in have:  # names from the fixed list above, so quoting is safe
                tables[name] = cur.execute(
                    f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM {name} t"
                ).fetchall()[0]
    finally:
        cur.close()
    return {"years": {int(y): (int(n), v, h) for y, n, v, h in years}, "tables": tables}
