"""Economic complexity: ECI/PCI, Fitness-Complexity, proximity, density, COI and COG.

The warehouse gives one country x product export matrix per year (one aggregation query);
the maths runs in :mod:`straits._kernels.complexity`. Definitions and normalisation follow
the Growth Lab's ``ecomplexity`` package (the Atlas of Economic Complexity): presence
``M_cp = 1`` if ``RCA_cp >= threshold``; ECI standardised with its sign aligned to diversity;
PCI on the ECI scale; proximity the minimum of the two conditional probabilities.

References
----------
Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity. PNAS
106(26), 10570-10575. Hausmann, R., Hidalgo, C. A., Bustos, S., Coscia, M., Simoes, A. &
Yildirim, M. A. (2014). The Atlas of Economic Complexity. MIT Press. Hidalgo, C. A.,
Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space conditions the
development of nations. Science 317(5837), 482-487. Tacchella, A., Cristelli, M.,
Caldarelli, G., Gabrielli, A. & Pietronero, L. (2012). A new metrics for countries' fitness
and products' complexity. Scientific Reports 2, 723.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from straits._kernels import complexity as k
from straits.metrics import _common as c
from straits.metrics import _space
from straits.metrics._space import MIN_CHAPTERS, MIN_ECONOMIES, MIN_HEADINGS
from straits.params import Interval, Options, validate_params
from straits.provenance import attach

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

METHODS = ("eci", "fitness")
#: method -> names of its country and product value columns
COLUMNS = {"eci": ("eci", "pci"), "fitness": ("fitness", "complexity")}


@dataclass
class ComplexityResult:
    """Countries and products tables of a complexity run; unpacks as ``(countries, products)``.

    ``countries``: ``year, country, eci, rank, diversity`` (``fitness`` instead of ``eci``
    with ``method="fitness"``); ``products``: ``year, product, pci, ubiquity``
    (``complexity`` instead of ``pci`` for fitness). ``rank`` 1 = most complex. Both
    carry the run's provenance.
    """

    countries: pd.DataFrame
    products: pd.DataFrame
    method: str = "eci"

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.countries
        yield self.products


def _rank(values: pd.Series, by: pd.Series) -> pd.Series:
    return values.groupby(by).rank(ascending=False, method="min").astype("Int64")


def _one(m: c.YearMatrix, M, method: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if method == "eci":
        r = k.eci_pci(M)
        cval, pval, div, ubi = r.eci, r.pci, r.diversity, r.ubiquity
    else:
        f = k.fitness_complexity(M)
        cval, pval = f.fitness, f.complexity
        div, ubi = np.asarray(M.sum(axis=1)).ravel(), np.asarray(M.sum(axis=0)).ravel()
    cname, pname = COLUMNS[method]
    cdf = pd.DataFrame({"year": m.year, "country": m.countries.astype(str), cname: cval,
                        "diversity": div.astype("int64")})
    pdf = pd.DataFrame({"year": m.year, "product": m.products.astype(str), pname: pval,
                        "ubiquity": ubi.astype("int64")})
    return cdf, pdf


def _assemble(parts, method: str, want=None) -> ComplexityResult:
    cname, pname = COLUMNS[method]
    ccols = ["year", "country", cname, "rank", "diversity"]
    pcols = ["year", "product", pname, "ubiquity"]
    if not parts:
        return ComplexityResult(c.empty(ccols), c.empty(pcols), method)
    cdf = pd.concat([p[0] for p in parts], ignore_index=True)
    pdf = pd.concat([p[1] for p in parts], ignore_index=True)
    cdf["year"], pdf["year"] = cdf["year"].astype("int64"), pdf["year"].astype("int64")
    cdf["rank"] = _rank(cdf[cname], cdf["year"])
    if want is not None:  # ranked among every economy, then cut to those named
        cdf = cdf[cdf["country"].isin(list(want.labels))]
    cdf = cdf.sort_values(["year", "rank", "country"], na_position="last")
    pdf = pdf.sort_values(["year", pname, "product"], ascending=[True, False, True],
                          na_position="last")
    return ComplexityResult(cdf[ccols].reset_index(drop=True), pdf[pcols].reset_index(drop=True),
                            method)


def _method_line(method: str, threshold: float) -> str:
    if method == "eci":
        return _space.PRESENCE.format(t=threshold)
    return (f"Presence M_cp = 1 where RCA_cp >= {threshold:g}; Fitness-Complexity map of "
            "Tacchella et al. (2012), each normalised to mean 1")


@validate_params({**_space.OPTIONS, "method": Options(*METHODS), "country": c.ECONOMIES})
def complexity(
    wh: Warehouse,
    *,
    year: c.Years = None,
    level: str = "hs6",
    method: str = "eci",
    threshold: float = 1.0,
    min_exports: float = 0.0,
    average: bool = False,
    product: c.Spec = None,
    country: c.Spec = None,
    min_headings: int | None = MIN_HEADINGS,
    min_chapters: int | None = MIN_CHAPTERS,
    min_economies: int | None = MIN_ECONOMIES,
) -> ComplexityResult:
    """Economic Complexity Index (or Fitness) of economies and complexity of products.

    Parameters
    ----------
    wh : Warehouse
        The data.
    year : int or list of int, optional
        Year(s), each computed on its own; default the latest loaded year.
    level : {"hs6", "hs4", "hs2"}
        Product aggregation before RCA.
    method : {"eci", "fitness"}
        Hidalgo-Hausmann reflections (eigenvector form) or Tacchella et al. Fitness.
    threshold : float
        Presence cut-off: ``M_cp = 1`` if ``RCA_cp >= threshold``.
    min_exports : float
        Leave out economies whose total exports are below this (thousand USD).
    average : bool
        Average the export matrix over the years given and compute once (``year`` column =
        the last year), as the Atlas does to smooth noise.
    product : str or list, optional
        Restrict to these HS prefixes or product names.
    country : str or list, optional
        Report only these economies (ranked among all). A bloc named here is one economy
        in the product space: its exports to non-members form one row of the matrix.
    min_headings, min_chapters, min_economies : int
        The product-space guard: refuse a year whose products exported with RCA >= 1
        span fewer HS4 headings or HS2 chapters, or with fewer economies with RCA >= 1 in
        two or more products (defaults :data:`MIN_HEADINGS` = 150, :data:`MIN_CHAPTERS` =
        40, :data:`MIN_ECONOMIES` = 60, justified in docs/metrics.md; ``None`` keeps the
        default).

    Returns
    -------
    ComplexityResult
        ``.countries`` = ``year, country, eci, rank, diversity``; ``.products`` = ``year,
        product, pci, ubiquity``; unpack with ``countries, products = complexity(...)``.
        Collects the exporter x product cells (about 1M a year on a full release).

    Raises
    ------
    DataNotLoadedError
        A year's product space is too small to rank economies (the embedded extract's
        30 products are): the message says what to ingest.

    Notes
    -----
    ``k_c = D_c^-1 M k_p``, ``k_p`` the eigenvector of the second-largest eigenvalue of
    ``D_p^-1 M^T D_c^-1 M``; ``ECI = (k_c - <k_c>) / sd(k_c)`` with the sign making ECI
    correlate positively with diversity, ``PCI = (k_p - <k_c>) / sd(k_c)`` (Growth Lab).
    """
    m_ = str(method).lower()
    yrs = c.years(wh, year)
    named = c.parties(country, param="country", func="complexity")
    guard = _space.Guard.of(min_headings, min_chapters, min_economies)
    parts = [_one(m, M, m_) for m, M in _space.presence(
        wh, years=yrs, level=level, product=product, named=named, threshold=threshold,
        min_exports=min_exports, average=average, guard=guard, func="complexity")]
    res = _assemble(parts, m_, named)
    prov = c.provenance(wh, [max(yrs)] if average else yrs, _method_line(m_, threshold),
                        named=named, notes=(*guard.note(),
                                            *(("Export matrix averaged over "
                                               f"{min(yrs)}-{max(yrs)}.",) if average else ())))
    return ComplexityResult(c.finish(res.countries, prov), c.finish(res.products, prov), m_)


@validate_params({"method": Options(*METHODS),
                  "threshold": Interval(float, 0, None, closed="neither"),
                  "year": Interval(int, 0, None),
                  "min_headings": Interval(int, 2, None, none_ok=True),
                  "min_economies": Interval(int, 1, None, none_ok=True)})
def from_matrix(X: pd.DataFrame, *, method: str = "eci", threshold: float = 1.0,
                year: int = 0, min_headings: int | None = MIN_HEADINGS,
                min_chapters: int | None = MIN_CHAPTERS,
                min_economies: int | None = MIN_ECONOMIES) -> ComplexityResult:
    """Complexity from a wide country x product export DataFrame (index countries).

    Parameters
    ----------
    X : pandas.DataFrame
        Export values, countries as index, products as columns (NaN = 0).
    method : {"eci", "fitness"}
        As in :func:`complexity`.
    threshold : float
        RCA presence cut-off.
    year : int
        Label for the ``year`` column.
    min_headings, min_economies : int
        The product-space guard, as in :func:`complexity` (columns need not be HS codes:
        each counts as a heading, and chapters are not checked).

    Returns
    -------
    ComplexityResult
        As :func:`complexity` (provenance: the caller's matrix).
    """
    from straits.provenance import Provenance

    m_ = str(method).lower()
    cells = sp.coo_matrix(np.nan_to_num(X.to_numpy(dtype=float)))
    ym = c.build(year, cells.row, cells.col, cells.data,
                 np.asarray(X.index.astype(str), dtype=object),
                 np.asarray(X.columns.astype(str), dtype=object))
    M = k.presence(k.rca_matrix(ym.X), threshold)
    guard = _space.Guard.of(min_headings, None, min_economies)  # chapters: not checked
    guard.check(ym, M, "from_matrix", hs=False)
    res = _assemble([_one(ym, M, m_)], m_)
    prov = Provenance(source="caller's export matrix", dataset="matrix", years=(year,),
                      method=_method_line(m_, threshold),
                      notes=guard.note())
    return ComplexityResult(attach(res.countries, prov), attach(res.products, prov), m_)


@validate_params({**_space.OPTIONS, "country": c.ECONOMIES})
def fitness(
    wh: Warehouse,
    *,
    year: c.Years = None,
    level: str = "hs6",
    threshold: float = 1.0,
    min_exports: float = 0.0,
    average: bool = False,
    product: c.Spec = None,
    country: c.Spec = None,
    min_headings: int | None = MIN_HEADINGS,
    min_chapters: int | None = MIN_CHAPTERS,
    min_economies: int | None = MIN_ECONOMIES,
) -> ComplexityResult:
    """Fitness-Complexity (Tacchella et al. 2012): :func:`complexity` with ``method="fitness"``.

    Parameters
    ----------
    wh : Warehouse
        The data.
    year, level, threshold, min_exports, average, product, country
        As in :func:`complexity`.
    min_headings, min_chapters, min_economies
        As in :func:`complexity`.

    Returns
    -------
    ComplexityResult
        ``countries``: ``year, country, fitness, rank, diversity``; ``products``: ``year,
        product, complexity, ubiquity`` (each normalised to mean 1).
    """
    return complexity(wh, year=year, level=level, method="fitness", threshold=threshold,
                      min_exports=min_exports, average=average, product=product,
                      country=country, min_headings=min_headings, min_chapters=min_chapters,
                      min_economies=min_economies)


# the product-space measures live in space.py; importable from here as before
from straits.metrics.space import cog, coi, density, outlook, proximity  # noqa: E402

__all__ = ["ComplexityResult", "cog", "coi", "complexity", "density", "fitness", "from_matrix",
           "outlook", "proximity"]
