"""Putting two years on one footing before comparing them (issue 11 §6).

A loaded year may hold less than the whole of trade. The embedded BACI extract is an example:
its 2017-2023 years keep, per product, only each importer's six largest suppliers and each
exporter's six largest customers (about 16,000 flows a year), while 2024 keeps every flow
(21,723). Compared as they are, 2024 shows "new" suppliers that were merely cut from the
earlier year. Two facts describe how a year was thinned:

- the smallest value kept (``min_value_kusd`` in the catalog): an extract that drops flows
  below a value has a higher floor;
- its *depth* (:func:`straits.warehouse.security_sql.year_depth`): the largest, over flows,
  of min(rank among the importer's suppliers, rank among the exporter's customers). An
  extract that keeps top-k partners has depth k; a complete year is as deep as its trade.

Every comparison across years applies the stricter of each to all the years compared: the
highest floor, and the smallest depth (a flow is kept when it ranks within that depth for its
importer or its exporter, in every year), and says so in its notes. When the years already
agree, nothing is cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from straits.warehouse import security_sql as q

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse


@dataclass(frozen=True)
class Footing:
    """The cut that makes ``years`` comparable: rank depth and value floor (None: no cut)."""

    years: tuple[int, ...]
    depth: int | None
    floor: float | None
    notes: tuple[str, ...] = ()

    @property
    def cut(self) -> tuple[int | None, float | None] | None:
        """``(depth, floor)`` for the SQL builders, or None when nothing is cut."""
        return None if self.depth is None and self.floor is None else (self.depth, self.floor)


def _catalog_floors(wh: Warehouse, years: Sequence[int]) -> dict[int, float]:
    cat = wh.catalog()
    if "min_value_kusd" not in cat.column_names:  # a warehouse written before 0.2
        return {}
    rows = zip(cat.column("dataset").to_pylist(), cat.column("year").to_pylist(),
               cat.column("min_value_kusd").to_pylist(), strict=True)
    return {int(y): float(v) for d, y, v in rows if d == "baci" and y in years and v is not None}


def footing(wh: Warehouse, years: Sequence[int], products: Sequence[str] | None) -> Footing:
    """The comparability cut for ``years`` over ``products`` (None: every product).

    Reads the catalog's floors and runs one small query (:func:`~straits.warehouse.
    security_sql.year_depth`) over the compared products' flows.
    """
    ys = sorted({int(y) for y in years})
    if len(ys) < 2:
        return Footing(tuple(ys), None, None)
    stats = wh.arrow(q.year_depth(years=ys, products=products)).to_pydict()
    floors = {**dict(zip(stats["year"], stats["min_value_kusd"], strict=True)),
              **_catalog_floors(wh, ys)}
    depths = dict(zip(stats["year"], stats["depth"], strict=True))
    notes: list[str] = []
    floor = None
    if floors and max(floors.values()) > min(floors.values()):
        floor = max(floors.values())
        worst = max(floors, key=floors.get)
        notes.append(f"Years compared on one footing: flows below {floor:g} thousand USD (the "
                     f"smallest value kept in {worst}) left out of every year.")
    depth = None
    if depths and max(depths.values()) > min(depths.values()):
        depth = int(min(depths.values()))
        thin = sorted(y for y, d in depths.items() if d == depth)
        deep = sorted(y for y, d in depths.items() if d > depth)
        notes.append(
            f"Years compared on one footing: {_years(thin)} keep only each importer's top "
            f"{depth} suppliers and each exporter's top {depth} customers per product, so "
            f"{_years(deep)} {'was' if len(deep) == 1 else 'were'} cut the same way first.")
    return Footing(tuple(ys), depth, floor, tuple(notes))


def _years(ys: Sequence[int]) -> str:
    return ", ".join(str(y) for y in ys)
