"""Warehouse aggregates: exporter x product x year and importer x product x year tables.

Most metric and screen questions need a BACI year summed to exporter x product cells (RCA,
ECI/PCI, world shares and HHI) or to importer x product cells (import HHI, top supplier). A
full year is ~11M flows and ~1M cells a side, and summing it costs about half a second per
year and per question; these tables hold the sums once.

Tables (HS6, every country; values in thousand USD):

``agg_exports(year, exporter, product, value_kusd)``
    exports of every exporter in every product.
``agg_imports(year, importer, product, import_kusd, import_sumsq_kusd2, top_exporter,
top_kusd, n_suppliers)``
    imports of every importer in every product over suppliers with a value > 0: their sum,
    the sum of their squares (so HHI = ``import_sumsq_kusd2 / import_kusd^2``), the largest
    supplier (ties: lowest BACI code) and its value, and how many suppliers there are.
``agg_builds(name, year, ingest_key, rows, built_at)``
    which ingest of each year the rows were built from.

When they are (re)built. Lazily, on the first question that needs a year, and only for the
years asked. Each year's rows are keyed by that year's *ingest key* (:func:`ingest_keys`: the
release, row count, value and load time the ``releases`` catalog records for it), so
re-ingesting a year changes its key and its rows are rebuilt on next use; the other years
stay. Where they live: tables in the warehouse file when they are there and current
(written by the copy-on-write writer), else a per-connection in-memory database
(``straits_mem``, attached to the DuckDB connection and visible to all its cursors), which
is also what a read-only warehouse gets. An engine that cannot hold tables (Spark) gets the
same sums as inline sub-queries over ``flows``.

How a query reads them. Call :func:`ensure` with the warehouse, the years and the tables
you need, and splice the returned :class:`Source`'s ``exports`` / ``imports`` text into
``FROM`` (each is one of three constant strings, never caller text)::

    src = aggregates.ensure(wh, years, ("exports", "imports"))
    sql = f"SELECT i.importer, i.product, i.import_kusd FROM {src.imports} AS i WHERE ..."

A table you did not ask for reads as an inline sub-query (correct, just not pre-summed).

For the security engine's no-bloc dependency screen (``security_sql.dependency_screen``):
its ``imp`` CTE (import sum, count, HHI, top supplier and share per importer x product) is
one row of ``agg_imports`` (``import_kusd``, ``n_suppliers``,
``import_sumsq_kusd2 / (import_kusd * import_kusd)``, ``top_exporter``,
``top_kusd / import_kusd``), and its ``ex`` CTE (exports per exporter x product, hence
``wld``, the world export HHI) is ``agg_exports``; both are keyed by BACI codes, HS6, with
``year``, over flows with a value > 0 (imports) or all flows (exports). So the screen
becomes ``ensure(wh, years, ("exports", "imports"))`` and two ``FROM`` swaps, the persistence
window included (one row per year). Bloc screens still need the flows (members merged,
intra-bloc trade dropped); ``metrics_sql`` shows that pattern (``party_map``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

MEMORY_DB = "straits_mem"


@dataclass(frozen=True)
class Source:
    """Where the aggregates are read from: two constant ``FROM`` fragments and a label."""

    exports: str
    imports: str
    where: str  # "warehouse", "memory" or "inline"


_EXPORTS_SELECT = """SELECT f.year, f.exporter, f.product, sum(f.value_kusd) AS value_kusd
FROM flows AS f{where}
GROUP BY f.year, f.exporter, f.product"""

# portable form (window rank) for engines without arg_max over a struct
_IMPORTS_INLINE = """(SELECT r.year, r.importer, r.product, sum(r.v) AS import_kusd,
        sum(r.v * r.v) AS import_sumsq_kusd2,
        max(CASE WHEN r.rk = 1 THEN r.exporter END) AS top_exporter, max(r.v) AS top_kusd,
        count(*) AS n_suppliers
 FROM (SELECT f.year, f.importer, f.product, f.exporter, f.value_kusd AS v,
              row_number() OVER (PARTITION BY f.year, f.importer, f.product
                                 ORDER BY f.value_kusd DESC, f.exporter) AS rk
       FROM flows AS f WHERE f.value_kusd > 0) AS r
 GROUP BY r.year, r.importer, r.product)"""

# DuckDB build: one hash aggregate, ties broken towards the lowest code by the struct key
_IMPORTS_BUILD = """SELECT f.year, f.importer, f.product, sum(f.value_kusd) AS import_kusd,
       sum(f.value_kusd * f.value_kusd) AS import_sumsq_kusd2,
       arg_max(f.exporter, (f.value_kusd, -f.exporter)) AS top_exporter,
       max(f.value_kusd) AS top_kusd, count(*) AS n_suppliers
