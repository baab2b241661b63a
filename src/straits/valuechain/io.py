"""Input-output propagation on world input-output tables (WIOD by default).

How a supply cut travels along value chains: the cut removes part of the intermediate flows
from a supplier's industries to a customer's industries, and two partial hypothetical
extractions (Miller & Lahr 2001) bound its effect on every industry of the world:

- backward (Leontief, demand-driven): A[s, c] scaled by (1 − cut), final demand fixed,
  x′ = (I − A′)⁻¹ f; ``leontief_loss`` = x − x′, the sales lost upstream, mostly in the
  supplier's economy;
- forward (Ghosh, supply-driven): B[s, c] scaled by (1 − cut), value added fixed,
  x′ᵀ = vᵀ(I − B′)⁻¹; ``ghosh_loss`` = x − x′, the output the customer's industries and their
  buyers lose when the input is missing, an upper bound (no substitution).

Core quantities are computed once per table and cached (:func:`core`); each shock is then a
Sherman–Morrison–Woodbury update in O(n·k) (:mod:`straits._kernels.io`).

References
----------
Miller, R. E. and Blair, P. D. (2009), *Input-Output Analysis*, 2nd ed., Cambridge UP.
Miller, R. E. and Lahr, M. L. (2001), "A taxonomy of extractions", in *Regional Science
Perspectives in Economic Analysis*, Elsevier, 407-441.
Baldwin, R., Freeman, R. and Theodorakopoulos, A. (2023), "Hidden Exposure: Measuring US
Supply Chain Reliance", Brookings Papers on Economic Activity, Fall 2023.
"""

from __future__ import annotations

import difflib
import weakref
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from straits._kernels.io import (
    IOCore,
    backward_extraction_loss,
    compute_core,
    forward_extraction_loss,
)
from straits.errors import UnknownCodeError, check_param
from straits.sources.wiod import WIOD_EMBEDDED_YEAR, MRIOTable, load_wiod

__all__ = ["MRIOTable", "core", "foreign_input_reliance", "io_shock", "load_wiod"]

METHOD = {
    "leontief_loss": (
        "Backward (Leontief, demand-driven) partial extraction: A(supplier sector -> customer "
        "industries) scaled by (1 - cut), final demand fixed, x' = (I - A')^-1 f; loss = x - x' "
        "(sales lost upstream; fixed technology, no substitution)."
    ),
    "ghosh_loss": (
        "Forward (Ghosh, supply-driven) partial extraction: B = x^-1 Z scaled by (1 - cut) at "
        "the same cells, value added fixed, x'^T = v^T (I - B')^-1; loss = x - x' (output lost "
        "downstream for want of the input; an upper bound assuming no substitution)."
    ),
}
_ALIASES = {"ROU": "ROM", "ROW": "RoW", "REST OF WORLD": "RoW"}


_CORES: weakref.WeakKeyDictionary[MRIOTable, IOCore] = weakref.WeakKeyDictionary()


def core(table: MRIOTable) -> IOCore:
    """A, B, L, G, f, v of ``table``, computed on first use and cached.

    Parameters
    ----------
    table : MRIOTable

    Returns
    -------
    IOCore
        See :func:`straits._kernels.io.compute_core` for the formulas.
    """
    hit = _CORES.get(table)
    if hit is None:
        hit = _CORES[table] = compute_core(table.Z, table.x)
    return hit


def _as_list(spec: str | Sequence[str] | None) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, str):
        parts = spec.replace("+", ",").split(",")
    else:
        parts = [str(p) for p in spec]
    return [p.strip() for p in parts if p.strip()]


