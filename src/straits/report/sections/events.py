"""Section 7: event replay of real export controls, annual and monthly (issues 5, 6)."""

from __future__ import annotations

from typing import Any

from straits.report.model import Missing

KEY = "events"
SOURCES = ("baci",)


def compute(ctx) -> dict[str, Any] | Missing:
    """Not wired yet: needs ``straits.security.events.mutual``."""
    import straits.security.events  # noqa: F401

    return Missing("engine", "straits.security.events")


def render(d, ctx, tr):  # pragma: no cover - replaced when the engine is wired
    """Placeholder."""
    raise NotImplementedError