FROM flows AS f
WHERE f.value_kusd > 0 AND list_contains($years, f.year)
GROUP BY f.year, f.importer, f.product"""

INLINE = Source("(" + _EXPORTS_SELECT.format(where="") + ")", _IMPORTS_INLINE, "inline")
MEMORY = Source(f"{MEMORY_DB}.agg_exports", f"{MEMORY_DB}.agg_imports", "memory")
STORED = Source("agg_exports", "agg_imports", "warehouse")

#: the build statement of each table (filled for the years in ``$years``)
BUILDS = {
    "agg_exports": _EXPORTS_SELECT.format(where="\nWHERE list_contains($years, f.year)"),
    "agg_imports": _IMPORTS_BUILD,
}

DDL = """CREATE TABLE IF NOT EXISTS {db}agg_exports (
    year SMALLINT NOT NULL, exporter INTEGER NOT NULL, product VARCHAR NOT NULL,
    value_kusd DOUBLE NOT NULL);
CREATE TABLE IF NOT EXISTS {db}agg_imports (
    year SMALLINT NOT NULL, importer INTEGER NOT NULL, product VARCHAR NOT NULL,
    import_kusd DOUBLE NOT NULL, import_sumsq_kusd2 DOUBLE NOT NULL,
    top_exporter INTEGER NOT NULL, top_kusd DOUBLE NOT NULL, n_suppliers BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS {db}agg_builds (
    name VARCHAR NOT NULL, year SMALLINT NOT NULL, ingest_key VARCHAR NOT NULL,
    rows BIGINT NOT NULL, built_at TIMESTAMP NOT NULL);"""

_LOCK = threading.Lock()


def ingest_keys(wh: Warehouse, dataset: str = "baci") -> dict[int, str]:
    """Year -> the key of the ingest that loaded it (from the ``releases`` catalog).

    The catalog's ``ingest_id`` column when the warehouse records one; otherwise the
    release, HS revision, row count, value total and load time, which every ingest of a
    year rewrites.
    """
    cat = wh.catalog()
    cols = set(cat.column_names)
    rows = cat.to_pylist()
    out: dict[int, str] = {}
    for r in rows:  # one row per loaded year: a few dozen at most
        if r["dataset"] != dataset:
            continue
        if "ingest_id" in cols and r.get("ingest_id") is not None:
            out[int(r["year"])] = str(r["ingest_id"])
        else:
            out[int(r["year"])] = "|".join(str(r.get(k)) for k in (
                "release", "hs", "rows", "value_kusd", "loaded_at"))
    return out


def _con(wh: Any):
    """The DuckDB connection behind ``wh``, or None on another engine."""
    if getattr(wh, "dialect", None) != "duckdb":
        return None
    return getattr(wh, "con", None)


def _prefix(db: str | None) -> str:
    """``straits_mem.`` for the memory database, nothing for the warehouse's own."""
    return f"{db}." if db else ""


def _built(cur, db: str | None, want: dict[int, str]) -> dict[str, set[int]]:
    """Table -> the years of ``want`` it holds rows of the current ingest for, in ``db``."""
    if db:
        exists = cur.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = $db "
                             "AND table_name = 'agg_builds'", {"db": db}).fetchall()[0][0]
    else:
        exists = cur.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                             "current_database() AND table_name = 'agg_builds'").fetchall()[0][0]
    if not exists:
        return {}
    rows = cur.execute(f"SELECT name, year, ingest_key FROM {_prefix(db)}agg_builds").fetchall()
    have: dict[str, set[int]] = {}
    for name, year, key in rows:  # one row per table and year
        if want.get(int(year)) == key:
            have.setdefault(name, set()).add(int(year))
    return have


def build(con, db: str | None, years: dict[int, str], names: Sequence[str] = tuple(BUILDS)) -> None:
    """(Re)build tables ``names`` in database ``db`` for ``years`` (year -> ingest key).

    Old rows of those years are deleted first; one transaction, so a failure leaves the
    previous rows. ``db`` is ``straits_mem``, or None for the warehouse file itself (the
    copy-on-write writer calls that on its new file).
    """
    db = _prefix(db)
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        for stmt in DDL.format(db=db).split(";"):
            if stmt.strip():
                cur.execute(stmt)
        ys = sorted(years)
        for name in names:
            cur.execute(f"DELETE FROM {db}{name} WHERE list_contains($years, year)",
                        {"years": ys})
            cur.execute(f"DELETE FROM {db}agg_builds WHERE name = $n AND "
                        "list_contains($years, year)", {"n": name, "years": ys})
            cur.execute(f"INSERT INTO {db}{name} {BUILDS[name]}", {"years": ys})
            cur.execute(f"""INSERT INTO {db}agg_builds
SELECT $n, k.year, k.key, count(t.year), now()
FROM (SELECT unnest($years) AS year, unnest($keys) AS key) AS k
LEFT JOIN {db}{name} AS t ON t.year = k.year
GROUP BY k.year, k.key""",
                        {"n": name, "years": ys, "keys": [years[y] for y in ys]})
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()


