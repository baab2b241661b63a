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

Both read the warehouse's input-output table of the requested year (default the latest
loaded; :mod:`straits.valuechain.iotable`). Core quantities are computed once per table and
cached; each shock is then a Sherman–Morrison–Woodbury update in O(n·k)
(:mod:`straits._kernels.io`). Columns state their unit: ``_musd`` million current USD,
``_share`` a fraction 0-1.

References
----------
Miller, R. E. and Blair, P. D. (2009), *Input-Output Analysis*, 2nd ed., Cambridge UP.
Miller, R. E. and Lahr, M. L. (2001), "A taxonomy of extractions", in *Regional Science
Perspectives in Economic Analysis*, Elsevier, 407-441.
Baldwin, R., Freeman, R. and Theodorakopoulos, A. (2023), "Hidden Exposure: Measuring US
Supply Chain Reliance", Brookings Papers on Economic Activity, Fall 2023.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from straits._kernels.io import backward_extraction_loss, forward_extraction_loss
from straits.errors import check_param
from straits.params import Interval, Names, YearSpec, validate_params
from straits.provenance import Provenance, attach
from straits.sources.wiod import WIOD_RELEASE, MRIOTable
from straits.valuechain.iotable import (
    core,
    index_of,
    labels,
    mrio_table,
    resolve_regions,
    resolve_sectors,
)
from straits.warehouse.protocol import Warehouse

__all__ = ["foreign_input_reliance", "io_shock", "shock_table"]

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


def _provenance(t: MRIOTable, method: str, notes: tuple[str, ...] = ()) -> Provenance:
    return Provenance(source=f"{t.source}; world input-output table {t.year}", dataset="wiod",
                      release=WIOD_RELEASE, years=(t.year,), method=method, notes=notes)


def _shock_frame(t: MRIOTable, shown: list[str], x: np.ndarray, back: np.ndarray,
                 fwd: np.ndarray) -> pd.DataFrame:
    """Rows of the shown countries, a total after each, then WORLD (plain NumPy, ~1 ms)."""
    lab = labels(t)
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
        "country": country, "industry": industry, "industry_name": name,
        "output_musd": out_vals[:, 0], "leontief_loss_musd": out_vals[:, 1],
        "ghosh_loss_musd": out_vals[:, 2],
        "leontief_loss_share": shares[:, 0], "ghosh_loss_share": shares[:, 1],
    })


