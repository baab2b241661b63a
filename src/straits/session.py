"""Session: one open warehouse and the catalog of what it holds.

``straits.open()`` returns a :class:`Session`. It owns the DuckDB connection, resolves
country and product spellings, runs the queries of :mod:`straits.warehouse.queries` and
returns pandas DataFrames (or Arrow tables with ``arrow=True``). Analytical modules
(metrics, security, value chain) are plain functions taking a session; the methods at the
bottom of this class are thin shortcuts to them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from straits.errors import DataNotLoadedError, ParameterError
from straits.metrics.shortcuts import MetricsMixin
from straits.reference import lookup
from straits.security.shortcuts import SecurityMixin
from straits.sources.shortcuts import ReporterMixin
from straits.valuechain.shortcuts import ValueChainMixin
from straits.warehouse import queries
from straits.warehouse.backend import DuckDBBackend, connect

Frame = pd.DataFrame | pa.Table


class Session(MetricsMixin, SecurityMixin, ReporterMixin, ValueChainMixin):
    """An open Straits warehouse.

    Parameters
    ----------
    db : str or Path, optional
        DuckDB file. ``None`` means ``$STRAITS_DB`` if set, else the default warehouse built
        from the embedded datasets on first use.
    read_only : bool
        Open without write access (several processes may then read one file).
    """

    def __init__(self, db: str | Path | None = None, *, read_only: bool = False) -> None:
        if db is None:
            db = os.environ.get("STRAITS_DB") or None
        self.is_default = db is None
        if db is None:
            from straits.data.default import default_path

            db = default_path()
        self.path = Path(db)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise DataNotLoadedError(f"No warehouse at {self.path}; run `straits ingest` first.")
        self.con = connect(self.path, read_only=read_only)
        self.backend = DuckDBBackend(self.con)

    # -- plumbing ---------------------------------------------------------------------
    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __repr__(self) -> str:
        return f"Session({str(self.path)!r})"

    def query(self, sql: str, *, arrow: bool = False) -> Frame:
        """Run SQL on the warehouse; a DataFrame, or Arrow with ``arrow=True``."""
        table = self.backend.arrow(sql)
        return table if arrow else table.to_pandas()

    # -- catalog ----------------------------------------------------------------------
    def datasets(self) -> pd.DataFrame:
        """What is loaded: dataset, hs, release, year, rows, value_kusd, source, loaded_at."""
        return self.query(queries.datasets())

    def years(self, dataset: str = "baci") -> list[int]:
        """Years of ``dataset`` present in the warehouse, ascending."""
        return [int(y) for y in self.query(queries.loaded_years(dataset))["year"]]

    def latest_year(self, dataset: str = "baci") -> int:
        """Most recent loaded year."""
        years = self.years(dataset)
        if not years:
            raise DataNotLoadedError("The warehouse holds no BACI flows; run `straits ingest`.")
        return years[-1]

    def resolve_years(self, year: int | Sequence[int] | None, *, param: str = "year") -> list[int]:
        """Check requested years are loaded; ``None`` means every loaded year."""
        have = self.years()
        if year is None:
            return have
        wanted = [year] if isinstance(year, int | str) else list(year)
        out = []
        for y in wanted:
            try:
                y = int(y)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"The {param!r} parameter must be a year like 2023. Got {y!r} instead."
                ) from None
            if y not in have:
                span = f"{have[0]}-{have[-1]}" if have else "none"
                raise DataNotLoadedError(
                    f"Year {y} is not loaded (loaded years: {span}); ingest a BACI release "
                    "that covers it."
                )
            out.append(y)
        return out

    def citation(self) -> str:
        """Citation of the loaded BACI release, e.g. ``CEPII BACI HS17 V202601 (...)``."""
        # fetchall, not fetchone: DuckDB 2 refuses further work while a result is unfinished
        rows = self.con.execute("SELECT value FROM meta WHERE key = 'baci_citation'").fetchall()
        return rows[0][0] if rows else "CEPII BACI"

    # -- ingest -----------------------------------------------------------------------
    def ingest(self, path: str | Path, *, years: str | tuple[int, int] | None = None,
               progress=None) -> pd.DataFrame:
        """Load a BACI release (zip or directory) or a reporter file; one summary row each.

        A BACI release gives one row per year loaded. Any other file is recognised by its
        header (UN Comtrade classic or API CSV, Korea customs; see
        :mod:`straits.sources.detect`) and loaded into ``reporter_flows``, one summary row.
        Re-ingesting a year or file replaces it; each ingest is one transaction, so a bad file
        leaves the warehouse as it was.
        """
        p = Path(path)
        if p.is_file() and p.suffix.lower() != ".zip":
            from straits.warehouse.reporter_load import load_reporter_files

            return load_reporter_files(self.con, [p])
        from straits.sources.baci import open_release, parse_years
        from straits.warehouse.load import load_release

        span = parse_years(years) if isinstance(years, str) or years is None else years
        release = open_release(path)
        try:
            rows = load_release(self.con, release, years=span, progress=progress)
        finally:
            release.close()
        return pd.DataFrame(rows, columns=["year", "rows", "value_kusd", "source", "hs", "release"])

    # -- look-ups ---------------------------------------------------------------------
    def country(self, query: str) -> pd.DataFrame:
        """Countries matching a code, ISO code or name: code, iso3, iso2, name, baci_iso3."""
        return lookup.search_countries(query)

    def product(self, query: str) -> pd.DataFrame:
        """Products by HS code prefix or description words: product, description, level, source.

        Searches the loaded release's product table and the HS 2022 nomenclature (which also
        names HS2 and HS4 headings); a code in both is listed once, from the release.
        """
        q = query.strip()
        hs = lookup.hs_nomenclature()
        if q.replace(",", "").isdigit():
            prefixes = tuple(lookup.parse_products(q) or ())
            loaded = self.query(queries.products_matching([]))
            loaded = loaded[loaded["product"].str.startswith(prefixes)]
            hits = hs[hs["product"].str.startswith(prefixes)]
        else:
            words = q.split()
            loaded = self.query(queries.products_matching(words))
            mask = pd.Series(True, index=hs.index)
            for w in words:  # one vectorised test per word the user typed
                mask &= hs["description"].str.contains(w, case=False, regex=False)
            hits = hs[mask]
        out = pd.concat(
            [
                loaded.assign(level="6", source="BACI " + loaded["hs"])
                [["product", "description", "level", "source"]],
                hits.assign(source="HS2022")[["product", "description", "level", "source"]],
            ]
        ).drop_duplicates("product").sort_values("product").reset_index(drop=True)
        return out

    # -- flows ------------------------------------------------------------------------
    def flows(
        self,
        *,
        year: int | Sequence[int] | None = None,
        exporter: str | Sequence[str] | None = None,
        importer: str | Sequence[str] | None = None,
        product: str | Sequence[str] | None = None,
        limit: int | None = None,
        arrow: bool = False,
    ) -> Frame:
        """Bilateral flows.

        Returns columns ``year, exporter, importer, product, value_kusd, quantity_t``
        (ISO3 codes; thousand USD; metric tons), largest value first.
        """
        sql = queries.flows(
            years=self.resolve_years(year),
            exporters=self.country_codes(exporter),
            importers=self.country_codes(importer),
            products=lookup.parse_products(product),
            limit=limit,
        )
        return self.query(sql, arrow=arrow)

    def country_codes(self, spec: str | Sequence[str] | None) -> list[int] | None:
        """BACI codes for economies and blocs; ``None`` or ``world`` -> ``None`` (no filter).

        Accepts ``"KOR"``, ``"KOR,JPN"``, ``"EU27"`` or ``"KOR+JPN"``, resolved by the one
        bloc-aware resolver (:func:`straits.reference.blocs.resolve_party`).
        """
        if spec is None or (isinstance(spec, str) and lookup.is_world(spec)):
            return None
        from straits.reference.blocs import resolve_party

        items = spec.split(",") if isinstance(spec, str) else list(spec)
        codes: list[int] = []
        for item in (str(i).strip() for i in items):
            if item:
                codes.extend(c for c in resolve_party(item).codes if c not in codes)
        return codes

    # -- summaries --------------------------------------------------------------------
    def trade_summary(self, a: str, b: str) -> pd.DataFrame:
        """Trade between two economies in the loaded products, by year and direction.

        Returns year, direction (``A->B``), value_kusd (thousand USD), products (count with
        trade), top_product and top_product_kusd.
        """
        ca, cb = lookup.resolve_country(a), lookup.resolve_country(b)
        pair = ca.codes + cb.codes
        df = self.query(queries.flows_total(years=None, exporters=pair, importers=pair,
                                            products=None, by=("year", "exporter", "importer",
                                                               "product")))
        df = df[df["exporter"] != df["importer"]]
        df = df.assign(direction=df["exporter"] + "->" + df["importer"])
        keys = ["year", "direction"]
        top = df.sort_values("value_kusd", ascending=False).drop_duplicates(keys)
        out = df.groupby(keys, as_index=False).agg(
            value_kusd=("value_kusd", "sum"), products=("product", "nunique")
        ).merge(top[[*keys, "product", "value_kusd"]].rename(
            columns={"product": "top_product", "value_kusd": "top_product_kusd"}), on=keys)
        return out.sort_values(keys).reset_index(drop=True)
