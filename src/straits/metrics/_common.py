"""Helpers shared by the metric modules: parameter checks, years, ISO3 labels, matrices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from straits.errors import check_param
from straits.warehouse import metrics_sql as q

if TYPE_CHECKING:
    from straits.session import Session

Years = int | Sequence[int] | None
Codes = str | Sequence[str] | None


def years(s: Session, year: Years) -> list[int]:
    """Requested years, checked against the warehouse; ``None`` = latest loaded year."""
    return [s.latest_year()] if year is None else s.resolve_years(year)


def level(value: str, func: str, allowed: Sequence[str] = ("hs2", "hs4", "hs6")) -> str:
    """Normalise and check an HS level name."""
    v = str(value).lower()
    check_param("level", func, v in allowed, "one of " + ", ".join(allowed), value)
    return v


def iso3_lookup(s: Session) -> dict[int, str]:
    """BACI code -> ISO3."""
    df = s.query(q.country_labels())
    return dict(zip(df["code"].astype(int), df["iso3"], strict=True))


def iso3s(s: Session, spec: Codes) -> list[str] | None:
    """ISO3 codes of the economies in ``spec`` (blocs expanded; ``None``/``world`` -> ``None``).

    For filtering results whose rows are labelled with ISO3; unknown names raise
    :class:`~straits.errors.UnknownCodeError` from :meth:`Session.country_codes`.
    """
    codes = s.country_codes(spec)
    if codes is None:
        return None
    names = iso3_lookup(s)
    return sorted({names.get(int(k), str(k)) for k in codes})


def cited(s: Session, df: pd.DataFrame) -> pd.DataFrame:
    """A result frame with a fresh index and the BACI citation in ``df.attrs["source"]``."""
    df = df.reset_index(drop=True)
    df.attrs["source"] = s.citation()
    return df


class YearMatrix(NamedTuple):
    """One year's country x product export matrix with its labels."""

    year: int
    countries: np.ndarray  # ISO3, one per row
    products: np.ndarray   # product codes, one per column
    X: sp.spmatrix         # value_kusd (CSR with sorted cells, COO if not ordered)


def export_matrices(
    s: Session,
    *,
    years: list[int],
    level: str = "hs6",
    products: list[str] | None = None,
    min_exports: float = 0.0,
    average: bool = False,
    ordered: bool = True,
) -> list[YearMatrix]:
    """Country x product export matrices, one per year (or one averaged over ``years``).

    The relational part is one aggregation query; labels come from Arrow dictionary
    encoding, so no Python loop touches a flow, country or product. Countries whose total
    exports are below ``min_exports`` (thousand USD) are dropped, as the Atlas does.
    ``ordered=False`` skips sorting the cells (callers that densify the matrix).
    """
    tab = s.query(q.exports_matrix(years=years, level=level, products=products), arrow=True)
    names = iso3_lookup(s)
    yr = tab.column("year").to_numpy().astype(int)
    val = tab.column("value_kusd").to_numpy()
    exp_ = pc.dictionary_encode(tab.column("exporter")).combine_chunks()
    prod = pc.dictionary_encode(tab.column("product")).combine_chunks()
    ci, pi = exp_.indices.to_numpy(), prod.indices.to_numpy()
    ccodes = exp_.dictionary.to_numpy()
    clabels = np.array([names.get(int(c), str(c)) for c in ccodes], dtype=object)
    plabels = np.asarray(prod.dictionary.to_pylist(), dtype=object)
    groups = [(max(years), np.ones(len(yr), bool))] if average else [(y, yr == y) for y in years]
    scale = 1.0 / len(years) if average else 1.0
    return [build(int(y), ci[mask], pi[mask], val[mask] * scale, clabels, plabels, min_exports,
                  ordered=ordered) for y, mask in groups]  # one matrix per year


def build(year: int, ci: np.ndarray, pi: np.ndarray, v: np.ndarray, clabels: np.ndarray,
          plabels: np.ndarray, min_exports: float = 0.0, *, ordered: bool = True) -> YearMatrix:
    """CSR matrix from (row, column, value) cells, labels sorted, empty rows/columns dropped.

    Cells must be unique per (row, column) (an aggregation result). Countries exporting less
    than ``min_exports`` go, then products only they exported. One argsort of the cell keys
    orders rows and columns, so the CSR comes out with sorted indices.
    """
    v = np.asarray(v, dtype=float)
    rows = np.bincount(ci, weights=v, minlength=len(clabels))
    keep_r = (rows >= min_exports) & (rows > 0)
    cell = keep_r[ci] & (v != 0)
    cols = np.bincount(pi[cell], weights=v[cell], minlength=len(plabels))
    keep_c = cols != 0
    r_new = np.full(len(clabels), -1)
    c_new = np.full(len(plabels), -1)
    r_ord = np.flatnonzero(keep_r)[np.argsort(clabels[keep_r], kind="stable")]
    c_ord = np.flatnonzero(keep_c)[np.argsort(plabels[keep_c], kind="stable")]
    r_new[r_ord], c_new[c_ord] = np.arange(len(r_ord)), np.arange(len(c_ord))
    r, c, v = r_new[ci[cell]], c_new[pi[cell]], v[cell]
    shape = (len(r_ord), len(c_ord))
    if not ordered:
        return YearMatrix(year, clabels[r_ord], plabels[c_ord], sp.coo_matrix((v, (r, c)), shape))
    order = np.argsort(r.astype(np.int64) * len(c_ord) + c)  # keys are unique
    indptr = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=len(r_ord)))])
    X = sp.csr_matrix((v[order], c[order], indptr), shape=shape)
    X.has_sorted_indices = True
    return YearMatrix(year, clabels[r_ord], plabels[c_ord], X)


def empty(columns: list[str]) -> pd.DataFrame:
    """An empty result with the contract's columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Per-year result frames stacked in the contract's column order (empty if none)."""
    return pd.concat(frames, ignore_index=True)[columns] if frames else empty(columns)


def take(labels: np.ndarray, idx: np.ndarray) -> pa.Array:
    """``labels[idx]`` as an Arrow string array (decoded in C++, no Python objects)."""
    dictionary = pa.array(labels.tolist(), type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(idx, type=pa.int32()), dictionary).cast(pa.string())


def frame(columns: dict) -> pd.DataFrame:
    """A result DataFrame from arrays (Arrow-decoded strings become pandas ``str``)."""
    return pa.table(columns).to_pandas()
