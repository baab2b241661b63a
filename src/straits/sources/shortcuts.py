"""Session shortcuts for reporter (Comtrade, customs) and monthly data."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from straits.security.monthly import MonthlyEvent


class ReporterMixin:
    """Methods mixed into :class:`straits.session.Session`."""

    def reporter_flows(self, **kw) -> pd.DataFrame:
        """Stored reporter rows; see :func:`straits.sources.reporter.reporter_flows`."""
        from straits.sources.reporter import reporter_flows

        return reporter_flows(self, **kw)

    def reporter_sources(self) -> pd.DataFrame:
        """Reporter files loaded: source, layout, dataset, reporters, rows, value, periods."""
        from straits.sources.reporter import require_reporter_data
        from straits.warehouse.reporter_sql import sources

        require_reporter_data(self)
        return self.query(sources())

    def mirror(self, reporter: str, partner: str, product: str, year: int) -> pd.DataFrame:
        """Reporter vs mirror vs BACI; see :func:`straits.sources.reporter.mirror`."""
        from straits.sources.reporter import mirror

        return mirror(self, reporter, partner, product, year)

    def monthly_event(self, preset: str, importer: str | None = None, **kw) -> MonthlyEvent:
        """Monthly event replay; see :func:`straits.security.monthly.monthly_event`."""
        from straits.security.monthly import monthly_event

        return monthly_event(self, preset, importer=importer, **kw)

    def watch(self, importer: str, **kw) -> pd.DataFrame:
        """Early-warning signals; see :func:`straits.security.watch.watch`."""
        from straits.security.watch import watch

        return watch(self, importer, **kw)

    def has_monthly_data(self) -> bool:
        """True when monthly reporter series are loaded (the event replay can go monthly)."""
        from straits.warehouse.reporter_load import has_reporter_data

        if not has_reporter_data(self.con):
            return False
        return bool(self.con.execute(
            "SELECT count(*) > 0 FROM reporter_flows WHERE month IS NOT NULL").fetchall()[0][0])