def shock_table(t: MRIOTable, *, supplier: str | Sequence[str], sector: str | Sequence[str],
                customer: str | Sequence[str], cut: float,
                customer_sector: str | Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`io_shock` on a table already in memory (any MRIO source); same columns."""
    func = "io_shock"
    sup = resolve_regions(t, supplier, name="supplier", func=func)
    cus = resolve_regions(t, customer, name="customer", func=func)
    rows = index_of(t, sup, resolve_sectors(t, sector, name="sector", func=func))
    check_param("sector", func, rows.size > 0, "one or more industries", sector)
    cols = index_of(t, cus, resolve_sectors(t, customer_sector, name="customer_sector", func=func))
    c = core(t)
    back = backward_extraction_loss(c, rows, cols, float(cut))
    fwd = forward_extraction_loss(c, rows, cols, float(cut))
    out = _shock_frame(t, list(dict.fromkeys(cus + sup)), c.x, back, fwd)
    cut_flows = float(float(cut) * t.Z[np.ix_(rows, cols)].sum())
    sectors = sorted({t.industries[i] for i in rows},
                     key=lambda s: int(s[1:]) if s[1:].isdigit() else 0)
    out = attach(out, _provenance(t, " ".join(METHOD.values()), notes=(
        f"Cut: {float(cut):g} of {'+'.join(sup)} {','.join(sectors)} sales to "
        f"{'+'.join(cus)}, {cut_flows:,.1f} million USD of flows at the table's output.",)))
    out.attrs["shock"] = {"supplier": sup, "sector": sectors, "customer": cus, "cut": float(cut),
                          "cut_flows_musd": cut_flows, "year": t.year}
    return out


@validate_params({"supplier": Names(), "sector": Names(), "customer": Names(),
                  "cut": Interval(float, 0, 1), "year": YearSpec(),
                  "customer_sector": Names(none_ok=True)})
def io_shock(
    wh: Warehouse,
    *,
    supplier: str | Sequence[str],
    sector: str | Sequence[str],
    customer: str | Sequence[str],
    cut: float,
    year: int | None = None,
    customer_sector: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Bilateral supply cut propagated by backward (Leontief) and forward (Ghosh) extraction.

    Parameters
    ----------
    wh : Warehouse
        The data (its input-output tables).
    supplier, customer : str or list of str
        Region codes or names ("JPN", "KOR,TWN"); several allowed.
    sector : str or list of str
        Supplier industries cut ("c9", "c9,c14", or a unique part of a name).
    cut : float
        Fraction of the flows removed, in [0, 1].
    year : int, optional
        Table year; default the latest loaded year (2011 in the default warehouse).
    customer_sector : str or list of str, optional
        Customer industries whose purchases are cut (default: all).

    Returns
    -------
    DataFrame
        ``country, industry, industry_name, output_musd, leontief_loss_musd, ghosh_loss_musd,
        leontief_loss_share, ghosh_loss_share``: every industry of the customer and supplier
        countries, an ``industry = "total"`` row per country, and ``country = "WORLD",
        industry = "total"``. Million current USD; shares are loss / output (0-1).
        ``attrs["shock"]``: the resolved shock and ``cut_flows_musd`` (value of the removed
        flows at the old output); provenance attached.

    Notes
    -----
    leontief_loss = x − (I − A′)⁻¹ f with A′ = A except A[R, C]·(1 − cut);
    ghosh_loss = x − (vᵀ(I − B′)⁻¹)ᵀ with B′ likewise. Both via Sherman–Morrison–Woodbury.
    With cut = 0 both are zero. References: Miller & Blair (2009) ch. 12; Miller & Lahr (2001).

    Examples
    --------
    >>> import straits
    >>> df = io_shock(straits.open().backend, supplier="JPN", sector="c9", customer="KOR",
    ...               cut=0.5)
    >>> df.loc[df.country.eq("WORLD"), "leontief_loss_musd"].item() > 0
    True
    """
    return shock_table(mrio_table(wh, year), supplier=supplier, sector=sector,
                       customer=customer, cut=cut, customer_sector=customer_sector)


@validate_params({"country": Names(), "supplier": Names(none_ok=True),
                  "industry": Names(none_ok=True), "year": YearSpec()})
def foreign_input_reliance(
    wh: Warehouse,
    *,
    country: str | Sequence[str],
    supplier: str | Sequence[str] | None = None,
    industry: str | Sequence[str] | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Reliance of a country's industries on inputs from supplier countries, face value and look-through.

    Parameters
    ----------
    wh : Warehouse
        The data.
    country : str or list of str
        The using country (or countries).
    supplier : str or list of str, optional
        Supplier countries; default every other region of the table.
    industry : str or list of str, optional
        Industries of ``country`` (default all).
    year : int, optional
        Table year; default the latest loaded year.

    Returns
    -------
    DataFrame
        ``country, industry, industry_name, supplier, face_value_share, look_through_share,
        output_musd``; one row per industry and supplier plus ``industry = "total"`` rows
        (output-weighted), and a ``supplier = "FOREIGN"`` row summing every region other than
        ``country``. Shares 0-1, output in million current USD.

    Notes
    -----
    Face value (direct inputs): FV_{p,j} = Σ_{i∈p} A_ij / Σ_i A_ij. Look-through (direct and
    indirect, through the Leontief inverse without the unit of own output):
    LT_{p,j} = Σ_{i∈p} (L − I)_ij / Σ_i (L − I)_ij. Country totals weight industries by output.
    Baldwin, Freeman & Theodorakopoulos (2023), Brookings Papers on Economic Activity.
    """
    func = "foreign_input_reliance"
    t = mrio_table(wh, year)
    users = resolve_regions(t, country, name="country", func=func)
    inds = resolve_sectors(t, industry, name="industry", func=func)
    sups = (resolve_regions(t, supplier, name="supplier", func=func) if supplier is not None
            else [r for r in t.regions if r not in users])
    c = core(t)
    cols = index_of(t, users, inds)
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
        lab = labels(t).iloc[cols[m]]
        k, s = len(for_list), int(m.sum())
        frames.append(pd.DataFrame({
            "country": u,
            "industry": np.tile(lab["industry"].to_numpy(), k),
            "industry_name": np.tile(lab["industry_name"].to_numpy(), k),
            "supplier": np.repeat(for_list, s),
            "face_value_share": fv.ravel(), "look_through_share": ltr.ravel(),
            "output_musd": np.tile(xw, k),
        }))
        frames.append(pd.DataFrame({
            "country": u, "industry": "total", "industry_name": "All industries",
            "supplier": for_list, "face_value_share": fv_tot, "look_through_share": lt_tot,
            "output_musd": xw.sum(),
        }))
    out = pd.concat(frames, ignore_index=True)
    return attach(out, _provenance(t, (
        "face_value_share = sum over supplier rows of A[:, j] / column sum of A (direct "
        "inputs); look_through_share = same with L - I (direct and indirect inputs); totals "
        "weight industries by output (Baldwin, Freeman & Theodorakopoulos 2023).")))
