"""Session shortcuts for the trade metrics (``s.rca(...)`` calls ``metrics.rca.rca(s, ...)``)."""

from __future__ import annotations


class MetricsMixin:
    """Methods mixed into :class:`straits.session.Session`."""
