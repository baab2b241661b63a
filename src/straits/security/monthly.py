"""Month-by-month replay of a real export restriction from reporter (customs) data.

BACI is annual and about two years late; customs statistics show a restriction within weeks.
:func:`monthly_event` takes an event preset (:mod:`straits.security.presets`) and, from the
monthly series in ``reporter_flows``, lays out for each product and month from
``months_before`` before to ``months_after`` after the start month: the restricting
country's shipments to the importer (value and weight), its share of the importer's imports,
the importer's total, and which other suppliers gained.

Which series: the importer's own import statistics when loaded (Korea's customs HS10 lines
summed to HS6, valued CIF); otherwise the restricting country's reported exports to the
importer (e.g. China's Comtrade exports, FOB), which give the restricting country's value but
not the importer's total, so ``importer_total_usd`` and ``share`` are then empty and no
gainers can be named. Month zero is the preset's start month; it counts as "after".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from straits.errors import DataNotLoadedError, check_param
from straits.reference.lookup import resolve_country
from straits.security._common import check_int
from straits.security.presets import Preset, get_preset
from straits.warehouse import reporter_sql

MONTH_COLUMNS = ["period", "offset", "product", "exporter", "importer", "value_usd",
                 "weight_kg", "importer_total_usd", "share", "side", "sources"]
GAINER_COLUMNS = ["product", "supplier", "before_usd", "after_usd", "change_usd",
                  "share_before", "share_after", "share_change"]


@dataclass
class MonthlyEvent:
    """Result of :func:`monthly_event`: the monthly table, the gainers, and notes."""

    preset: Preset
    importer: str
    months: pd.DataFrame
    gainers: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    source: str = ""


def period_label(period: np.ndarray | pd.Series) -> pd.Series:
    """Months since year 0 (``year * 12 + month - 1``) -> ``'YYYY-MM'`` strings."""
    p = pd.Series(np.asarray(period, dtype=np.int64))
    return (p // 12).astype(str) + "-" + (p % 12 + 1).astype(str).str.zfill(2)


def parse_month(text: str, name: str, func: str) -> int:
    """``'YYYY-MM'`` -> months since year 0; a clear ParameterError otherwise."""
    ok = isinstance(text, str) and len(text) == 7 and text[4] == "-" and \
        text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12
    check_param(name, func, ok, "a month 'YYYY-MM' (month 01-12)", text)
    return int(text[:4]) * 12 + int(text[5:]) - 1


def custom_preset(exporter: str | None, products: str | None, start: str | None,
                  importer: str | None = None) -> Preset:
    """A :class:`Preset` from explicit exporter, products (``'281111,370790'``) and start."""
    ok = bool(exporter and products and start)
    check_param("preset", "monthly_event", ok, "a preset name, or exporter, products and "
                "start together", None)
    parse_month(start, "start", "monthly_event")
    codes = tuple(c.strip() for c in products.split(",") if c.strip())
    return Preset("custom", f"{exporter} restriction on {', '.join(codes)}", exporter, codes,
                  start, importer or "KOR")


def monthly_event(s, preset: str | Preset, *, importer: str | None = None,
                  months_before: int = 12, months_after: int = 18) -> MonthlyEvent:
    """Replay an export restriction month by month from loaded monthly data.

    Parameters
    ----------
    s : Session
        Open session whose warehouse holds monthly reporter data.
    preset : str or Preset
        Event preset name, e.g. ``'jp-kr-2019'``.
    importer : str, optional
        Importer (default: the preset's).
    months_before, months_after : int
        Window around the start month (month zero).

    Returns
    -------
    MonthlyEvent
        ``months``: period ('YYYY-MM'), offset (months from the start), product (HS6),
        exporter (the restricting country), importer, value_usd, weight_kg,
        importer_total_usd, share (0-1), side ('importer' or 'exporter' reported), sources.
        ``gainers``: product, supplier, before_usd and after_usd (mean monthly imports over
        the months before the start and from the start on), change_usd, share_before,
        share_after, share_change; suppliers other than the restricting country whose mean
        monthly value or share of the importer's imports rose, largest share gain first.
        (When imports fall overall, a supplier that held its value gains share: it filled
        part of the gap; the rest of the gap is demand met elsewhere, e.g. domestic output.)

    Notes
    -----
    share = value from the restricting country / sum over all suppliers, per month; months
    without a row inside a series' coverage count as zero trade. The importer's total is
    the sum over the partners the series lists (the Korean customs sample lists 50), not a
    separately reported total.
    """
    func = "monthly_event"
    check_int("months_before", func, months_before, 1, 60)
    check_int("months_after", func, months_after, 0, 60)
    p = preset if isinstance(preset, Preset) else get_preset(preset)
    imp = resolve_country(importer or p.importer).iso3
    exp_ = resolve_country(p.exporter).iso3
    start = parse_month(p.start, "start", func)
    from straits.sources.reporter import require_reporter_data

    require_reporter_data(s, "No monthly reporter data loaded; use the annual replay.")
    raw = s.query(reporter_sql.monthly_supply(imp, list(p.products), by="hs6"))
    raw = raw[(raw["side"] == "importer") | (raw["supplier"] == exp_)]
    notes = [f"No monthly data for {c}." for c in p.products if c not in set(raw["product"])]
    if raw.empty:
        raise DataNotLoadedError(
            f"No monthly data for {imp} imports of {', '.join(p.products)} (nor {exp_}'s "
            "reported exports to it); ingest customs or Comtrade monthly files, or use the "
            "annual replay."
        )
    lo, hi = start - months_before, start + months_after
    cover = raw.groupby("product").agg(first=("period", "min"), last=("period", "max"),
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
    months = months.assign(offset=months["period"] - start, exporter=exp_, importer=imp,
                           period=period_label(months["period"]).to_numpy())
    months["sources"] = months["sources"].fillna(
        months["product"].map(raw.groupby("product")["sources"].first()))
    months = months.sort_values(["product", "offset"])[MONTH_COLUMNS].reset_index(drop=True)
    gainers = _gainers(win[win["side"] == "importer"], cover, start, lo, hi, exp_)
    used = set(raw["sources"].str.split(", ").explode())
    loaded = s.query(reporter_sql.sources())
    cites = sorted(loaded.loc[loaded["source"].isin(used), "dataset"].unique())
    return MonthlyEvent(p, imp, months, gainers, notes, "; ".join(cites))


def _gainers(win: pd.DataFrame, cover: pd.DataFrame, start: int, lo: int, hi: int,
             exporter: str) -> pd.DataFrame:
    """Mean monthly imports per supplier before and from the start (dense, zeros counted)."""
    if win.empty:
        return pd.DataFrame(columns=GAINER_COLUMNS)
    c = cover.reindex(win["product"].unique())
    n_before = (start - np.maximum(lo, c["first"])).clip(lower=0)
    n_after = (np.minimum(hi, c["last"]) - start + 1).clip(lower=0)
    after = win["period"] >= start
    agg = win.assign(before=win["value_usd"].where(~after, 0.0),
                     after=win["value_usd"].where(after, 0.0)).groupby(
        ["product", "supplier"], as_index=False)[["before", "after"]].sum()
    tot = agg.groupby("product")[["before", "after"]].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        agg["share_before"] = agg["before"] / tot["before"].replace(0, np.nan)
        agg["share_after"] = agg["after"] / tot["after"].replace(0, np.nan)
    agg["before_usd"] = agg["before"] / agg["product"].map(n_before).replace(0, np.nan)
    agg["after_usd"] = agg["after"] / agg["product"].map(n_after).replace(0, np.nan)
    agg["change_usd"] = agg["after_usd"] - agg["before_usd"]
    agg["share_change"] = agg["share_after"] - agg["share_before"]
    gained = (agg["change_usd"] > 0) | (agg["share_change"] > 0)
    out = agg[(agg["supplier"] != exporter) & gained]
    return out.sort_values(["product", "share_change"], ascending=[True, False])[
        GAINER_COLUMNS].reset_index(drop=True)
