"""Session shortcuts for the trade metrics (``s.rca(...)`` calls ``metrics.rca.rca(s, ...)``)."""

from __future__ import annotations

from typing import Any


class MetricsMixin:
    """Methods mixed into :class:`straits.session.Session`; options as the module functions."""

    def rca(self, **options: Any):
        """Balassa RCA and RSCA: see :func:`straits.metrics.rca.rca`."""
        from straits.metrics.rca import rca

        return rca(self, **options)

    def market_shares(self, **options: Any):
        """Exporters' market shares: see :func:`straits.metrics.shares.market_shares`."""
        from straits.metrics.shares import market_shares

        return market_shares(self, **options)

    def totals(self, **options: Any):
        """Export and import totals: see :func:`straits.metrics.shares.totals`."""
        from straits.metrics.shares import totals

        return totals(self, **options)

    def concentration(self, **options: Any):
        """Supplier HHI per product: see :func:`straits.metrics.concentration.concentration`."""
        from straits.metrics.concentration import concentration

        return concentration(self, **options)

    def bilateral(self, a: str, b: str, **options: Any):
        """Bilateral indices of A and B: see :func:`straits.metrics.bilateral.bilateral`."""
        from straits.metrics.bilateral import bilateral

        return bilateral(self, a, b, **options)

    def complexity(self, **options: Any):
        """ECI/PCI or Fitness: see :func:`straits.metrics.complexity.complexity`."""
        from straits.metrics.complexity import complexity

        return complexity(self, **options)
