"""Input-output tables as the engine sees them: read from the warehouse, cached, named.

:func:`mrio_table` assembles one year of the warehouse's ``io_*`` tables (the embedded WIOD
2011 table in the default warehouse, or any year a user ingested) into a dense
:class:`~straits.sources.wiod.MRIOTable`; :func:`core` computes its Leontief and Ghosh
quantities once (:mod:`straits._kernels.io`). Both are cached per warehouse and catalog entry,
so a re-ingested year is read again. Region and industry names resolve against the table.
"""

from __future__ import annotations

import difflib
import weakref
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from straits._kernels.io import IOCore, compute_core
from straits.errors import DataNotLoadedError, UnknownCodeError, check_param
from straits.sources.wiod import MRIOTable
from straits.warehouse import valuechain_sql as sql
from straits.warehouse.protocol import Warehouse, resolve_year

IO_DATASET = "wiod"
_ALIASES = {"ROU": "ROM", "ROW": "RoW", "REST OF WORLD": "RoW"}
_TABLES: weakref.WeakKeyDictionary[object, dict[tuple, MRIOTable]] = weakref.WeakKeyDictionary()


def io_year(wh: Warehouse, year: int | None, dataset: str = IO_DATASET) -> int:
    """The table year to use: ``None`` means the latest loaded year of ``dataset``."""
    if not wh.years(dataset):
        raise DataNotLoadedError(
            f"The warehouse holds no {dataset.upper()} input-output table; ingest one "
            "(`straits ingest wiot_2011.parquet`, with sectors.csv beside it).")
    return resolve_year(wh, year, dataset=dataset)


def _loaded_at(wh: Warehouse, dataset: str, year: int) -> object:
    cat = wh.catalog().to_pandas()
    hit = cat[(cat["dataset"] == dataset) & (cat["year"] == year)]
    return hit["loaded_at"].iloc[0] if len(hit) else None


def mrio_table(wh: Warehouse, year: int | None = None, *, dataset: str = IO_DATASET,
               final_demand: bool = False) -> MRIOTable:
    """One input-output table from the warehouse as dense matrices (million current USD).

    Parameters
    ----------
    wh : Warehouse
        The data.
    year : int, optional
        Table year; default the latest loaded year of ``dataset``.
    dataset : str
        Catalog name of the MRIO source (``wiod``).
    final_demand : bool
        Also read the final-demand block ``Y`` (not needed by the shock or reliance; empty
        otherwise).

    Returns
    -------
    MRIOTable
        Collects one year's non-zero cells (about 410,000 for WIOD, ~16 MB dense).
    """
    y = io_year(wh, year, dataset)
    key = (dataset, y, _loaded_at(wh, dataset, y), final_demand)
    try:
        cache = _TABLES.setdefault(wh, {})
    except TypeError:  # a backend that cannot be weakly referenced: no cache
        cache = {}
    if key in cache:
        return cache[key]
    rows = wh.arrow(sql.io_rows(dataset, y)).to_pandas()
    n = len(rows)
    Z = np.zeros((n, n))
    z = wh.arrow(sql.io_cells(dataset, y))
    Z[z.column("row_idx").to_numpy(), z.column("col_idx").to_numpy()] = z.column(
        "value_musd").to_numpy()
    names = wh.arrow(sql.io_industries(dataset, y)).to_pandas()
    fd = wh.arrow(sql.io_final_cols(dataset, y)).to_pandas() if final_demand else None
    Y = np.zeros((n, 0 if fd is None else len(fd)))
    if fd is not None:
        f = wh.arrow(sql.io_cells(dataset, y, final=True))
        Y[f.column("row_idx").to_numpy(), f.column("col_idx").to_numpy()] = f.column(
            "value_musd").to_numpy()
    table = MRIOTable(
        Z=Z, Y=Y, x=rows["output_musd"].to_numpy(float), countries=tuple(rows["country"]),
        industries=tuple(rows["industry"]),
        industry_names=dict(zip(names["industry"], names["name"], strict=True)),
        fd_labels=() if fd is None else tuple(fd["country"] + "." + fd["category"]),
        unit="million current USD", source=wh.citation(dataset), year=y,
    )
    cache.clear()  # one table per warehouse is enough; a dense WIOD year is ~16 MB
    cache[key] = table
    return table


