"""Atomic loads of the value-chain datasets: ETO chip-chain tables and MRIO (WIOD) tables.

Each file set is parsed and checked completely first (:mod:`straits.sources.eto`,
:mod:`straits.sources.wiod`); only clean tables reach the warehouse, inside one transaction
that replaces the previous rows of the same dataset (ETO: all of it; an IO table: its year),
writes the catalog rows (``releases``) and the citation (``meta``). Any failure rolls back, so
the warehouse keeps exactly its previous state.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from straits.errors import InputFileError
from straits.sources.eto import ETO_ATTRIBUTION, ETO_LICENCE, ETO_RELEASE, read_eto
from straits.sources.wiod import WIOD_CITATION, WIOD_RELEASE, MRIOTable, read_wiod, wiod_files

SUMMARY = ["dataset", "release", "year", "rows", "source"]
_ETO_TABLES = ("eto_nodes", "eto_node_stages", "eto_edges", "eto_providers", "eto_aliases",
               "eto_shares")
_IO_TABLES = ("io_rows", "io_final_cols", "io_z", "io_final", "io_industries")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the value-chain tables if this warehouse predates them."""
    con.execute(resources.files("straits.warehouse").joinpath("valuechain.sql").read_text("utf-8"))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _catalog(con: duckdb.DuckDBPyConnection, dataset: str, release: str, year: int, rows: int,
             source: str, size: int | None) -> None:
    con.execute("INSERT OR REPLACE INTO releases (dataset, hs, release, year, rows, value_kusd, "
                "source, bytes, loaded_at) VALUES ($d, '', $r, $y, $n, NULL, $s, $b, $t)",
                {"d": dataset, "r": release, "y": int(year), "n": int(rows), "s": source,
                 "b": size, "t": _now()})


def _insert(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    # ``table`` is one of the constant names above, never a caller's value
    con.register("_straits_vc", df)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _straits_vc")
    finally:
        con.unregister("_straits_vc")


def _countries() -> set[str]:
    from straits.reference.lookup import countries

    return set(countries()["iso3"].dropna())


def load_eto(con: duckdb.DuckDBPyConnection, folder: str | Path) -> pd.DataFrame:
    """Replace the ETO tables with the folder's; one summary row per data year.

    Raises
    ------
    InputFileError
        The folder breaks the ETO layout; nothing is stored.
    """
    t = read_eto(folder, countries=_countries())
    years = t.shares.groupby(t.shares["year"].astype("float").fillna(-1).astype(int)).size()
    if (years.index < 0).all():
        raise InputFileError(t.folder / "provision.csv", "no share row has a year", column="year")
    ensure_schema(con)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in _ETO_TABLES:
            con.execute(f"DELETE FROM {table}")  # constant table names
        con.execute("DELETE FROM releases WHERE dataset = 'eto'")
        for table, df in zip(_ETO_TABLES, (t.nodes, t.node_stages, t.edges, t.providers,
                                           t.aliases, t.shares), strict=True):
            _insert(con, table, df)
        size = sum(f.stat().st_size for f in t.folder.glob("*.csv"))
        for year, n in years[years.index >= 0].items():
            _catalog(con, "eto", ETO_RELEASE, int(year), int(n), t.folder.name, size)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('eto_citation', $c), "
                    "('eto_licence', $l)", {"c": ETO_ATTRIBUTION, "l": ETO_LICENCE})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return pd.DataFrame([{"dataset": "eto", "release": ETO_RELEASE, "year": int(y), "rows": int(n),
                          "source": t.folder.name} for y, n in years[years.index >= 0].items()],
                        columns=SUMMARY)


