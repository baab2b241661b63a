"""Session shortcuts for the economic-security engine."""

from __future__ import annotations


class SecurityMixin:
    """Methods mixed into :class:`straits.session.Session`."""
