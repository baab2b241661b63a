"""Session shortcuts for the value-chain engine (ETO chips, input-output)."""

from __future__ import annotations


class ValueChainMixin:
    """Methods mixed into :class:`straits.session.Session`."""