def resolve_regions(table: MRIOTable, spec: str | Sequence[str], *, name: str, func: str) -> list[str]:
    """Region codes of the table from ISO3 codes or country names ("KOR", "Korea", "RoW")."""
    regions = table.regions
    upper = {r.upper(): r for r in regions}
    out: list[str] = []
    for q in _as_list(spec):
        key = _ALIASES.get(q.upper(), q).upper()
        code = upper.get(key)
        if code is None:
            try:
                from straits.reference.lookup import resolve_country

                iso3 = resolve_country(q).iso3
                code = upper.get(_ALIASES.get(iso3, iso3).upper())
            except Exception:  # noqa: BLE001 - any failure means "not a WIOD region"
                code = None
        if code is None:
            raise UnknownCodeError(
                f"The {name!r} parameter of {func}: {q!r} is not a region of the {table.year} table "
                f"({len(regions)} regions: {', '.join(regions)})."
            )
        out.append(code)
    check_param(name, func, bool(out), "one or more country codes", spec)
    return list(dict.fromkeys(out))


def resolve_sectors(table: MRIOTable, spec: str | Sequence[str] | None, *, name: str, func: str) -> list[str]:
    """Industry codes from ``c9``, ``9`` or an exact/unique partial name; None means all."""
    sectors = table.sectors
    if spec is None:
        return list(sectors)
    names = {k: v for k, v in table.industry_names.items() if k in sectors}
    out: list[str] = []
    for q in _as_list(spec):
        ql = q.lower()
        code = ql if ql in sectors else (f"c{ql}" if f"c{ql}" in sectors else None)
        if code is None:
            hits = [k for k, v in names.items() if ql == v.lower()] or [
                k for k, v in names.items() if ql in v.lower()
            ]
            code = hits[0] if len(hits) == 1 else None
            if len(hits) > 1:
                raise UnknownCodeError(
                    f"The {name!r} parameter of {func}: industry {q!r} is ambiguous "
                    f"({', '.join(f'{h} {names[h]}' for h in hits[:5])}); use a code such as {hits[0]}."
                )
        if code is None:
            close = difflib.get_close_matches(q, list(names.values()), n=3)
            raise UnknownCodeError(
                f"The {name!r} parameter of {func}: unknown industry {q!r}; expected c1-c{len(sectors)}"
                + (f" (did you mean {', '.join(close)}?)" if close else "") + "."
            )
        out.append(code)
    return list(dict.fromkeys(out))


def _index(table: MRIOTable, regions: list[str], sectors: list[str]) -> np.ndarray:
    c = np.asarray(table.countries)
    s = np.asarray(table.industries)
    return np.flatnonzero(np.isin(c, regions) & np.isin(s, sectors))


@lru_cache(maxsize=8)
def _labels(table: MRIOTable) -> pd.DataFrame:
    return table.labels()


def _shock_frame(t: MRIOTable, shown: list[str], x: np.ndarray, back: np.ndarray,
                 fwd: np.ndarray) -> pd.DataFrame:
    """Rows of the shown countries, a total after each, then WORLD (plain NumPy, ~1 ms)."""
    lab = _labels(t)
    reg = lab["country"].to_numpy()
    blocks = [np.flatnonzero(reg == r) for r in shown]  # a handful of user-given countries
    idx = np.concatenate([np.append(ix, -1) for ix in blocks] + [np.array([-1])])
    is_total = idx < 0
    vals = np.stack([x, back, fwd], axis=1)
    out_vals = vals[np.where(is_total, 0, idx)]
    totals = np.vstack([vals[ix].sum(axis=0) for ix in blocks] + [vals.sum(axis=0)])
    out_vals[is_total] = totals
    country = np.concatenate([[r] * (len(ix) + 1) for r, ix in zip(shown, blocks, strict=True)] + [["WORLD"]])
    industry = np.where(is_total, "total", lab["industry"].to_numpy()[idx])
    name = np.where(is_total, "All industries", lab["industry_name"].to_numpy()[idx])
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(out_vals[:, :1] > 0, out_vals[:, 1:] / out_vals[:, :1], np.nan)
    return pd.DataFrame({
        "country": country, "industry": industry, "industry_name": name, "output": out_vals[:, 0],
        "leontief_loss": out_vals[:, 1], "ghosh_loss": out_vals[:, 2],
        "leontief_loss_share": shares[:, 0], "ghosh_loss_share": shares[:, 1],
    })


