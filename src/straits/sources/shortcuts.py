"""Session shortcuts for reporter (Comtrade, customs) and monthly data."""

from __future__ import annotations


class ReporterMixin:
    """Methods mixed into :class:`straits.session.Session`."""
