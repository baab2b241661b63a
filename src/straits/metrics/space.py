"""The product space: proximity, density, complexity outlook (COI) and outlook gain (COG).

Definitions follow the Growth Lab's ``ecomplexity`` (Hidalgo et al. 2007 for proximity and
density; Hausmann et al. 2014 for COI and COG). Each function shares the options and the
product-space guard of :func:`straits.metrics.complexity.complexity`.

References
----------
Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
conditions the development of nations. Science 317(5837), 482-487. Hausmann, R., Hidalgo,
C. A., Bustos, S., Coscia, M., Simoes, A. & Yildirim, M. A. (2014). The Atlas of Economic
Complexity. MIT Press.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits._kernels import complexity as k
from straits.metrics import _common as c
from straits.metrics import _space
from straits.metrics._space import MIN_CHAPTERS, MIN_ECONOMIES, MIN_HEADINGS
from straits.params import validate_params

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse


def _spaces(wh, func, *, year, level, threshold, min_exports, average, product, country,
            min_headings, min_chapters, min_economies):
    """Per year: the matrix, its presence matrix M and the product proximity; and provenance."""
    yrs = c.years(wh, year)
    named = c.parties(country, param="country", func=func)
    out = [(m, M, k.proximity(M)) for m, M in _space.presence(
        wh, years=yrs, level=level, product=product, named=named, threshold=threshold,
        min_exports=min_exports, average=average,
        guard=_space.Guard.of(min_headings, min_chapters, min_economies), func=func)]
    prov = c.provenance(wh, [max(yrs)] if average else yrs,
                        _space.PRESENCE.format(t=threshold), named=named,
                        notes=_space.Guard.of(min_headings, min_chapters, min_economies).note())
    return named, out, prov


@validate_params(_space.OPTIONS)
def proximity(wh: Warehouse, *, year: c.Years = None, level: str = "hs6",
              threshold: float = 1.0, min_exports: float = 0.0, average: bool = False,
              product: c.Spec = None, min_headings: int | None = MIN_HEADINGS,
              min_chapters: int | None = MIN_CHAPTERS,
              min_economies: int | None = MIN_ECONOMIES) -> pd.DataFrame:
    """Product proximity ``phi_pp' = min(P(M_p | M_p'), P(M_p' | M_p))`` (Hidalgo et al. 2007).

    Parameters
    ----------
    wh : Warehouse
        The data.
    year, level, threshold, min_exports, average, product
        As in :func:`straits.metrics.complexity.complexity`.
    min_headings, min_chapters, min_economies
        The product-space guard, as in :func:`straits.metrics.complexity.complexity`.

    Returns
    -------
    pandas.DataFrame
        ``year, product_1, product_2, proximity`` for each pair ``product_1 < product_2`` with
        proximity > 0 (the matrix is symmetric with unit diagonal). Up to n(n-1)/2 rows a
        year for n products (12.5M for 5,000 HS6 codes: ask for HS4 or a product subset).
    """
    _, spaces, prov = _spaces(wh, "proximity", year=year, level=level, threshold=threshold,
                              min_exports=min_exports, average=average, product=product,
                              country=None, min_headings=min_headings,
                              min_chapters=min_chapters, min_economies=min_economies)
    frames = []
    for m, _, phi in spaces:
        i, j = np.triu_indices(len(m.products), k=1)
        keep = phi[i, j] > 0
        frames.append(pd.DataFrame({"year": m.year, "product_1": m.products[i[keep]].astype(str),
                                    "product_2": m.products[j[keep]].astype(str),
                                    "proximity": phi[i, j][keep]}))
    return c.finish(c.concat(frames, ["year", "product_1", "product_2", "proximity"]), prov)


@validate_params({**_space.OPTIONS, "country": c.ECONOMIES})
def density(wh: Warehouse, *, year: c.Years = None, country: c.Spec = None,
            level: str = "hs6", threshold: float = 1.0, min_exports: float = 0.0,
            average: bool = False, product: c.Spec = None, min_headings: int | None = MIN_HEADINGS,
            min_chapters: int | None = MIN_CHAPTERS,
            min_economies: int | None = MIN_ECONOMIES) -> pd.DataFrame:
    """Density, COG and PCI of every product for each economy: where to diversify next.

    Parameters
    ----------
    wh : Warehouse
        The data.
    country : str or list, optional
        Report only these economies. A bloc (``EU27``, ``KOR+JPN``) is one economy in the
        product space (one row of the matrix: its exports to non-members).
    year, level, threshold, min_exports, average, product
        As in :func:`straits.metrics.complexity.complexity`.
    min_headings, min_chapters, min_economies
        The product-space guard, as in :func:`straits.metrics.complexity.complexity`.

    Returns
    -------
    pandas.DataFrame
        ``year, country, product, mcp, density, cog, pci``: ``density_cp = sum_p' M_cp'
        phi_pp' / sum_p' phi_pp'``; ``cog_cp = (1 - M_cp) sum_p' (1 - M_cp') phi_p'p PCI_p' /
        sum_p'' phi_p'p''`` on the ECI scale (Growth Lab definitions). One row per economy
        reported and product.
    """
    named, spaces, prov = _spaces(wh, "density", year=year, level=level, threshold=threshold,
                                  min_exports=min_exports, average=average, product=product,
                                  country=country, min_headings=min_headings,
                                  min_chapters=min_chapters, min_economies=min_economies)
    frames = []
    for m, M, phi in spaces:
        r = k.eci_pci(M)
        d = k.density(M, phi)
        _, cog_ = k.coi_cog(M, phi, d, r)
        rows = np.flatnonzero(c.wanted_rows(m.countries, named))
        nr, npr = len(rows), len(m.products)
        frames.append(pd.DataFrame({
            "year": m.year, "country": np.repeat(m.countries[rows], npr).astype(str),
            "product": np.tile(m.products, nr).astype(str),
            "mcp": M[rows].ravel().astype("int64"),
            "density": d[rows].ravel(),
            "cog": cog_[rows].ravel(), "pci": np.tile(r.pci, nr)}))
    return c.finish(c.concat(frames, ["year", "country", "product", "mcp", "density", "cog",
                                      "pci"]), prov)


@validate_params({**_space.OPTIONS, "country": c.ECONOMIES})
def outlook(wh: Warehouse, *, year: c.Years = None, level: str = "hs6",
            threshold: float = 1.0, min_exports: float = 0.0, average: bool = False,
            product: c.Spec = None, country: c.Spec = None, min_headings: int | None = MIN_HEADINGS,
            min_chapters: int | None = MIN_CHAPTERS,
            min_economies: int | None = MIN_ECONOMIES) -> pd.DataFrame:
    """Complexity outlook index (COI) of each economy, standardised (Growth Lab).

    Parameters
    ----------
    wh : Warehouse
        The data.
    country : str or list, optional
        Report only these economies (a bloc is one economy in the product space).
    year, level, threshold, min_exports, average, product
        As in :func:`straits.metrics.complexity.complexity`.
    min_headings, min_chapters, min_economies
        The product-space guard, as in :func:`straits.metrics.complexity.complexity`.

    Returns
    -------
    pandas.DataFrame
        ``year, country, coi, eci``: ``coi_c = sum_p (1 - M_cp) d_cp k_p`` standardised over
        economies (``k_p`` the sign-aligned PCI eigenvector). One row per economy.
    """
    named, spaces, prov = _spaces(wh, "outlook", year=year, level=level, threshold=threshold,
                                  min_exports=min_exports, average=average, product=product,
                                  country=country, min_headings=min_headings,
                                  min_chapters=min_chapters, min_economies=min_economies)
    frames = []
    for m, M, phi in spaces:
        r = k.eci_pci(M)
        coi_, _ = k.coi_cog(M, phi, k.density(M, phi), r)
        rows = c.wanted_rows(m.countries, named)
        frames.append(pd.DataFrame({"year": m.year, "country": m.countries[rows].astype(str),
                                    "coi": coi_[rows], "eci": r.eci[rows]}))
    return c.finish(c.concat(frames, ["year", "country", "coi", "eci"]), prov)


coi = outlook
cog = density