def io_shock(
    *,
    supplier: str | Sequence[str],
    sector: str | Sequence[str],
    customer: str | Sequence[str],
    cut: float,
    year: int = WIOD_EMBEDDED_YEAR,
    customer_sector: str | Sequence[str] | None = None,
    path: str | Path | None = None,
    table: MRIOTable | None = None,
) -> pd.DataFrame:
    """Bilateral supply cut propagated by backward (Leontief) and forward (Ghosh) extraction.

    Parameters
    ----------
    supplier, customer : str or list of str
        Region codes or names ("JPN", "KOR,TWN"); several allowed.
    sector : str or list of str
        Supplier industries cut ("c9", "c9,c14").
    cut : float
        Fraction of the flows removed, in [0, 1].
    year : int
        WIOD year (2011 embedded; others need ``path``).
    customer_sector : str or list of str, optional
        Customer industries whose purchases are cut (default: all).
    path : str or Path, optional
        Folder of WIOD files (see :func:`straits.sources.wiod.load_wiod`).
    table : MRIOTable, optional
        Use this table instead of loading one (any MRIO source).

    Returns
    -------
    DataFrame
        ``country, industry, industry_name, output, leontief_loss, ghosh_loss,
        leontief_loss_share, ghosh_loss_share``: every industry of the customer and supplier
        countries, an ``industry = "total"`` row per country, and ``country = "WORLD",
        industry = "total"``. Million USD; shares are loss / output (0-1). ``attrs``: method,
        source, unit, ``cut_flows_musd`` (value of the removed flows at the old output).

    Notes
    -----
    leontief_loss = x − (I − A′)⁻¹ f with A′ = A except A[R, C]·(1 − cut);
    ghosh_loss = x − (vᵀ(I − B′)⁻¹)ᵀ with B′ likewise. Both via Sherman–Morrison–Woodbury.
    With cut = 0 both are zero. References: Miller & Blair (2009) ch. 12; Miller & Lahr (2001).

    Examples
    --------
    >>> df = io_shock(supplier="JPN", sector="c9", customer="KOR", cut=0.5)
    >>> df.loc[df.country.eq("WORLD"), "leontief_loss"].item() > 0
    True
    """
    func = "io_shock"
    check_param("cut", func, isinstance(cut, int | float) and 0.0 <= float(cut) <= 1.0,
                "a float in [0, 1]", cut)
    t = table if table is not None else load_wiod(year, path)
    sup = resolve_regions(t, supplier, name="supplier", func=func)
    cus = resolve_regions(t, customer, name="customer", func=func)
    rows = _index(t, sup, resolve_sectors(t, sector, name="sector", func=func))
    check_param("sector", func, rows.size > 0, "one or more industries", sector)
    cols = _index(t, cus, resolve_sectors(t, customer_sector, name="customer_sector", func=func))
    c = core(t)
    back = backward_extraction_loss(c, rows, cols, float(cut))
    fwd = forward_extraction_loss(c, rows, cols, float(cut))
    out = _shock_frame(t, list(dict.fromkeys(cus + sup)), c.x, back, fwd)
    out.attrs.update(
        method=dict(METHOD), source=t.source, unit=t.unit, year=t.year,
        cut_flows_musd=float(float(cut) * t.Z[np.ix_(rows, cols)].sum()),
        shock={"supplier": sup, "sector": sorted({t.industries[i] for i in rows}, key=lambda s: int(s[1:])
                                                  if s[1:].isdigit() else 0),
               "customer": cus, "cut": float(cut)},
    )
    return out


