"""Read an engine's (economy, value) list cell, whatever form the engine gives it.

Engines return lists as list columns (a list of ``{"exporter": "VNM", "share": 0.059}``
structs, or of ``(code, value)`` pairs). Until every engine does, an older text cell
(``"VNM 5.9%; PHL 5.7%"``) is read too; the report never builds a list from text itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def pairs(cell: object, *, percent_text: bool) -> list[tuple[str, float]]:
    """``[(iso3, value), ...]`` from a list-column cell (or a legacy text cell).

    ``percent_text``: a legacy text cell writes the value in percent (``5.9%``), so it is
    divided by 100; a typed cell always holds the value as the engine computed it.
    """
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    if isinstance(cell, str):
        out = []
        for item in cell.split(";"):
            parts = item.strip().split()
            if len(parts) == 2:
                try:
                    v = float(parts[1].rstrip("%"))
                except ValueError:
                    continue
                out.append((parts[0], v / 100 if percent_text else v))
        return out
    out = []
    for item in cell if isinstance(cell, Sequence) or hasattr(cell, "__iter__") else []:
        if isinstance(item, Mapping):
            code = next((v for v in item.values() if isinstance(v, str)), "")
            num = next((float(v) for v in item.values()
                        if isinstance(v, int | float) and not isinstance(v, bool)), float("nan"))
            out.append((code, num))
        else:
            code, num = item
            out.append((str(code), float(num)))
    return out
