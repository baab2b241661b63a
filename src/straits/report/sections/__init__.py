"""The report's sections, in order; each module has KEY, SOURCES, compute(ctx), render(...)."""

from __future__ import annotations

from straits.report.sections import (
    bilateral,
    chips,
    chokepoints,
    complementarity,
    complexity,
    events,
    headline,
    io,
    methods,
    mutual,
    shared,
)

SECTIONS = (
    headline,
    bilateral,
    complementarity,
    mutual,
    shared,
    chokepoints,
    events,
    chips,
    io,
    complexity,
    methods,
)
