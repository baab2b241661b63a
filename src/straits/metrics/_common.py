"""Helpers shared by the metric modules: years, products, parties (blocs), provenance, matrices.

Every metric function resolves what a caller typed here, once: years (``None`` = the latest
loaded year), products (HS prefixes and aliases to loaded HS6 codes) and economies. An
economy a caller names is a *party*: a country, a named bloc (``EU27``) or an ad-hoc one
(``KOR+JPN``). A party is one economy in every metric: its members' flows are summed under
it and trade among its members is left out of its exports, its imports and the world totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from straits import resolve
from straits.errors import ParameterError
from straits.params import Economies, Options, Products, YearSpec
from straits.provenance import Provenance, attach
from straits.reference import lookup
from straits.warehouse import aggregates
from straits.warehouse import metrics_sql as q
from straits.warehouse.protocol import resolve_years
from straits.warehouse.queries import country_labels

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

Years = int | Sequence[int] | None
Spec = str | Sequence[str] | None

YEARS = YearSpec(many=True)
PRODUCTS = Products()
LEVEL = Options("hs6", "hs4", "hs2")
ECONOMIES = Economies(none_ok=True)

UNITS = "values in thousand current USD (BACI, FOB); shares and HHI as fractions 0-1"


def years(wh: Warehouse, year: Years) -> list[int]:
    """Requested years, each checked loaded; ``None`` means the latest loaded year."""
    return resolve_years(wh, year)


def products(wh: Warehouse, spec: Spec, func: str) -> list[str] | None:
    """Loaded HS6 codes named by HS prefixes or aliases (``None`` = every product)."""
    return resolve.products(wh, spec, func=func)[0]


def level(value: str) -> str:
    """An HS level name, lower case (already validated by the declarations)."""
    return str(value).lower()


DIGITS = {"hs2": 2, "hs4": 4, "hs6": 6}


def level_keys(codes: list[str] | None, lvl: str) -> list[str] | None:
    """HS6 codes cut to the product keys of level ``lvl`` (``None`` stays ``None``)."""
    if codes is None:
        return None
    n = DIGITS[level(lvl)]
    return sorted({p[:n] for p in codes})


@dataclass(frozen=True)
class Parties:
    """The economies a caller named, each one party with a synthetic code (-1, -2, ...).

    ``table`` maps every member's BACI code to its party code; ``labels_table`` names the
    party codes. Both are attached to the queries that need them.
    """

    labels: tuple[str, ...]
    members: tuple[tuple[int, ...], ...]
    blocs: tuple[str, ...]

    @property
    def codes(self) -> list[int]:
        """Party codes, in the order named."""
        return [-(i + 1) for i in range(len(self.labels))]

    @property
    def all_members(self) -> list[int]:
        """Every member's BACI code."""
        return sorted({c for ms in self.members for c in ms})

    @property
    def table(self) -> pa.Table:
        """``party_map(member, party)``."""
        member = [c for ms in self.members for c in ms]
        party = [code for code, ms in zip(self.codes, self.members, strict=True) for _ in ms]
        return pa.table({"member": pa.array(member, pa.int32()),
                         "party": pa.array(party, pa.int32())})

    @property
    def labels_table(self) -> pa.Table:
        """``party_labels(code, label)``."""
        return pa.table({"code": pa.array(self.codes, pa.int32()),
                         "label": pa.array(list(self.labels), pa.string())})

    def label_of(self) -> dict[int, str]:
        """Party code -> label."""
        return dict(zip(self.codes, self.labels, strict=True))

    def notes(self) -> tuple[str, ...]:
        """Provenance notes stating the bloc rule for each bloc named."""
        return tuple(f"{b} is one economy: trade among its members is left out of its "
                     "exports, its imports and the world totals." for b in self.blocs)


def parties(spec: Spec, *, param: str, func: str) -> Parties | None:
    """The parties named in ``spec`` (``None`` or ``world``: no party), each named once.

    ``KOR,KR`` is one party. Two parties sharing an economy (``EU27,DEU``) is an error:
    trade between them would be both inside and outside a party.
    """
    if spec is None or (isinstance(spec, str) and lookup.is_world(spec)):
        return None
    found = resolve.parties(spec)
    seen: dict[int, str] = {}
    for p in found:
        for code in p.codes:
            if code in seen:
                raise ParameterError(
                    f"The {param!r} parameter of {func} must name economies that do not "
                    f"overlap. Got {spec!r} instead ({seen[code]} and {p.label} share an "
                    "economy; join a bloc and a country with '+' to make one party).")
            seen[code] = p.label
    return Parties(labels=tuple(p.label for p in found),
                   members=tuple(tuple(p.codes) for p in found),
                   blocs=tuple(p.label for p in found if p.is_bloc))