_CORES: weakref.WeakKeyDictionary[MRIOTable, IOCore] = weakref.WeakKeyDictionary()


def core(table: MRIOTable) -> IOCore:
    """A, B, L, G, f, v of ``table``, computed on first use and cached.

    Parameters
    ----------
    table : MRIOTable

    Returns
    -------
    IOCore
        See :func:`straits._kernels.io.compute_core` for the formulas.
    """
    hit = _CORES.get(table)
    if hit is None:
        hit = _CORES[table] = compute_core(table.Z, table.x)
    return hit


def _as_list(spec: str | Sequence[str] | None) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, str):
        parts = spec.replace("+", ",").split(",")
    else:
        parts = [str(p) for p in spec]
    return [p.strip() for p in parts if p.strip()]


def resolve_regions(table: MRIOTable, spec: str | Sequence[str], *, name: str, func: str) -> list[str]:
    """Region codes of the table from ISO3 codes or country names ("KOR", "Korea", "RoW")."""
    regions = table.regions
    upper = {r.upper(): r for r in regions}
    out: list[str] = []
    for q in _as_list(spec):
        key = _ALIASES.get(q.upper(), q).upper()
        code = upper.get(key)
        if code is None:
            try:
                from straits.reference.lookup import resolve_country

                iso3 = resolve_country(q).iso3
                code = upper.get(_ALIASES.get(iso3, iso3).upper())
            except Exception:  # noqa: BLE001 - any failure means "not a WIOD region"
                code = None
        if code is None:
            raise UnknownCodeError(
                f"The {name!r} parameter of {func}: {q!r} is not a region of the {table.year} table "
                f"({len(regions)} regions: {', '.join(regions)})."
            )
        out.append(code)
    check_param(name, func, bool(out), "one or more country codes", spec)
    return list(dict.fromkeys(out))


def resolve_sectors(table: MRIOTable, spec: str | Sequence[str] | None, *, name: str, func: str) -> list[str]:
    """Industry codes from ``c9``, ``9`` or an exact/unique partial name; None means all."""
    sectors = table.sectors
    if spec is None:
        return list(sectors)
    names = {k: v for k, v in table.industry_names.items() if k in sectors}
    out: list[str] = []
    for q in _as_list(spec):
        ql = q.lower()
        code = ql if ql in sectors else (f"c{ql}" if f"c{ql}" in sectors else None)
        if code is None:
            hits = [k for k, v in names.items() if ql == v.lower()] or [
                k for k, v in names.items() if ql in v.lower()
            ]
            code = hits[0] if len(hits) == 1 else None
            if len(hits) > 1:
                raise UnknownCodeError(
                    f"The {name!r} parameter of {func}: industry {q!r} is ambiguous "
                    f"({', '.join(f'{h} {names[h]}' for h in hits[:5])}); use a code such as {hits[0]}."
                )
        if code is None:
            close = difflib.get_close_matches(q, list(names.values()), n=3)
            raise UnknownCodeError(
                f"The {name!r} parameter of {func}: unknown industry {q!r}; expected c1-c{len(sectors)}"
                + (f" (did you mean {', '.join(close)}?)" if close else "") + "."
            )
        out.append(code)
    return list(dict.fromkeys(out))


def index_of(table: MRIOTable, regions: list[str], sectors: list[str]) -> np.ndarray:
    """Positions of the rows of ``regions`` x ``sectors``, in table order."""
    c = np.asarray(table.countries)
    s = np.asarray(table.industries)
    return np.flatnonzero(np.isin(c, regions) & np.isin(s, sectors))


@lru_cache(maxsize=8)
def labels(table: MRIOTable) -> pd.DataFrame:
    """``country, industry, industry_name`` of every row (cached per table)."""
    return table.labels()
