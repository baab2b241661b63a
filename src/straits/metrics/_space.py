"""What the complexity functions share: their options, the product-space guard, the matrices.

The guard. ECI, PCI, Fitness and the product-space measures rank economies by the baskets
they export with RCA >= 1. On a small product space the ranking says little: on the 30
critical-material codes of the embedded extract, single-product exporters rank first and
Korea 142nd. So every complexity function refuses a year whose products exported with
RCA >= 1 by someone span fewer than :data:`MIN_HEADINGS` HS4 headings or fewer than
:data:`MIN_CHAPTERS` HS2 chapters, or that has fewer than :data:`MIN_ECONOMIES` economies
with RCA >= 1 in at least two products. The thresholds and the evidence behind them (rank
agreement with the published Atlas ECI as headings, chapters or economies are removed from
a seeded panel calibrated on the Atlas's own ECI and PCI, and the embedded extract's own
figure) are in docs/metrics.md and ``bench/complexity_threshold.py``. Callers may lower
them (``min_headings``, ``min_chapters``, ``min_economies``); the result's provenance then
says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from straits._kernels import complexity as k
from straits.errors import DataNotLoadedError
from straits.metrics import _common as c
from straits.params import Flag, Interval

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

#: fewest HS4 headings among the products with a presence (RCA >= 1 somewhere)
MIN_HEADINGS = 150
#: fewest HS2 chapters among them (a sector extract is narrow however many codes it has)
MIN_CHAPTERS = 40
#: fewest economies with RCA >= 1 in two or more products
MIN_ECONOMIES = 60

#: declarations shared by every complexity function
OPTIONS = {
    "year": c.YEARS, "level": c.LEVEL, "product": c.PRODUCTS,
    "threshold": Interval(float, 0, None, closed="neither"),
    "min_exports": Interval(float, 0, None), "average": Flag(),
    "min_headings": Interval(int, 2, None, none_ok=True),
    "min_chapters": Interval(int, 1, None, none_ok=True),
    "min_economies": Interval(int, 1, None, none_ok=True),
}

PRESENCE = ("Presence M_cp = 1 where RCA_cp >= {t:g} over the loaded products; ECI "
            "standardised with its sign following diversity, PCI on the ECI scale (Growth "
            "Lab normalisation)")


@dataclass(frozen=True)
class Guard:
    """The three thresholds of the product-space guard (see the module docstring)."""

    headings: int = MIN_HEADINGS
    chapters: int = MIN_CHAPTERS
    economies: int = MIN_ECONOMIES

    @classmethod
    def of(cls, headings: int | None, chapters: int | None, economies: int | None) -> Guard:
        """The guard a caller asked for; ``None`` keeps a threshold's default."""
        return cls(MIN_HEADINGS if headings is None else headings,
                   MIN_CHAPTERS if chapters is None else chapters,
                   MIN_ECONOMIES if economies is None else economies)

    @property
    def lowered(self) -> bool:
        """True when a caller asked for less than the defaults."""
        return (self.headings < MIN_HEADINGS or self.chapters < MIN_CHAPTERS
                or self.economies < MIN_ECONOMIES)

    def note(self) -> tuple[str, ...]:
        """A provenance note when the caller lowered the guard."""
        if not self.lowered:
            return ()
        return (f"Product-space guard lowered by the caller (min_headings={self.headings}, "
                f"min_chapters={self.chapters}, min_economies={self.economies}; defaults "
                f"{MIN_HEADINGS}, {MIN_CHAPTERS}, {MIN_ECONOMIES}): rankings on a small "
                "product space are unreliable (docs/metrics.md).",)

    def check(self, m: c.YearMatrix, M, func: str, *, hs: bool = True) -> None:
        """Refuse a year whose product space is too small to rank economies.

        ``hs=False`` (a caller's matrix whose columns need not be HS codes) counts columns
        as headings and skips the chapter count.
        """
        ubi = np.asarray(M.sum(axis=0)).ravel()
        div = np.asarray(M.sum(axis=1)).ravel()
        present = m.products[ubi > 0].astype(str)
        heads = len({p[:4] for p in present}) if hs else len(present)
        chapters = len({p[:2] for p in present}) if hs else self.chapters
        n_c = int((div >= 2).sum())
        if heads >= self.headings and chapters >= self.chapters and n_c >= self.economies:
            return
        have = (f"{len(present)} products exported with RCA >= 1 by someone, in {heads} HS4 "
                f"headings and {chapters} HS2 chapters, and {n_c} economies with RCA >= 1 in "
                f"two or more" if hs else f"{heads} products with RCA >= 1 somewhere and "
                f"{n_c} economies with RCA >= 1 in two or more")
        raise DataNotLoadedError(
            f"{func}: the product space of {m.year} is too small to rank economies: {have} "
            f"(needed: {self.headings} headings, {self.chapters} chapters, {self.economies} "
            "economies). Complexity ranks economies by how many and which products they "
            "export; on a narrow extract (the embedded one holds 30 critical-material codes) "
            "it ranks single-product exporters first, and HS2 has only 97 chapters. Ingest a "
            "full BACI release (`straits fetch baci --release V202601 --hs HS17 --db "
            "my.duckdb`, or `straits ingest BACI_HS17_V202601.zip --db my.duckdb`) and use "
            "hs6 or hs4, or see `straits eci` for the published Atlas ECI. docs/metrics.md "
            "explains the thresholds.")


def matrices(wh: Warehouse, *, years: list[int], level: str, product, named,
             min_exports: float, average: bool, func: str) -> list[c.YearMatrix]:
    """The non-empty export matrices a complexity function works on (unsorted cells)."""
    mats = c.export_matrices(wh, years=years, level=c.level(level),
                             products=c.products(wh, product, func), named=named,
                             min_exports=min_exports, average=bool(average), ordered=False)
    return [m for m in mats if m.X.nnz]


def presence(wh: Warehouse, *, years: list[int], level: str, product, named,
             threshold: float, min_exports: float, average: bool, guard: Guard,
             func: str) -> Iterator[tuple[c.YearMatrix, np.ndarray]]:
    """Per year: the matrix and its dense presence matrix, each checked by ``guard``.

    Every year is checked before the first is yielded, so a refusal leaves no partial work.
    """
    out = []
    for m in matrices(wh, years=years, level=level, product=product, named=named,
                      min_exports=min_exports, average=average, func=func):
        M = k.presence(k.rca_matrix(m.X), threshold)
        guard.check(m, M, func)
        out.append((m, M))
    yield from out
