"""Section 9: industry propagation through the WIOD input-output table (issue 7)."""

from __future__ import annotations

from typing import Any

from straits.report.model import Missing

KEY = "io"
SOURCES = ("wiod",)


def compute(ctx) -> dict[str, Any] | Missing:
    """Not wired yet: needs ``straits.valuechain.io.mutual``."""
    import straits.valuechain.io  # noqa: F401

    return Missing("engine", "straits.valuechain.io")


def render(d, ctx, tr):  # pragma: no cover - replaced when the engine is wired
    """Placeholder."""
    raise NotImplementedError
