"""What a section hands to the template: findings, charts, tables, citation, or a gap.

Sections compute language-independent data once (``compute``) and render it per language
(``render``), so ``--lang all`` does the heavy work a single time.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Missing:
    """Why a section cannot be shown: ``kind`` is engine, data or error; ``detail`` says what."""

    kind: str
    detail: str


@dataclass
class Table:
    """A formatted table: header labels, rows of strings, which columns are numeric."""

    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    caption: str = ""


@dataclass
class Rendered:
    """One section in one language."""

    key: str
    number: int
    title: str
    finding: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)  # Vega-Lite specs (straits.charts)
    svgs: list[str] = field(default_factory=list)  # the same charts rendered, filled by build
    tables: list[Table] = field(default_factory=list)
    citation: str = ""
    notes: list[str] = field(default_factory=list)
    missing: str | None = None