_FRAGMENTS = {"warehouse": STORED, "memory": MEMORY, "inline": INLINE}

#: environment switch: ``memory`` never writes the aggregates into the warehouse file
ENV = "STRAITS_AGGREGATES"


def _writable(wh: Any) -> bool:
    """True when ``wh`` is a warehouse file this process may write through the writer."""
    path = getattr(wh, "path", None)
    if os.environ.get(ENV, "").lower() == "memory" or path is None:
        return False
    if not hasattr(getattr(wh, "backend", wh), "writing"):
        return False
    p = Path(path)
    return p.is_file() and os.access(p, os.W_OK) and os.access(p.parent, os.W_OK)


def _persist(wh: Any, names: Sequence[str], want: dict[int, str]) -> bool:
    """Build ``names`` for ``want`` into the warehouse file through the copy-on-write writer.

    The writer copies the live file, this builds the tables on the copy from its own flows,
    and the copy is swapped in; the backend then reads the new file. False (and nothing
    written) when another writer holds the lock or the file cannot be written: the caller
    falls back to the in-memory tables.
    """
    from straits.errors import WarehouseError, WarehouseLockedError

    backend = getattr(wh, "backend", wh)  # a Session stands for its backend
    try:
        with backend.writing(f"straits: build {', '.join(names)} for {len(want)} "
                             "year(s)") as con:
            build(con, None, want, names)
    except (WarehouseLockedError, WarehouseError):
        return False
    return True


def ensure(wh: Warehouse, years: Sequence[int], need: Sequence[str] = ("exports",)) -> Source:
    """Make the aggregates ``need`` (``exports``, ``imports``) of ``years`` current.

    Returns where to read each from. A table whose rows for every year asked are current in
    the warehouse file is read there. A missing or stale one is built now, only for the
    tables asked for (the importer table costs more to build): into the warehouse file
    through the copy-on-write writer when this process may write it (not with
    ``STRAITS_AGGREGATES=memory``, an unwritable file, or while another writer holds the
    lock), else into the connection's in-memory database. The aggregates are a cache of
    sums of ``flows``, so a reader may write them: the writer's lock and swap keep every
    other reader on a whole file. A table
    not asked for reads as an inline sub-query, as everything does on an engine without a
    DuckDB connection. Years that are not loaded are left to the caller's own check.
    """
    con = _con(wh)
    keys = ingest_keys(wh) if con is not None else {}
    want = {int(y): keys[int(y)] for y in years if int(y) in keys}
    if con is None or not want:
        return INLINE
    tables = [f"agg_{n}" for n in need]
    with _LOCK:  # one build at a time per process (server threads share a connection)
        missing = _missing(wh, None, tables, want)
        if missing and _writable(wh) and _persist(wh, missing, want):
            missing = _missing(wh, None, tables, want)  # a pinned backend still reads the old
        place = {n: "inline" for n in ("agg_exports", "agg_imports")}
        place.update({n: "warehouse" for n in tables if n not in missing})
        if missing:
            cur = _con(wh).cursor()
            try:
                cur.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {MEMORY_DB} (READ_WRITE)")
            finally:
                cur.close()
            for name in missing:
                stale = {y: k for y, k in want.items()
                         if y not in _built_on(wh, MEMORY_DB, want).get(name, set())}
                if stale:
                    build(_con(wh), MEMORY_DB, stale, [name])
                place[name] = "memory"
    where = ("memory" if "memory" in place.values() else
             "warehouse" if "warehouse" in place.values() else "inline")
    return Source(_FRAGMENTS[place["agg_exports"]].exports,
                  _FRAGMENTS[place["agg_imports"]].imports, where)


def _built_on(wh: Any, db: str | None, want: dict[int, str]) -> dict[str, set[int]]:
    cur = _con(wh).cursor()
    try:
        return _built(cur, db, want)
    finally:
        cur.close()


def _missing(wh: Any, db: str | None, tables: Sequence[str], want: dict[int, str]) -> list[str]:
    """Tables of ``tables`` lacking current rows for some year of ``want`` in ``db``."""
    have = _built_on(wh, db, want)
    return [t for t in tables if not have.get(t, set()) >= set(want)]
