"""Month-by-month replay of a real export restriction from reporter (customs) data.

BACI is annual and about two years late; customs statistics show a restriction within weeks.
:func:`monthly_event` takes an event preset (:mod:`straits.security.presets`) and, from the
monthly series in ``reporter_flows``, lays out for each product line and month from
``months_before`` before to ``months_after`` after the start month: the restricting
country's shipments to the importer (value and weight), its share of the importer's imports,
the importer's total, and which other suppliers gained.

Which series: the importer's own import statistics when loaded (Korea's customs HSK lines,
valued CIF: each line keeps its ten-digit code, since it covers only part of its HS6
heading); otherwise the restricting country's reported exports to the importer (e.g.
China's Comtrade exports, FOB), which give the restricting country's value but not the
importer's total, so ``importer_total_usd`` and ``share`` are then empty and no gainers can
be named. Month zero is the preset's start month; it counts as "after".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits.errors import DataNotLoadedError
from straits.params import Codes, Economy, Interval, Month, Options, validate_params
from straits.provenance import Provenance, attach
from straits.reference.lookup import resolve_country
from straits.security.presets import PRESETS, Preset, event_preset
from straits.sources.reporter import require_reporter_data
from straits.warehouse import reporter_sql

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

MONTH_COLUMNS = ["period", "offset", "product", "classification", "hs6", "exporter",
                 "importer", "value_usd", "weight_kg", "importer_total_usd", "share", "side",
                 "sources"]
GAINER_COLUMNS = ["product", "classification", "hs6", "supplier", "before_usd", "after_usd",
                  "change_usd", "share_before", "share_after", "share_change_pp"]


@dataclass
class MonthlyEvent:
    """Result of :func:`monthly_event`: the monthly table, the gainers, notes, provenance."""

    preset: Preset
    importer: str
    months: pd.DataFrame
    gainers: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    provenance: Provenance | None = None

    @property
    def source(self) -> str:
        """The citations of the reporter datasets read."""
        return self.provenance.source if self.provenance else ""


def period_label(period: np.ndarray | pd.Series | Sequence[int]) -> pd.Series:
    """Months since year 0 (``year * 12 + month - 1``) -> ``'YYYY-MM'`` strings."""
    p = pd.Series(np.asarray(period, dtype=np.int64))
    return (p // 12).astype(str) + "-" + (p % 12 + 1).astype(str).str.zfill(2)


def month_number(text: str) -> int:
    """``'YYYY-MM'`` (already validated by :class:`straits.params.Month`) -> months since 0."""
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def parse_month(text: str, name: str, func: str) -> int:
    """``'YYYY-MM'`` -> months since year 0, checked with the one message form."""
    Month(none_ok=False).validate(name, func, text)
    return month_number(text)


def cite(wh: Warehouse, used: set[str]) -> str:
    """The citations (datasets) of the reporter files named in ``used``."""
    loaded = wh.arrow(reporter_sql.sources()).to_pandas()
    return "; ".join(sorted(loaded.loc[loaded["source"].isin(used), "dataset"].unique()))


@validate_params({"preset": Options(*PRESETS, none_ok=True), "importer": Economy(none_ok=True),
                  "exporter": Economy(none_ok=True), "products": Codes(), "start": Month(),
                  "months_before": Interval(int, 1, 60), "months_after": Interval(int, 0, 60)},
                 distinct=[("importer", "exporter")])
def monthly_event(wh: Warehouse, preset: str | None = None, *, importer: str | None = None,
                  exporter: str | None = None, products: str | Sequence[str] | None = None,
                  start: str | None = None, months_before: int = 12,
                  months_after: int = 18) -> MonthlyEvent:
    """Replay an export restriction month by month from loaded monthly data.

    Parameters
    ----------
    wh : Warehouse
        The data; it must hold monthly reporter series.
    preset : str, optional
        Event preset name, e.g. ``'jp-kr-2019'``; explicit fields override its own.
    importer : str, optional
        Importer (default: the preset's, else Korea).
    exporter, products, start : str, optional
        The restricting economy, the codes (HS prefixes or national lines) and the month
        the measure began (``YYYY-MM``); required without a preset.
    months_before, months_after : int
        Window around the start month (month zero).

    Returns
    -------
    MonthlyEvent
        ``months``: period ('YYYY-MM'), offset (months from the start), product (the
        series' own code: an HSK line keeps ten digits), classification (``HSK``, ``HS``,
        ...), hs6 (its HS6 heading), exporter (the restricting country), importer,
        value_usd, weight_kg, importer_total_usd, share (0-1), side ('importer' or
        'exporter' reported), sources. ``gainers``: product, classification, hs6,
        supplier, before_usd and after_usd (mean monthly imports before the start and from
        the start on), change_usd, share_before, share_after (0-1), share_change_pp
        (percentage points); suppliers other than the restricting country whose mean
        monthly value or share rose, largest share gain first. (When imports fall overall,
        a supplier that held its value gains share: it filled part of the gap.)

    Notes
    -----
    share = value from the restricting country / sum over all suppliers, per month; months
    without a row inside a series' coverage count as zero trade. The importer's total is
    the sum over the partners the series lists (the Korean customs sample lists 50), not a
    separately reported total.
    """
    p = event_preset(preset, exporter=exporter, products=products, start=start,
                     importer=importer, func="monthly_event")
    imp = resolve_country(p.importer).iso3
    exp_ = resolve_country(p.exporter).iso3
    start_n = month_number(p.start)
    require_reporter_data(wh, "No monthly reporter data loaded; use the annual replay.")
    raw = wh.arrow(reporter_sql.monthly_supply(imp, list(p.products))).to_pandas()
    raw = raw[(raw["side"] == "importer") | (raw["supplier"] == exp_)]
    have = set(raw["hs6"]) | set(raw["product"])
    notes = [f"No monthly data for {c}." for c in p.products
             if not any(h.startswith(c) or c.startswith(h) for h in have)]
    if raw.empty:
        raise DataNotLoadedError(
            f"No monthly data for {imp} imports of {', '.join(p.products)} (nor {exp_}'s "
            "reported exports to it); ingest customs or Comtrade monthly files, or use the "
            "annual replay.")
    lo, hi = start_n - months_before, start_n + months_after
    keys = ["product", "classification", "hs6"]
    cover = raw.groupby(keys).agg(first=("period", "min"), last=("period", "max"),
                                  side=("side", "first"))
    grid = cover.reset_index().merge(pd.DataFrame({"period": np.arange(lo, hi + 1)}),
                                     how="cross")
    grid = grid[(grid["period"] >= grid["first"]) & (grid["period"] <= grid["last"])]
    win = raw[(raw["period"] >= lo) & (raw["period"] <= hi)]
    totals = win[win["side"] == "importer"].groupby(["product", "period"], as_index=False)[
        "value_usd"].sum().rename(columns={"value_usd": "importer_total_usd"})
    mine = win[win["supplier"] == exp_][["product", "period", "value_usd", "weight_kg",
                                         "sources"]]
    months = grid.merge(mine, on=["product", "period"], how="left").merge(
        totals, on=["product", "period"], how="left")
    months["value_usd"] = months["value_usd"].fillna(0.0)
    imp_side = months["side"] == "importer"
    months["importer_total_usd"] = months["importer_total_usd"].where(imp_side).where(
        ~imp_side, months["importer_total_usd"].fillna(0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        months["share"] = months["value_usd"] / months["importer_total_usd"].replace(0, np.nan)
    months = months.assign(offset=months["period"] - start_n, exporter=exp_, importer=imp,
                           period=period_label(months["period"]).to_numpy())
    months["sources"] = months["sources"].fillna(
        months["product"].map(raw.groupby("product")["sources"].first()))
    months = months.sort_values(["product", "offset"])[MONTH_COLUMNS].reset_index(drop=True)
    gainers = _gainers(win[win["side"] == "importer"], cover.reset_index(), start_n, lo, hi,
                       exp_)
    used = set(raw["sources"].dropna())
    hsk = sorted({c for c, k in zip(raw["product"], raw["classification"], strict=True)
                  if len(c) > 6})
    if hsk:
        notes.append(f"National lines ({', '.join(hsk)}) cover part of their HS6 heading; "
                     "they are labelled with their own codes.")
    prov = Provenance(source=cite(wh, used), dataset="reporter",
                      years=tuple(range(lo // 12, hi // 12 + 1)),
                      method=(f"{exp_}'s share of {imp}'s monthly imports as reported (USD), "
                              f"month 0 = {p.start}; gainers: mean monthly value and share "
                              "before vs from the start."), notes=tuple(notes))
    return MonthlyEvent(p, imp, attach(months, prov), attach(gainers, prov), notes, prov)


def _gainers(win: pd.DataFrame, cover: pd.DataFrame, start: int, lo: int, hi: int,
             exporter: str) -> pd.DataFrame:
    """Mean monthly imports per supplier before and from the start (dense, zeros counted)."""
    if win.empty:
        return pd.DataFrame(columns=GAINER_COLUMNS)
    c = cover.set_index("product").reindex(win["product"].unique())
    n_before = (start - np.maximum(lo, c["first"])).clip(lower=0)
    n_after = (np.minimum(hi, c["last"]) - start + 1).clip(lower=0)
    after = win["period"] >= start
    keys = ["product", "classification", "hs6", "supplier"]
    agg = win.assign(before=win["value_usd"].where(~after, 0.0),
                     after=win["value_usd"].where(after, 0.0)).groupby(
        keys, as_index=False)[["before", "after"]].sum()
    tot = agg.groupby("product")[["before", "after"]].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        agg["share_before"] = agg["before"] / tot["before"].replace(0, np.nan)
        agg["share_after"] = agg["after"] / tot["after"].replace(0, np.nan)
    agg["before_usd"] = agg["before"] / agg["product"].map(n_before).replace(0, np.nan)
    agg["after_usd"] = agg["after"] / agg["product"].map(n_after).replace(0, np.nan)
    agg["change_usd"] = agg["after_usd"] - agg["before_usd"]
    agg["share_change_pp"] = (agg["share_after"] - agg["share_before"]) * 100
    gained = (agg["change_usd"] > 0) | (agg["share_change_pp"] > 0)
    out = agg[(agg["supplier"] != exporter) & gained]
    return out.sort_values(["product", "share_change_pp"], ascending=[True, False])[
        GAINER_COLUMNS].reset_index(drop=True)