def source(wh: Warehouse, yrs: Sequence[int],
           need: Sequence[str] = ("exports",)) -> aggregates.Source:
    """The aggregates ``need`` (``exports``, ``imports``) of ``yrs``, built on first use."""
    return aggregates.ensure(wh, yrs, need)


def release(wh: Warehouse, yrs: Sequence[int]) -> str | None:
    """The release(s) the years were loaded from (``V202601``)."""
    cat = wh.catalog()
    rel = {r["release"] for r in cat.select(["dataset", "year", "release"]).to_pylist()
           if r["dataset"] == "baci" and int(r["year"]) in set(yrs)}
    return ", ".join(sorted(rel)) or None


def provenance(wh: Warehouse, yrs: Sequence[int], method: str, *,
               named: Parties | None = None, notes: Sequence[str] = ()) -> Provenance:
    """The provenance of a BACI-based metric result over ``yrs``."""
    return Provenance(source=wh.citation(), dataset="baci", release=release(wh, yrs),
                      years=tuple(sorted(int(y) for y in yrs)), method=method,
                      notes=(*(named.notes() if named else ()), *notes))


def finish(df: pd.DataFrame, prov: Provenance) -> pd.DataFrame:
    """A result frame with a fresh index and its provenance attached."""
    return attach(df.reset_index(drop=True), prov)


def iso3_lookup(wh: Warehouse) -> dict[int, str]:
    """BACI code -> ISO3 of the loaded release's countries."""
    t = wh.arrow(country_labels())
    return dict(zip(t.column("code").to_pylist(), t.column("iso3").to_pylist(), strict=True))


class YearMatrix(NamedTuple):
    """One year's economy x product export matrix with its labels."""

    year: int
    countries: np.ndarray  # ISO3 or party label, one per row
    products: np.ndarray   # product codes, one per column
    X: sp.spmatrix         # value_kusd (CSR with sorted cells, COO if not ordered)


def export_matrices(
    wh: Warehouse,
    *,
    years: list[int],
    level: str = "hs6",
    products: list[str] | None = None,
    named: Parties | None = None,
    min_exports: float = 0.0,
    average: bool = False,
    ordered: bool = True,
) -> list[YearMatrix]:
    """Economy x product export matrices, one per year (or one averaged over ``years``).

    One query (over the exporter aggregate; each named party's row from its flows to
    outside it); labels come from Arrow dictionary encoding, so no Python loop touches a
    flow, country or product. Economies exporting less than ``min_exports`` (thousand USD)
    are dropped, as the Atlas does. ``ordered=False`` skips sorting the cells.
    Collects one row per non-zero cell: about 1M a year on a full BACI release.
    """
    sql = q.export_cells(source(wh, years), years=years, level=level, products=products,
                         parties=None if named is None else named.table)
    tab = wh.arrow(sql)
    names = iso3_lookup(wh)
    if named is not None:
        names.update(named.label_of())
    yr = tab.column("year").to_numpy()
    val = tab.column("value_kusd").to_numpy()
    exp_ = pc.dictionary_encode(tab.column("exporter")).combine_chunks()
    prod = pc.dictionary_encode(tab.column("product")).combine_chunks()  # integer HS codes
    ci, pi = exp_.indices.to_numpy(), prod.indices.to_numpy()
    clabels = np.array([names.get(int(c), str(c)) for c in exp_.dictionary.to_pylist()],
                       dtype=object)  # one per economy (~230)
    plabels = np.char.zfill(prod.dictionary.to_numpy().astype(str), q.WIDTHS[level]).astype(object)
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
    if cell.all():  # the usual case: no masked copies of the cells
        cell = slice(None)
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


def wanted_rows(labels: np.ndarray, named: Parties | None) -> np.ndarray:
    """Row mask of the economies a caller named (every row when none was named)."""
    if named is None:
        return np.ones(len(labels), dtype=bool)
    return np.isin(labels.astype(str), list(named.labels))