def foreign_input_reliance(
    *,
    country: str | Sequence[str],
    supplier: str | Sequence[str] | None = None,
    industry: str | Sequence[str] | None = None,
    year: int = WIOD_EMBEDDED_YEAR,
    path: str | Path | None = None,
    table: MRIOTable | None = None,
) -> pd.DataFrame:
    """Reliance of a country's industries on inputs from supplier countries, face value and look-through.

    Parameters
    ----------
    country : str or list of str
        The using country (or countries).
    supplier : str or list of str, optional
        Supplier countries; default every other region of the table.
    industry : str or list of str, optional
        Industries of ``country`` (default all).
    year, path, table
        As in :func:`io_shock`.

    Returns
    -------
    DataFrame
        ``country, industry, industry_name, supplier, face_value, look_through, output``; one row
        per industry and supplier plus ``industry = "total"`` rows (output-weighted), and a
        ``supplier = "FOREIGN"`` row summing every region other than ``country``. Fractions 0-1.

    Notes
    -----
    Face value (direct inputs): FV_{p,j} = Σ_{i∈p} A_ij / Σ_i A_ij. Look-through (direct and
    indirect, through the Leontief inverse without the unit of own output):
    LT_{p,j} = Σ_{i∈p} (L − I)_ij / Σ_i (L − I)_ij. Country totals weight industries by output.
    Baldwin, Freeman & Theodorakopoulos (2023), Brookings Papers on Economic Activity.
    """
    func = "foreign_input_reliance"
    t = table if table is not None else load_wiod(year, path)
    users = resolve_regions(t, country, name="country", func=func)
    inds = resolve_sectors(t, industry, name="industry", func=func)
    sups = (resolve_regions(t, supplier, name="supplier", func=func) if supplier is not None
            else [r for r in t.regions if r not in users])
    c = core(t)
    cols = _index(t, users, inds)
    regions = np.asarray(t.countries)
    reg_codes, reg_idx = np.unique(regions, return_inverse=True)
    agg = np.zeros((len(reg_codes), len(regions)))
    agg[reg_idx, np.arange(len(regions))] = 1.0  # region x row indicator
    direct = agg @ c.A[:, cols]  # (regions, cols)
    total = agg @ c.L[:, cols]
    total[reg_idx[cols], np.arange(cols.size)] -= 1.0  # L − I
    x = c.x[cols]
    col_country = regions[cols]
    frames = []
    sup_rows = np.searchsorted(reg_codes, sups)
    for_list = sups + ["FOREIGN"]
    for u in users:
        m = col_country == u
        foreign = reg_codes != u
        d = np.vstack([direct[sup_rows][:, m], direct[foreign][:, m].sum(0)])
        lt = np.vstack([total[sup_rows][:, m], total[foreign][:, m].sum(0)])
        dsum, lsum = direct[:, m].sum(0), total[:, m].sum(0)
        xw = x[m]
        fv_tot = (d * xw).sum(1) / max((dsum * xw).sum(), np.finfo(float).tiny)
        lt_tot = (lt * xw).sum(1) / max((lsum * xw).sum(), np.finfo(float).tiny)
        with np.errstate(divide="ignore", invalid="ignore"):
            fv = np.where(dsum > 0, d / dsum, np.nan)
            ltr = np.where(lsum > 0, lt / lsum, np.nan)
        lab = _labels(t).iloc[cols[m]]
        k, s = len(for_list), int(m.sum())
        frames.append(pd.DataFrame({
            "country": u,
            "industry": np.tile(lab["industry"].to_numpy(), k),
            "industry_name": np.tile(lab["industry_name"].to_numpy(), k),
            "supplier": np.repeat(for_list, s),
            "face_value": fv.ravel(), "look_through": ltr.ravel(), "output": np.tile(xw, k),
        }))
        frames.append(pd.DataFrame({
            "country": u, "industry": "total", "industry_name": "All industries",
            "supplier": for_list, "face_value": fv_tot, "look_through": lt_tot, "output": xw.sum(),
        }))
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update(
        source=t.source, unit="fractions 0-1 (output in million USD)", year=t.year,
        method=("face_value = sum over supplier rows of A[:, j] / column sum of A (direct inputs); "
                "look_through = same with L - I (direct and indirect inputs); totals weight "
                "industries by output (Baldwin, Freeman & Theodorakopoulos 2023)."),
    )
    return out
