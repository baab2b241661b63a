"""Section 8: the semiconductor supply chain, ETO data (issue 7)."""

from __future__ import annotations

from typing import Any

from straits.report.model import Missing

KEY = "chips"
SOURCES = ("eto",)


def compute(ctx) -> dict[str, Any] | Missing:
    """Not wired yet: needs ``straits.valuechain.chips.mutual``."""
    import straits.valuechain.chips  # noqa: F401

    return Missing("engine", "straits.valuechain.chips")


def render(d, ctx, tr):  # pragma: no cover - replaced when the engine is wired
    """Placeholder."""
    raise NotImplementedError
