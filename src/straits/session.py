"""Session: one open warehouse, and typed shortcuts to every engine.

``straits.open()`` returns a :class:`Session`. It holds a backend (a
:class:`~straits.warehouse.protocol.Warehouse`: DuckDB by default) and composes the engines:
each method below is a typed one-line call of an engine function with the backend as its
first argument. Engines never import this module, so dependencies point one way:
Session -> engines -> Warehouse.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from straits.errors import ParameterError
from straits.valuechain import thresholds as th
from straits.warehouse import protocol
from straits.warehouse.backend import DuckDBBackend
from straits.warehouse.query import Query

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from straits.metrics.complexity import ComplexityResult
    from straits.security.events import Event
    from straits.security.monthly import MonthlyEvent
    from straits.security.mutual import Mutual
    from straits.warehouse.protocol import Warehouse


class Session:
    """An open Straits warehouse.

    Parameters
    ----------
    db : str or Path, optional
        DuckDB file. ``None`` means ``$STRAITS_DB`` if set, else the default warehouse built
        from the embedded datasets on first use.
    read_only : bool
        Refuse writes, and require the file to exist. Either way the file is opened
        read-only: writes (ingest, aggregates) go through :mod:`straits.warehouse.write`,
        which swaps a new file in, and the session then reconnects to it. So any number of
        sessions and processes read one file while one of them writes.
    backend : Warehouse, optional
        An already open backend (e.g. ``SparkBackend``); ``db`` is then ignored.
    """

    def __init__(self, db: str | Path | None = None, *, read_only: bool = False,
                 backend: Warehouse | None = None) -> None:
        self.read_only = read_only
        if backend is not None:
            self.backend = backend
            self.path = getattr(backend, "path", None)
            self.is_default = False
            return
        if db is None:
            db = os.environ.get("STRAITS_DB") or None
        self.is_default = db is None
        if db is None:
            from straits.data.default import default_path

            db = default_path()
        self.path = Path(db)
        self.backend = DuckDBBackend.open(self.path, must_exist=read_only)

    # -- plumbing ---------------------------------------------------------------------
    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the backend."""
        self.backend.close()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"Session({str(self.path)!r})"

    @property
    def con(self):
        """The read-only DuckDB connection (DuckDB backend only; tests read through it)."""
        return self.backend.con  # type: ignore[attr-defined]

    def refresh(self) -> bool:
        """Reconnect if another process swapped a new warehouse file in (see ``write``)."""
        return self.backend.refresh()  # type: ignore[attr-defined]

    def writing(self, command: str, *, wait: float = 0.0):
        """Context manager: a read-write connection on a copy, swapped in on success.

        See :func:`straits.warehouse.write.writing`; the session reconnects afterwards.
        """
        self._require_writable()
        return self.backend.writing(command, wait=wait)  # type: ignore[attr-defined]

    def _require_writable(self) -> None:
        if self.read_only or not hasattr(self.backend, "writing"):
            raise ParameterError(f"The warehouse {self.path} was opened read-only; open it "
                                 "with straits.open(path) to write.")

    # -- the Warehouse protocol, forwarded (so a Session can stand where a backend does) --
    @property
    def dialect(self) -> str:
        """SQL dialect of the backend."""
        return self.backend.dialect

    def arrow(self, query: Query) -> pa.Table:
        """Run a :class:`~straits.warehouse.query.Query`; an Arrow table."""
        return self.backend.arrow(query)

    def batches(self, query: Query, rows: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        """Run a :class:`~straits.warehouse.query.Query`; its result in record batches."""
        return self.backend.batches(query, rows)

    def catalog(self) -> pa.Table:
        """One row per loaded dataset and year."""
        return self.backend.catalog()

    def citation(self, dataset: str = "baci") -> str:
        """Citation of the loaded release of ``dataset``."""
        return self.backend.citation(dataset)

    def has_table(self, name: str) -> bool:
        """True when the warehouse holds rows in table ``name``."""
        return self.backend.has_table(name)

    def query(self, sql: str | Query, *, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Run a query (a :class:`Query`, or SQL text on DuckDB); DataFrame or Arrow."""
        q = sql if isinstance(sql, Query) else Query("adhoc", sql)
        table = self.backend.arrow(q)
        return table if arrow else table.to_pandas()

    # -- catalog ----------------------------------------------------------------------
    def datasets(self, *, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """What is loaded: dataset, hs, release, year, rows, value_kusd, source, loaded_at."""
        from straits.warehouse import queries

        return self.query(queries.datasets(), arrow=arrow)

    def years(self, dataset: str = "baci") -> list[int]:
        """Years of ``dataset`` present in the warehouse, ascending."""
        return self.backend.years(dataset)

    def latest_year(self, dataset: str = "baci") -> int:
        """Most recent loaded year."""
        return protocol.latest_year(self.backend, dataset)

    def resolve_years(self, year: int | Sequence[int] | None, *, param: str = "year") -> list[int]:
        """Requested years, checked loaded; ``None`` means the latest loaded year."""
        return protocol.resolve_years(self.backend, year, param=param)

    def country_codes(self, spec: str | Sequence[str] | None) -> list[int] | None:
        """BACI codes for economies and blocs (see :func:`straits.resolve.country_codes`)."""
        from straits.resolve import country_codes

        return country_codes(spec)

    # -- ingest -----------------------------------------------------------------------
    def ingest(self, path: str | Path, *, years: str | tuple[int, int] | None = None,
               progress=None, wait: float = 0.0, allow_empty: bool = False) -> pd.DataFrame:
        """Load a BACI release (zip or directory) or a reporter file; one summary row each.

        A BACI release gives one row per year loaded. Any other file is recognised by its
        header (UN Comtrade classic or API CSV, Korea customs; see
        :mod:`straits.sources.detect`) and loaded into ``reporter_flows``, one summary row.
        An ETO chip-chain folder (``provision.csv``, ``providers.csv``...) replaces the ETO
        tables, and ``wiot_{year}.parquet`` WIOD tables (a file or a folder of them) replace
        those years (:mod:`straits.warehouse.valuechain_load`).
        Re-ingesting a year or file replaces it. The write is a copy-on-write swap
        (:mod:`straits.warehouse.write`): a bad file leaves the warehouse as it was, and
        readers keep the old state until they reconnect. ``wait`` bounds the seconds spent
        queueing behind another writer; ``allow_empty`` lets a year file without flows
        replace a year (otherwise an error).
        """
        from straits.warehouse.load import ingest_baci
        from straits.warehouse.reporter_load import ingest_reporter

        self._require_writable()
        p = Path(path)
        from straits.sources.eto import is_eto_folder
        from straits.sources.wiod import wiod_files

        if is_eto_folder(p) or wiod_files(p):  # the layouts load_valuechain recognises
            from straits.warehouse.valuechain_load import load_valuechain

            with self.backend.writing(f"ingest {p}", wait=wait) as con:  # type: ignore[attr-defined]
                out = load_valuechain(con, p)
        elif p.is_file() and p.suffix.lower() != ".zip":
            out = ingest_reporter(self.path, p, wait=wait)
        else:
            out = ingest_baci(self.path, p, years=years, progress=progress, wait=wait,
                              allow_empty=allow_empty)
        self.backend.refresh()  # type: ignore[attr-defined]
        return out

    # -- look-ups ---------------------------------------------------------------------
    def country(self, query: str) -> pd.DataFrame:
        """Countries matching a code, ISO code or name (en/ko/ja); see ``lookup.search_countries``."""
        from straits.reference import lookup

        return lookup.search_countries(query).to_pandas()

    def product(self, query: str) -> pd.DataFrame:
        """Products by HS code prefix, name (en/ko/ja) or description words.

        Columns: product, description, level, source, alias, scope, note; see
        :func:`straits.resolve.search_products`.
        """
        from straits.resolve import search_products

        return search_products(self.backend, query).to_pandas()

    # -- flows ------------------------------------------------------------------------
    def flows(
        self,
        *,
        year: int | Sequence[int] | None = None,
        exporter: str | Sequence[str] | None = None,
        importer: str | Sequence[str] | None = None,
        product: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        arrow: bool = False,
    ) -> pd.DataFrame | pa.Table:
        """Bilateral flows; see :func:`straits.flows.flows` (``year=None``: latest loaded)."""
        from straits.flows import flows

        t = flows(self.backend, year=year, exporter=exporter, importer=importer,
                  product=product, limit=limit, offset=offset)
        return t if arrow else _pandas(t)

    def trade_summary(self, a: str, b: str) -> pd.DataFrame:
        """Trade between two economies by year and direction; see :func:`straits.flows.trade_summary`."""
        from straits.flows import trade_summary

        return trade_summary(self.backend, a, b)

    # -- metrics (straits.metrics) ------------------------------------------------------
    def rca(self, *, year: int | Sequence[int] | None = None,
            country: str | Sequence[str] | None = None,
            product: str | Sequence[str] | None = None, level: str = "hs6") -> pd.DataFrame:
        """Balassa RCA and RSCA: see :func:`straits.metrics.rca.rca`."""
        from straits.metrics.rca import rca

        return rca(self.backend, year=year, country=country, product=product, level=level)

    def market_shares(self, *, year: int | Sequence[int] | None = None,
                      product: str | Sequence[str] | None = None,
                      importer: str | Sequence[str] | None = None, top: int | None = None,
                      level: str = "hs6") -> pd.DataFrame:
        """Exporters' market shares: see :func:`straits.metrics.shares.market_shares`."""
        from straits.metrics.shares import market_shares

        return market_shares(self.backend, year=year, product=product, importer=importer,
                             top=top, level=level)

    def totals(self, *, year: int | Sequence[int] | None = None, level: str = "hs6",
               country: str | Sequence[str] | None = None,
               product: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Export and import totals: see :func:`straits.metrics.shares.totals`."""
        from straits.metrics.shares import totals

        return totals(self.backend, year=year, level=level, country=country, product=product)

    def concentration(self, *, year: int | Sequence[int] | None = None,
                      product: str | Sequence[str] | None = None,
                      importer: str | Sequence[str] | None = None, by_importer: bool = False,
                      level: str = "hs6") -> pd.DataFrame:
        """Supplier HHI per product: see :func:`straits.metrics.concentration.concentration`."""
        from straits.metrics.concentration import concentration

        return concentration(self.backend, year=year, product=product, importer=importer,
                             by_importer=by_importer, level=level)

    def bilateral(self, a: str, b: str, *, year: int | Sequence[int] | None = None,
                  level: str = "hs6", product: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Bilateral indices of A and B: see :func:`straits.metrics.bilateral.bilateral`."""
        from straits.metrics.bilateral import bilateral

        return bilateral(self.backend, a, b, year=year, level=level, product=product)

    def grubel_lloyd_by_product(self, a: str, b: str, *,
                                year: int | Sequence[int] | None = None, level: str = "hs6",
                                product: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Grubel-Lloyd per product: see :func:`straits.metrics.bilateral.grubel_lloyd_by_product`."""
        from straits.metrics.bilateral import grubel_lloyd_by_product

        return grubel_lloyd_by_product(self.backend, a, b, year=year, level=level,
                                       product=product)

    def complexity(self, *, year: int | Sequence[int] | None = None, level: str = "hs6",
                   method: str = "eci", threshold: float = 1.0, min_exports: float = 0.0,
                   average: bool = False, product: str | Sequence[str] | None = None,
                   country: str | Sequence[str] | None = None,
                   min_headings: int | None = None, min_chapters: int | None = None,
                   min_economies: int | None = None) -> ComplexityResult:
        """ECI/PCI or Fitness: see :func:`straits.metrics.complexity.complexity`.

        The ``min_*`` thresholds of the product-space guard: ``None`` keeps the default.
        """
        from straits.metrics.complexity import complexity

        return complexity(self.backend, year=year, level=level, method=method,
                          threshold=threshold, min_exports=min_exports, average=average,
                          product=product, country=country, min_headings=min_headings,
                          min_chapters=min_chapters, min_economies=min_economies)

    def published_eci(self, *, country: str | Sequence[str] | None = None,
                      year: int | Sequence[int] | None = None) -> pd.DataFrame:
        """The Atlas's published ECI, ranked by value: see :func:`straits.metrics.eci.published_eci`."""
        from straits.metrics.eci import published_eci

        return published_eci(self.backend, country=country, year=year)

    # -- security (straits.security) ----------------------------------------------------
    def dependency(self, importer: str, *, year: int | None = None,
                   products: str | Sequence[str] | None = None, persistence: int | None = None,
                   blocs: str | Sequence[str] | None = None,
                   arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Dependency screen; see :func:`straits.security.dependency.dependency`."""
        from straits.security.dependency import dependency

        return dependency(self.backend, importer, year=year, products=products,
                          persistence=persistence, blocs=blocs, arrow=arrow)

    def dependency_all(self, *, year: int | None = None,
                       products: str | Sequence[str] | None = None,
                       persistence: int | None = None, blocs: str | Sequence[str] | None = None,
                       arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Screen of every importer; see :func:`straits.security.dependency.dependency_all`."""
        from straits.security.dependency import dependency_all

        return dependency_all(self.backend, year=year, products=products,
                              persistence=persistence, blocs=blocs, arrow=arrow)

    def mutual(self, a: str, b: str, *, year: int | None = None,
               min_share: float | None = None) -> Mutual:
        """Mutual dependence; see :func:`straits.security.mutual.mutual`."""
        from straits.security.dependence import MIN_SHARE
        from straits.security.mutual import mutual

        return mutual(self.backend, a, b, year=year,
                      min_share=MIN_SHARE if min_share is None else min_share)

    def shared_dependence(self, a: str, b: str, *, on: str = "CHN", year: int | None = None,
                          min_share: float | None = None, redirect: float = 0.2,
                          n_substitutes: int = 3) -> pd.DataFrame:
        """Shared dependence on a third economy; see :func:`straits.security.mutual.shared_dependence`."""
        from straits.security.dependence import MIN_SHARE
        from straits.security.mutual import shared_dependence

        return shared_dependence(self.backend, a, b, on=on, year=year,
                                 min_share=MIN_SHARE if min_share is None else min_share,
                                 redirect=redirect, n_substitutes=n_substitutes)

    def shock(self, *, exporter: str | Sequence[str], importer: str | Sequence[str],
              products: str | Sequence[str], year: int | None = None, cut: float = 1.0,
              redirect: float = 0.2, also_restricting: str | Sequence[str] | None = None,
              by: str = "importer", n_substitutes: int = 3,
              arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Restriction shock (shared substitute pool); see :func:`straits.security.shock.shock`."""
        from straits.security.shock import shock

        return shock(self.backend, exporter=exporter, importer=importer, products=products,
                     year=year, cut=cut, redirect=redirect, also_restricting=also_restricting,
                     by=by, n_substitutes=n_substitutes, arrow=arrow)

    def event(self, preset: str | None = None, *, importer: str | None = None,
              exporter: str | None = None, products: str | Sequence[str] | None = None,
              start: str | None = None) -> Event:
        """Annual event replay; see :func:`straits.security.events.event`."""
        from straits.security.events import event

        return event(self.backend, preset, importer=importer, exporter=exporter,
                     products=products, start=start)

    # -- reporter data and monthly series (straits.sources.reporter, security.monthly) ---
    def reporter_flows(self, *, reporter: str | Sequence[str] | None = None,
                       partner: str | Sequence[str] | None = None, flow: str | None = None,
                       product: str | Sequence[str] | None = None,
                       year: int | Sequence[int] | None = None, monthly: bool | None = None,
                       limit: int | None = None) -> pd.DataFrame:
        """Stored reporter rows; see :func:`straits.sources.reporter.reporter_flows`."""
        from straits.sources.reporter import reporter_flows

        return reporter_flows(self.backend, reporter=reporter, partner=partner, flow=flow,
                              product=product, year=year, monthly=monthly, limit=limit)

    def reporter_shares(self, reporter: str, *, product: str | Sequence[str] | None = None,
                        partner: str | Sequence[str] | None = None, flow: str = "import",
                        by: str = "year", year: int | Sequence[int] | None = None) -> pd.DataFrame:
        """Partner shares of a reporter's trade; see :func:`straits.sources.reporter.reporter_shares`."""
        from straits.sources.reporter import reporter_shares

        return reporter_shares(self.backend, reporter, product=product, partner=partner,
                               flow=flow, by=by, year=year)

    def reporter_sources(self) -> pd.DataFrame:
        """Reporter files loaded; see :func:`straits.sources.reporter.reporter_sources`."""
        from straits.sources.reporter import reporter_sources

        return reporter_sources(self.backend)

    def mirror(self, reporter: str, partner: str, product: str,
               year: int | None = None) -> pd.DataFrame:
        """Reporter vs mirror vs BACI; see :func:`straits.sources.reporter.mirror`."""
        from straits.sources.reporter import mirror

        return mirror(self.backend, reporter, partner, product, year)

    def monthly_event(self, preset: str | None = None, *, importer: str | None = None,
                      exporter: str | None = None, products: str | Sequence[str] | None = None,
                      start: str | None = None, months_before: int = 12,
                      months_after: int = 18) -> MonthlyEvent:
        """Monthly event replay; see :func:`straits.security.monthly.monthly_event`."""
        from straits.security.monthly import monthly_event

        return monthly_event(self.backend, preset, importer=importer, exporter=exporter,
                             products=products, start=start, months_before=months_before,
                             months_after=months_after)

    def watch(self, importer: str, *, products: str | Sequence[str] | None = None,
              start: str | None = None, end: str | None = None, drop_threshold: float = 0.5,
              share_threshold: float = 0.5, new_share: float = 0.1,
              min_value_usd: float = 100_000.0, min_share: float = 0.1,
              cooldown: int = 2) -> pd.DataFrame:
        """Early-warning signals; see :func:`straits.security.watch.watch`."""
        from straits.security.watch import watch

        return watch(self.backend, importer, products=products, start=start, end=end,
                     drop_threshold=drop_threshold, share_threshold=share_threshold,
                     new_share=new_share, min_value_usd=min_value_usd, min_share=min_share,
                     cooldown=cooldown)

    def monthly_mirror(self, importer: str, exporter: str, product: str, *,
                       start: str | None = None, end: str | None = None, lag: int | None = None,
                       tolerance: float = 0.25, min_value_usd: float = 100_000.0) -> pd.DataFrame:
        """Both records of one flow, monthly; see :func:`straits.feed.mirror.monthly_mirror`."""
        from straits.feed.mirror import monthly_mirror

        return monthly_mirror(self.backend, importer, exporter, product, start=start, end=end,
                              lag=lag, tolerance=tolerance, min_value_usd=min_value_usd)

    def last_refresh(self) -> dict | None:
        """When `straits refresh` last ran; see :func:`straits.feed.refresh.last_refresh`."""
        from straits.feed.refresh import last_refresh

        return last_refresh(self.backend)

    def has_monthly_data(self) -> bool:
        """True when monthly reporter series are loaded (the event replay can go monthly)."""
        from straits.sources.reporter import has_monthly_data

        return has_monthly_data(self.backend)

    # -- value chain (straits.valuechain) -----------------------------------------------
    def chain(self, *, country: str | None = None, input: str | None = None) -> pd.DataFrame:  # noqa: A002
        """Shares of countries and firms on every chip input; see ``valuechain.chips.chain``."""
        from straits.valuechain.chips import chain

        return chain(self.backend, country=country, input=input)

    def chokepoints(self, *, country_threshold: float = th.COUNTRY_THRESHOLD,
                    firm_top3_threshold: float = th.FIRM_TOP3_THRESHOLD,
                    include_all: bool = False) -> pd.DataFrame:
        """Chip-supply chokepoints; see ``valuechain.chips.chokepoints``."""
        from straits.valuechain.chips import chokepoints

        return chokepoints(self.backend, country_threshold=country_threshold,
                           firm_top3_threshold=firm_top3_threshold, include_all=include_all)

    def chain_pair(self, a: str, b: str, *, joint_threshold: float = th.JOINT_THRESHOLD,
                   weak_threshold: float = th.WEAK_THRESHOLD) -> pd.DataFrame:
        """Two countries along the chip chain; see ``valuechain.chips.chain_pair``."""
        from straits.valuechain.chips import chain_pair

        return chain_pair(self.backend, a, b, joint_threshold=joint_threshold,
                          weak_threshold=weak_threshold)

    def chain_downstream(self, input: str) -> pd.DataFrame:  # noqa: A002
        """Downstream paths of a chip input; see ``valuechain.chips.downstream``."""
        from straits.valuechain.chips import downstream

        return downstream(self.backend, input)

    def io_shock(self, *, supplier: str | Sequence[str], sector: str | Sequence[str],
                 customer: str | Sequence[str], cut: float, year: int | None = None,
                 customer_sector: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Input-output supply-cut propagation; see ``valuechain.io.io_shock``."""
        from straits.valuechain.io import io_shock

        return io_shock(self.backend, supplier=supplier, sector=sector, customer=customer,
                        cut=cut, year=year, customer_sector=customer_sector)

    def foreign_input_reliance(self, *, country: str | Sequence[str],
                               supplier: str | Sequence[str] | None = None,
                               industry: str | Sequence[str] | None = None,
                               year: int | None = None) -> pd.DataFrame:
        """Face-value and look-through input reliance; see ``valuechain.io.foreign_input_reliance``."""
        from straits.valuechain.io import foreign_input_reliance

        return foreign_input_reliance(self.backend, country=country, supplier=supplier,
                                      industry=industry, year=year)


def _pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow -> pandas with the provenance carried into ``attrs``."""
    from straits.provenance import attach, of

    df = table.to_pandas()
    prov = of(table)
    return attach(df, prov) if prov is not None else df
