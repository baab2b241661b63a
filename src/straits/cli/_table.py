"""Terminal tables that read at 100 columns, laid out from column metadata alone.

Every command's table goes through :func:`render`, so the rules hold for all of them:

- **key columns first** (year, economies, product: :data:`KEY_ORDER`), then the others in
  the result's order;
- **units in the headers**, read from the column name (:func:`straits.provenance.unit_of`):
  ``value_kusd`` gets a second header line ``k USD``;
- **codes and numbers always whole**; only long text (descriptions, lists) is shortened,
  with an ellipsis;
- columns that do not fit the width are left out and named in a note; ``--wide`` shows every
  column at full width, ``--columns`` picks them;
- numbers: thousands separators, decimals by unit (amounts to the unit, shares to 0.001),
  the ASCII minus sign, blank where there is no value; flags as yes/no.

Nothing here knows a command: the metadata is the column name, its Arrow type and its values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len

from straits.provenance import unit_of

if TYPE_CHECKING:
    import pyarrow as pa

#: key columns, in the order they lead a table
KEY_ORDER = ("dataset", "year", "month", "period", "reporter", "exporter", "importer",
             "country", "economy", "partner", "supplier", "customer", "a", "b", "on",
             "product", "hs6", "hs10", "code", "iso3", "input_id", "sector", "direction",
             "index", "flow")
#: short unit labels for the header line (the long forms come from ``unit_of``)
SHORT_UNITS = {
    "thousand current USD": "k USD",
    "million current USD": "M USD",
    "current USD": "USD",
    "kilograms": "kg",
    "metric tons": "t",
    "percentage points": "pp",
    "percent": "%",
    "fraction (0-1)": "0-1",
    "Herfindahl-Hirschman index (0-1)": "0-1",
}
#: units of amounts, shown to the unit when large
AMOUNT_UNITS = {"k USD", "M USD", "USD", "kg", "t"}
#: most rows a terminal table shows (the note says how to get all)
MAX_ROWS = 200
#: text wider than this may be shortened; narrower text is a code and stays whole
SHORTEN_OVER = 16
#: width a shortened text column keeps at least
TEXT_MIN = 12
#: width a shortened text column grows to at most when there is room
TEXT_MAX = 48
#: column names up to this length are never broken over two header lines
NAME_WHOLE = 12
GAP = 2  # characters between columns: one of padding, one of the box's blank separator


@dataclass
class Column:
    """One column as the terminal shows it."""

    name: str
    header: list[str]  # the name (split at an underscore if long), then the unit
    cells: list[str]
    numeric: bool
    shrinkable: bool

    @property
    def natural(self) -> int:
        """Width that shows every cell and the header whole (in terminal cells)."""
        return max([cell_len(h) for h in self.header] + [cell_len(c) for c in self.cells] + [1])

    @property
    def least(self) -> int:
        """Width below which the column cannot go (text shortened, codes whole)."""
        head = max(cell_len(h) for h in self.header[1:]) if len(self.header) > 1 else 1
        return max(min(self.natural, TEXT_MIN), head) if self.shrinkable else self.natural


def order(names: list[str]) -> list[str]:
    """Key columns first (in :data:`KEY_ORDER`), then the others in their given order."""
    rank = {k: i for i, k in enumerate(KEY_ORDER)}
    keys = sorted((n for n in names if n in rank), key=rank.__getitem__)
    return keys + [n for n in names if n not in rank]


def short_unit(name: str) -> str | None:
    """The unit label of a column's header, from its name."""
    unit = unit_of(name)
    return SHORT_UNITS.get(unit, unit) if unit else None


def _split_name(name: str, width: int) -> list[str]:
    """A long column name on two lines, broken after the underscore nearest the middle.

    Names up to :data:`NAME_WHOLE` characters, or no wider than the cells, stay on one line.
    """
    if len(name) <= max(width, NAME_WHOLE) or "_" not in name:
        return [name]
    cuts = [i + 1 for i, ch in enumerate(name) if ch == "_" and 0 < i < len(name) - 1]
    if not cuts:
        return [name]
    best = min(cuts, key=lambda i: max(i, len(name) - i))
    return [name[:best], name[best:]]


def _fmt_number(v: float | int, kind: str) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v) if kind == "plain" else f"{v:,}"
    if not math.isfinite(v):
        return ""
    if kind == "amount0":
        return f"{v:,.0f}"
    if kind == "amount1":
        return f"{v:,.1f}"
    if kind == "amount3":
        return f"{v:,.3f}"
    if kind == "share":
        return f"{v:.3f}"
    if kind == "pct":
        return f"{v:,.1f}"
    if kind.startswith("dec"):
        return f"{v:,.{int(kind[3:])}f}"
    if abs(v) >= 1000:  # a lone float outside a column (a list cell's value): whole units
        return f"{v:,.0f}"
    return f"{v:.4g}"


