"""Session shortcuts for the economic-security engine (``s.shock(...)`` calls ``shock(s, ...)``)."""

from __future__ import annotations

from typing import Any


class SecurityMixin:
    """Methods mixed into :class:`straits.session.Session`."""

    def dependency(self, importer: str, **kw: Any) -> Any:
        """Dependency screen; see :func:`straits.security.dependency.dependency`."""
        from straits.security.dependency import dependency

        return dependency(self, importer, **kw)

    def dependency_all(self, **kw: Any) -> Any:
        """Screen of every importer; see :func:`straits.security.dependency.dependency_all`."""
        from straits.security.dependency import dependency_all

        return dependency_all(self, **kw)

    def mutual(self, a: str, b: str, **kw: Any) -> Any:
        """Mutual dependence; see :func:`straits.security.mutual.mutual`."""
        from straits.security.mutual import mutual

        return mutual(self, a, b, **kw)

    def shared_dependence(self, a: str, b: str, **kw: Any) -> Any:
        """Shared dependence on a third economy; see :func:`straits.security.mutual.shared_dependence`."""
        from straits.security.mutual import shared_dependence

        return shared_dependence(self, a, b, **kw)

    def shock(self, **kw: Any) -> Any:
        """Restriction shock; see :func:`straits.security.shock.shock`."""
        from straits.security.shock import shock

        return shock(self, **kw)

    def event(self, preset: str | None = None, **kw: Any) -> Any:
        """Event replay; see :func:`straits.security.events.event`."""
        from straits.security.events import event

        return event(self, preset, **kw)