def _mrio_frames(t: MRIOTable, dataset: str) -> dict[str, pd.DataFrame]:
    """The ``io_*`` rows of one table (non-zero cells only)."""
    y = np.int16(t.year)
    n = len(t.x)
    rz, cz = np.nonzero(t.Z)
    rf, cf = np.nonzero(t.Y)
    fd = [lab.split(".", 1) if "." in lab else (lab, "") for lab in t.fd_labels]
    return {
        "io_rows": pd.DataFrame({"dataset": dataset, "year": y, "idx": np.arange(n, dtype=np.int32),
                                 "country": t.countries, "industry": t.industries,
                                 "output_musd": t.x}),
        "io_final_cols": pd.DataFrame({"dataset": dataset, "year": y,
                                       "idx": np.arange(len(fd), dtype=np.int32),
                                       "country": [c for c, _ in fd],
                                       "category": [k for _, k in fd]}),
        "io_z": pd.DataFrame({"dataset": dataset, "year": y, "row_idx": rz.astype(np.int32),
                              "col_idx": cz.astype(np.int32), "value_musd": t.Z[rz, cz]}),
        "io_final": pd.DataFrame({"dataset": dataset, "year": y, "row_idx": rf.astype(np.int32),
                                  "col_idx": cf.astype(np.int32), "value_musd": t.Y[rf, cf]}),
        "io_industries": pd.DataFrame({"dataset": dataset, "year": y,
                                       "industry": list(dict.fromkeys(t.industries)),
                                       "name": [t.industry_names.get(i, i)
                                                for i in dict.fromkeys(t.industries)]}),
    }


def load_mrio(con: duckdb.DuckDBPyConnection, tables: list[MRIOTable], *, dataset: str,
              release: str, citation: str, sources: list[str]) -> pd.DataFrame:
    """Store input-output tables (one per year), replacing those years; one summary row each.

    Parameters
    ----------
    tables : list of MRIOTable
        Checked tables (any MRIO source).
    dataset, release, citation : str
        Catalog name (``wiod``), release label and the citation stored in ``meta``.
    sources : list of str
        File each table came from (catalog ``source``).
    """
    ensure_schema(con)
    out = []
    con.execute("BEGIN TRANSACTION")
    try:
        for t, src in zip(tables, sources, strict=True):
            for table in _IO_TABLES:  # constant table names; values bound
                con.execute(f"DELETE FROM {table} WHERE dataset = $d AND year = $y",
                            {"d": dataset, "y": int(t.year)})
            frames = _mrio_frames(t, dataset)
            for table in _IO_TABLES:
                _insert(con, table, frames[table])
            rows = len(frames["io_z"]) + len(frames["io_final"])
            size = Path(src).stat().st_size if Path(src).exists() else None
            _catalog(con, dataset, release, t.year, rows, Path(src).name, size)
            out.append({"dataset": dataset, "release": release, "year": int(t.year), "rows": rows,
                        "source": Path(src).name})
        con.execute("INSERT OR REPLACE INTO meta VALUES ($k, $c)",
                    {"k": f"{dataset}_citation", "c": citation})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return pd.DataFrame(out, columns=SUMMARY)


def load_wiod(con: duckdb.DuckDBPyConnection, path: str | Path) -> pd.DataFrame:
    """Check and store every ``wiot_{year}.parquet`` at ``path`` (a file or a folder).

    All files are read and checked before anything is written, then stored in one
    transaction: one bad file leaves the warehouse as it was.
    """
    files = wiod_files(path)
    if not files:
        raise InputFileError(path, "no wiot_{year}.parquet file (WIOD 2013 layout) found")
    tables = [read_wiod(f, y) for y, f in sorted(files.items())]
    return load_mrio(con, tables, dataset="wiod", release=WIOD_RELEASE, citation=WIOD_CITATION,
                     sources=[str(files[t.year]) for t in tables])


def load_valuechain(con: duckdb.DuckDBPyConnection, path: str | Path) -> pd.DataFrame | None:
    """Load ``path`` if it is an ETO folder or WIOD table(s); None when it is neither.

    This is how ``straits ingest`` recognises the value-chain layouts before trying BACI or
    reporter files.
    """
    from straits.sources.eto import is_eto_folder

    if is_eto_folder(path):
        return load_eto(con, path)
    if wiod_files(path):
        return load_wiod(con, path)
    return None
