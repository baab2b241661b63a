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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from straits._kernels import complexity as k
from straits.errors import check_param
from straits.metrics import _common as c
from straits.reference.lookup import parse_products

if TYPE_CHECKING:
    from straits.session import Session

METHODS = ("eci", "fitness")
#: method -> names of its country and product value columns
COLUMNS = {"eci": ("eci", "pci"), "fitness": ("fitness", "complexity")}


@dataclass
class ComplexityResult:
    """Countries and products tables of a complexity run; unpacks as ``(countries, products)``.

    ``countries``: ``year, country, eci, rank, diversity`` (``fitness`` instead of ``eci``
    with ``method="fitness"``); ``products``: ``year, product, pci, ubiquity``
    (``complexity`` instead of ``pci`` for fitness). ``rank`` 1 = most complex.
    """

    countries: pd.DataFrame
    products: pd.DataFrame
    method: str = "eci"

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.countries
        yield self.products


def _rank(values: pd.Series, by: pd.Series) -> pd.Series:
    return values.groupby(by).rank(ascending=False, method="min").astype("Int64")


def _one(m: c.YearMatrix, method: str, threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    M = k.presence(k.rca_matrix(m.X), threshold)
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


def _assemble(parts, method: str) -> ComplexityResult:
    cname, pname = COLUMNS[method]
    ccols = ["year", "country", cname, "rank", "diversity"]
    pcols = ["year", "product", pname, "ubiquity"]
    if not parts:
        return ComplexityResult(c.empty(ccols), c.empty(pcols), method)
    cdf = pd.concat([p[0] for p in parts], ignore_index=True)
    pdf = pd.concat([p[1] for p in parts], ignore_index=True)
    cdf["year"], pdf["year"] = cdf["year"].astype("int64"), pdf["year"].astype("int64")
    cdf["rank"] = _rank(cdf[cname], cdf["year"])
    cdf = cdf.sort_values(["year", "rank", "country"], na_position="last")
    pdf = pdf.sort_values(["year", pname, "product"], ascending=[True, False, True],
                          na_position="last")
    return ComplexityResult(cdf[ccols].reset_index(drop=True), pdf[pcols].reset_index(drop=True),
                            method)


def _check(method: str, threshold: float, min_exports: float, func: str) -> str:
    m = str(method).lower()
    check_param("method", func, m in METHODS, "one of eci, fitness", method)
    check_param("threshold", func, isinstance(threshold, int | float) and threshold > 0,
                "a number > 0", threshold)
    check_param("min_exports", func, isinstance(min_exports, int | float) and min_exports >= 0,
                "a number >= 0 (thousand USD)", min_exports)
    return m


def complexity(
    s: Session,
    *,
    year: int | Sequence[int] | None = None,
    level: str = "hs6",
    method: str = "eci",
    threshold: float = 1.0,
    min_exports: float = 0.0,
    average: bool = False,
    product: str | Sequence[str] | None = None,
) -> ComplexityResult:
    """Economic Complexity Index (or Fitness) of countries and complexity of products.

    Parameters
    ----------
    s : Session
        Open warehouse.
    year : int or list of int, optional
        Year(s), each computed on its own; default the latest loaded.
    level : {"hs6", "hs4", "hs2"}
        Product aggregation before RCA.
    method : {"eci", "fitness"}
        Hidalgo-Hausmann reflections (eigenvector form) or Tacchella et al. Fitness.
    threshold : float
        Presence cut-off: ``M_cp = 1`` if ``RCA_cp >= threshold``.
    min_exports : float
        Leave out countries whose total exports are below this (thousand USD).
    average : bool
        Average the export matrix over the years given and compute once (``year`` column =
        the last year), as the Atlas does to smooth noise.
    product : str or list, optional
        Restrict to these HS prefixes.

    Returns
    -------
    ComplexityResult
        ``.countries`` = ``year, country, eci, rank, diversity``; ``.products`` = ``year,
        product, pci, ubiquity``; unpack with ``countries, products = complexity(...)``.

    Notes
    -----
    ``k_c = D_c^-1 M k_p``, ``k_p`` the eigenvector of the second-largest eigenvalue of
    ``D_p^-1 M^T D_c^-1 M``; ``ECI = (k_c - <k_c>) / sd(k_c)`` with the sign making ECI
    correlate positively with diversity, ``PCI = (k_p - <k_c>) / sd(k_c)`` (Growth Lab).
    """
    m_ = _check(method, threshold, min_exports, "complexity")
    mats = _matrices(s, year, level, product, min_exports, average, "complexity")
    res = _assemble([_one(m, m_, threshold) for m in mats], m_)
    return ComplexityResult(c.cited(s, res.countries), c.cited(s, res.products), m_)


def from_matrix(X: pd.DataFrame, *, method: str = "eci", threshold: float = 1.0,
                year: int = 0) -> ComplexityResult:
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

    Returns
    -------
    ComplexityResult
        As :func:`complexity`.
    """
    m_ = _check(method, threshold, 0.0, "from_matrix")
    cells = sp.coo_matrix(np.nan_to_num(X.to_numpy(dtype=float)))
    ym = c.build(year, cells.row, cells.col, cells.data,
                 np.asarray(X.index.astype(str), dtype=object),
                 np.asarray(X.columns.astype(str), dtype=object))
    return _assemble([_one(ym, m_, threshold)], m_)


def _matrices(s, year, level, product, min_exports, average, func) -> list[c.YearMatrix]:
    """The non-empty export matrices a complexity function works on (unsorted cells)."""
    mats = c.export_matrices(s, years=c.years(s, year), level=c.level(level, func),
                             products=parse_products(product), min_exports=min_exports,
                             average=bool(average), ordered=False)
    return [m for m in mats if m.X.nnz]


def _spaces(s, year, level, threshold, min_exports, average, product, func):
    """Per year: the matrix, its dense presence matrix M and the product proximity."""
    _check("eci", threshold, min_exports, func)
    for m in _matrices(s, year, level, product, min_exports, average, func):
        M = k.presence(k.rca_matrix(m.X), threshold)
        yield m, M, k.proximity(M)


def proximity(s: Session, *, year: int | Sequence[int] | None = None, level: str = "hs6",
              threshold: float = 1.0, min_exports: float = 0.0, average: bool = False,
              product: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Product proximity ``phi_pp' = min(P(M_p | M_p'), P(M_p' | M_p))`` (Hidalgo et al. 2007).

    Parameters
    ----------
    s : Session
        Open warehouse.
    year, level, threshold, min_exports, average, product
        As in :func:`complexity`.

    Returns
    -------
    pandas.DataFrame
        ``year, product_1, product_2, proximity`` for each pair ``product_1 < product_2`` with
        proximity > 0 (the matrix is symmetric with unit diagonal).
    """
    frames = []
    for m, _, phi in _spaces(s, year, level, threshold, min_exports, average, product, "proximity"):
        i, j = np.triu_indices(len(m.products), k=1)
        keep = phi[i, j] > 0
        frames.append(pd.DataFrame({"year": m.year, "product_1": m.products[i[keep]].astype(str),
                                    "product_2": m.products[j[keep]].astype(str),
                                    "proximity": phi[i, j][keep]}))
    return c.cited(s, c.concat(frames, ["year", "product_1", "product_2", "proximity"]))


def density(s: Session, *, year: int | Sequence[int] | None = None, country=None,
            level: str = "hs6", threshold: float = 1.0, min_exports: float = 0.0,
            average: bool = False, product: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Density, COG and PCI of every product for each country: where to diversify next.

    Parameters
    ----------
    s : Session
        Open warehouse.
    country : str or list, optional
        Report only these countries (ISO3, names, BACI codes; a bloc such as ``"EU27"``
        stands for its members).
    year, level, threshold, min_exports, average, product
        As in :func:`complexity`.

    Returns
    -------
    pandas.DataFrame
        ``year, country, product, mcp, density, cog, pci``: ``density_cp = sum_p' M_cp'
        phi_pp' / sum_p' phi_pp'``; ``cog_cp = (1 - M_cp) sum_p' (1 - M_cp') phi_p'p PCI_p' /
        sum_p'' phi_p'p''`` on the ECI scale (Growth Lab definitions).
    """
    want = c.iso3s(s, country)
    frames = []
    for m, M, phi in _spaces(s, year, level, threshold, min_exports, average, product, "density"):
        r = k.eci_pci(M)
        d = k.density(M, phi)
        _, cog = k.coi_cog(M, phi, d, r)
        rows = np.arange(len(m.countries)) if want is None else np.flatnonzero(
            np.isin(m.countries, want))
        nr, npr = len(rows), len(m.products)
        frames.append(pd.DataFrame({
            "year": m.year, "country": np.repeat(m.countries[rows], npr).astype(str),
            "product": np.tile(m.products, nr).astype(str),
            "mcp": M[rows].ravel().astype("int64"),
            "density": d[rows].ravel(),
            "cog": cog[rows].ravel(), "pci": np.tile(r.pci, nr)}))
    return c.cited(s, c.concat(frames, ["year", "country", "product", "mcp", "density", "cog",
                                        "pci"]))


def outlook(s: Session, *, year: int | Sequence[int] | None = None, level: str = "hs6",
            threshold: float = 1.0, min_exports: float = 0.0, average: bool = False,
            product: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Complexity outlook index (COI) of each country, standardised (Growth Lab).

    Parameters
    ----------
    s : Session
        Open warehouse.
    year, level, threshold, min_exports, average, product
        As in :func:`complexity`.

    Returns
    -------
    pandas.DataFrame
        ``year, country, coi, eci``: ``coi_c = sum_p (1 - M_cp) d_cp k_p`` standardised over
        countries (``k_p`` the sign-aligned PCI eigenvector).
    """
    frames = []
    for m, M, phi in _spaces(s, year, level, threshold, min_exports, average, product, "outlook"):
        r = k.eci_pci(M)
        coi, _ = k.coi_cog(M, phi, k.density(M, phi), r)
        frames.append(pd.DataFrame({"year": m.year, "country": m.countries.astype(str),
                                    "coi": coi, "eci": r.eci}))
    return c.cited(s, c.concat(frames, ["year", "country", "coi", "eci"]))


coi = outlook


def fitness(s: Session, **options) -> ComplexityResult:
    """Fitness-Complexity (Tacchella et al. 2012): :func:`complexity` with ``method="fitness"``.

    Parameters
    ----------
    s : Session
        Open warehouse.
    **options
        Keyword options of :func:`complexity` (``year``, ``level``, ``threshold``...).

    Returns
    -------
    ComplexityResult
        ``countries``: ``year, country, fitness, rank, diversity``; ``products``: ``year,
        product, complexity, ubiquity`` (each normalised to mean 1).
    """
    return complexity(s, method="fitness", **options)


cog = density