def _number_kind(name: str, unit: str | None, values: list, is_int: bool) -> str:
    if is_int:
        return "plain" if name in KEY_ORDER or name.endswith(("year", "_code")) else "int"
    if unit in AMOUNT_UNITS:
        finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
        top = max(finite, default=0.0)
        return "amount0" if top >= 1000 else "amount1" if top >= 10 else "amount3"
    if unit == "0-1":
        return "share"
    if unit in ("%", "pp"):
        return "pct"
    # anything else (rca, ratios, indices): decimals that give the median value three
    # significant digits, the same for the whole column so the points line up
    finite = sorted(abs(v) for v in values if v is not None and math.isfinite(v) and v != 0)
    if not finite:
        return "dec0"
    median = finite[len(finite) // 2]
    return f"dec{min(4, max(0, 2 - math.floor(math.log10(median))))}"


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return _fmt_number(v, "lone")
    if isinstance(v, list):
        return ", ".join(_text(x) for x in v)
    if isinstance(v, dict):
        return " ".join(_text(x) for x in v.values())
    return str(v)


def columns_of(table: pa.Table, *, split: bool = True) -> list[Column]:
    """Format every column of ``table`` for the terminal (``split``: long names on 2 lines)."""
    import pyarrow as pa

    out = []
    for field, col in zip(table.schema, table.columns, strict=True):
        name, t = field.name, field.type
        values = col.to_pylist()
        unit = short_unit(name)
        numeric = pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
        if numeric:
            kind = _number_kind(name, unit, values, pa.types.is_integer(t))
            cells = ["" if v is None else _fmt_number(float(v) if pa.types.is_decimal(t)
                                                       else v, kind) for v in values]
        elif pa.types.is_boolean(t):
            cells = ["" if v is None else ("yes" if v else "no") for v in values]
        else:
            cells = [_text(v) for v in values]
        width = max((cell_len(c) for c in cells), default=1)
        header = _split_name(name, max(width, len(unit or ""), 8)) if split else [name]
        shrinkable = not numeric and not pa.types.is_boolean(t) and width > SHORTEN_OVER
        out.append(Column(name, header + ([unit] if unit else []), cells, numeric, shrinkable))
    return out


def fit(cols: list[Column], width: int) -> tuple[list[Column], dict[str, int], list[str]]:
    """Choose the columns that fit ``width`` and their widths; also name those left out.

    Keys come first and always stay; then codes and numbers in table order, then shortened
    text. Room left over widens the shortened text columns toward their full width.
    """
    keys = [c for c in cols if c.name in KEY_ORDER]
    rest = [c for c in cols if c.name not in KEY_ORDER]
    priority = keys + [c for c in rest if not c.shrinkable] + [c for c in rest if c.shrinkable]
    chosen: list[Column] = []
    used = 0
    for c in priority:
        need = c.least + (GAP if chosen else 0)
        if c in keys or used + need <= width:
            chosen.append(c)
            used += need
    widths = {c.name: c.least for c in chosen}
    spare = width - used
    for c in chosen:  # share the room left among shortened text, in table order
        if c.shrinkable and spare > 0:
            extra = min(spare, min(c.natural, TEXT_MAX) - c.least)
            if extra > 0:
                widths[c.name] += extra
                spare -= extra
    shown = [c for c in cols if c in chosen]
    left_out = [c.name for c in cols if c not in chosen]
    return shown, widths, left_out


def render(table: pa.Table, *, width: int = 100, wide: bool = False, picked: bool = False,
           title: str | None = None, source: str | None = None,
           notes: list[str] | None = None, color: bool = False) -> str:
    """The table as terminal text at ``width`` characters (or as wide as it needs).

    ``picked`` means the user chose the columns (``--columns``): they are all shown, in the
    order given, text shortened if need be.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table

    total = table.num_rows
    shown_rows = table.slice(0, MAX_ROWS)
    names = table.column_names if picked else order(table.column_names)
    cols = columns_of(shown_rows.select(names), split=not wide)
    if wide:
        shown, widths, left_out = cols, {c.name: c.natural for c in cols}, []
        width = max(width, sum(widths.values()) + GAP * (len(cols) - 1))
    elif picked:
        shown, widths, left_out = cols, {c.name: c.natural for c in cols}, []
        over = sum(widths.values()) + GAP * (len(cols) - 1) - width
        for c in cols:
            if over > 0 and c.shrinkable:
                cut = min(over, c.natural - c.least)
                widths[c.name] -= cut
                over -= cut
    else:
        shown, widths, left_out = fit(cols, width)
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                 header_style="bold")
    for c in shown:
        head = "\n".join(c.header[:-1] + [f"[dim]{c.header[-1]}[/dim]"]) \
            if len(c.header) > 1 and short_unit(c.name) else "\n".join(c.header)
        grid.add_column(head, justify="right" if c.numeric else "left",
                        width=widths[c.name], no_wrap=True,
                        overflow="ellipsis" if c.shrinkable else "fold")
    for i in range(shown_rows.num_rows):
        grid.add_row(*(_escape(c.cells[i]) for c in shown))
    lines = list(notes or [])
    if total > shown_rows.num_rows:
        lines.insert(0, f"First {shown_rows.num_rows} of {total:,} rows shown; --format csv or "
                        "--out FILE writes them all.")
    if left_out:
        lines.insert(0, f"Not shown at {width} characters: {', '.join(left_out)} "
                        "(--wide shows every column; --columns picks).")
    if source:
        lines.append(f"Source: {source}")
    console = Console(width=width, record=True, force_terminal=color, color_system=(
        "standard" if color else None), highlight=False, soft_wrap=False,
        file=_Null())
    if title:
        console.print(_escape(title), style="bold")
    console.print(grid)
    for line in lines:
        console.print(_escape(line), style="dim")
    text = console.export_text(styles=color)
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")) + "\n"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


class _Null:
    """A file that drops what it is given (the console records instead)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
