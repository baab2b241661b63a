"""Section 5: shared dependence of the pair on a third economy, default China (issue 5)."""

from __future__ import annotations

from typing import Any

from straits.report.model import Missing

KEY = "shared"
SOURCES = ("baci",)


def compute(ctx) -> dict[str, Any] | Missing:
    """Not wired yet: needs ``straits.security.mutual.mutual``."""
    import straits.security.mutual  # noqa: F401

    return Missing("engine", "straits.security.mutual")


def render(d, ctx, tr):  # pragma: no cover - replaced when the engine is wired
    """Placeholder."""
    raise NotImplementedError
