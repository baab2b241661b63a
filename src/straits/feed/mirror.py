"""Both records of one flow, month by month: the importer's imports against the exporter's exports.

When Korea's customs record imports of hydrogen fluoride from Japan and Japan's customs
record exports of it to Korea, the two figures differ for known reasons (UN Comtrade,
"Bilateral asymmetries"):

- **Valuation.** Imports are valued CIF (cost, insurance and freight to the importer's
  border), exports FOB (free on board at the exporter's border), so the import record
  exceeds the export record by the freight and insurance margin, a few percent on a short
  sea route. ``import_basis`` and ``export_basis`` state each side's basis as stored.
- **Timing.** Goods leave in one month and are declared on arrival in the same or the next
  one; monthly records of one shipment can fall in different months. The comparison pairs
  the importer's month t with the exporter's month t - ``lag``; with ``lag=None`` the lag
  (0, 1 or 2 months) is the one whose paired months keep the steadiest ratio (smallest
  median absolute deviation of the log ratios over months where both sides traded, at
  least six of them; else 0), so a constant CIF/FOB margin does not sway it.
- Partner attribution, confidentiality and national lines (a customs HS10 line covers part
  of its HS6 code) make further gaps: per side the most complete classification is used
  (the HS6 level where loaded), never two added up.

A month is flagged when ``|gap| > tolerance`` and the larger side is at least
``min_value_usd``; ``gap_12m`` compares twelve-month sums, which smooth the timing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from straits.errors import DataNotLoadedError
from straits.params import Economy, Interval, Month, Products, validate_params
from straits.provenance import Provenance, attach
from straits.security.monthly import parse_month, period_label
from straits.warehouse import feed_sql

COLUMNS = ["period", "importer", "exporter", "product", "import_usd", "export_usd",
           "export_lagged_usd", "lag_months", "gap", "gap_12m", "flag", "import_basis",
           "export_basis", "import_source", "export_source"]
MAX_LAG = 2


@validate_params({"importer": Economy(), "exporter": Economy(),
                  "product": Products(max_items=1, none_ok=False), "start": Month(),
                  "end": Month(), "lag": Interval(int, 0, MAX_LAG, none_ok=True),
                  "tolerance": Interval(float, 0, 10, closed="neither"),
                  "min_value_usd": Interval(float, 0, None)},
                 distinct=[("importer", "exporter")])
def monthly_mirror(wh, importer: str, exporter: str, product: str, *, start: str | None = None,
                   end: str | None = None, lag: int | None = None, tolerance: float = 0.25,
                   min_value_usd: float = 100_000.0) -> pd.DataFrame:
    """Importer-reported imports against exporter-reported exports, month by month.

    Parameters
    ----------
    wh : Warehouse
        Warehouse with monthly reporter data of both sides (``straits fetch comtrade
        --mirror``, or files ingested).
    importer, exporter : str
        The two economies (``KOR``, ``JPN``).
    product : str
        One HS code (6 digits, or a 2- or 4-digit heading matched on the HS6 codes).
    start, end : str, optional
        First and last month shown, ``YYYY-MM``.
    lag : int, optional
        Months between the export and the import record (0-2); ``None`` estimates it.
    tolerance : float
        Largest ``|gap|`` not flagged (0.25: a quarter).
    min_value_usd : float
        Months where both sides are below this are never flagged (noise).

    Returns
    -------
    pandas.DataFrame
        One row per month: period, importer, exporter, product, import_usd (as the importer
        reported it), export_usd (the exporter's record of the same month), export_lagged_usd
        (its month t - lag), lag_months, gap = import_usd / export_lagged_usd - 1, gap_12m
        (the same over twelve-month sums; NaN before twelve months), flag, import_basis,
        export_basis (``cif``/``fob``/``primary``), import_source, export_source. Collects
        the monthly sums of the two sides (a few hundred rows at most).
    """
    from straits.reference.lookup import parse_products, resolve_country

    imp, exp = resolve_country(importer).iso3, resolve_country(exporter).iso3
    code = (parse_products(product) or [""])[0]
    raw = wh.arrow(feed_sql.monthly_pair(imp, exp, code)).to_pandas()
    sides = {s: _best(raw[raw["side"] == s]) for s in ("import", "export")}
    missing = [s for s, d in sides.items() if d.empty]
    if missing:
        who = {"import": f"{imp}'s imports from {exp}", "export": f"{exp}'s exports to {imp}"}
        raise DataNotLoadedError(
            f"No monthly {' or '.join(who[s] for s in missing)} of {code} loaded; fetch both "
            f"sides with `straits fetch comtrade --reporter {imp} --partner {exp} "
            f"--products {code} --mirror`.")
    lo = min(int(d["period"].min()) for d in sides.values())
    hi = max(int(d["period"].max()) for d in sides.values())
    periods = np.arange(lo, hi + 1)
    series = {s: _dense(d, periods) for s, d in sides.items()}
    i_usd, e_usd = series["import"], series["export"]
    lag_used, how = (lag, "given") if lag is not None else _estimate_lag(i_usd, e_usd)
    e_lag = np.full_like(e_usd, np.nan)
    e_lag[lag_used:] = e_usd[:len(e_usd) - lag_used]
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = i_usd / e_lag - 1.0
        gap_12 = (pd.Series(i_usd).rolling(12).sum() / pd.Series(e_lag).rolling(12).sum()
                  ).to_numpy() - 1.0
    big = np.fmax(i_usd, e_lag) >= min_value_usd
    flag = big & ~np.isnan(gap) & (np.abs(gap) > tolerance)
    out = pd.DataFrame({
        "period": period_label(periods).to_numpy(), "importer": imp, "exporter": exp,
        "product": code, "import_usd": i_usd, "export_usd": e_usd, "export_lagged_usd": e_lag,
        "lag_months": lag_used, "gap": gap, "gap_12m": gap_12, "flag": flag,
        "import_basis": sides["import"]["value_basis"].iloc[0],
        "export_basis": sides["export"]["value_basis"].iloc[0],
        "import_source": sides["import"]["sources"].iloc[0],
        "export_source": sides["export"]["sources"].iloc[0],
    })
    keep = np.ones(len(out), dtype=bool)
    if start is not None:
        keep &= periods >= parse_month(start, "start", "monthly_mirror")
    if end is not None:
        keep &= periods <= parse_month(end, "end", "monthly_mirror")
    out = out[keep].reset_index(drop=True)
    notes = (
        f"Imports {out['import_basis'].iloc[0] if len(out) else '?'} as {imp} reports them, "
        f"exports {out['export_basis'].iloc[0] if len(out) else '?'} as {exp} does: CIF "
        "exceeds FOB by freight and insurance, a few percent on a short route.",
        f"Lag {lag_used} month(s) ({how}): {imp}'s month t against {exp}'s month t-{lag_used}.",
        f"flag: |gap| > {tolerance:g} with the larger side >= {min_value_usd:,.0f} USD.",
    )
    citations = sorted({c for d in sides.values() for c in d["sources"].iloc[0].split(", ")})
    return attach(out, Provenance(
        source="UN Comtrade / customs records as loaded: " + ", ".join(citations),
        dataset="reporter", method="gap = import_usd / export_lagged_usd - 1", notes=notes))


def _best(rows: pd.DataFrame) -> pd.DataFrame:
    """One side's rows in its most complete classification (lowest level, most months)."""
    if rows.empty:
        return rows
    rank = (rows.groupby("classification")
            .agg(level=("level", "min"), months=("period", "nunique"))
            .sort_values(["level", "months"], ascending=[True, False]))
    best = rows[rows["classification"] == rank.index[0]]
    return best.assign(sources=", ".join(sorted(set(", ".join(best["sources"]).split(", ")))))


def _dense(rows: pd.DataFrame, periods: np.ndarray) -> np.ndarray:
    """Monthly values over ``periods``: 0 inside the side's coverage, NaN outside."""
    out = np.full(len(periods), np.nan)
    first, last = int(rows["period"].min()), int(rows["period"].max())
    inside = (periods >= first) & (periods <= last)
    out[inside] = 0.0
    np.add.at(out, rows["period"].to_numpy(dtype=np.int64) - periods[0],
              rows["value_usd"].to_numpy(dtype=float))
    return out


def _estimate_lag(i_usd: np.ndarray, e_usd: np.ndarray) -> tuple[int, str]:
    """The lag in 0..MAX_LAG whose paired months keep the steadiest ratio.

    Score: median absolute deviation of log(import / export) over months where both sides
    traded (six at least). A constant CIF/FOB margin moves every log ratio alike, so it
    does not sway the choice; ties go to the shorter lag.
    """
    scores = {}
    for k in range(MAX_LAG + 1):
        a, b = i_usd[k:], e_usd[:len(e_usd) - k]
        ok = (a > 0) & (b > 0)
        if ok.sum() >= 6:
            r = np.log(a[ok] / b[ok])
            scores[k] = round(float(np.median(np.abs(r - np.median(r)))), 9)
    if not scores:
        return 0, "too few months traded on both sides to estimate; 0 assumed"
    best = min(scores, key=lambda k: (scores[k], k))
    return best, "estimated: the steadiest ratio of paired months"
