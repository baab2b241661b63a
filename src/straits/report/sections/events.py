"""Section 7: replay of real export controls (issues 5 and 6).

For every preset in :mod:`straits.security.presets`: the month-by-month replay from loaded
customs/Comtrade series (``straits.security.monthly.monthly_event``): the restricting
country's shipments to the importer before and after the start month, its share of the
importer's imports where the importer's own statistics are loaded, and who gained. Before and
after are mean monthly values over the 12 months before and the start month plus 18 after.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from straits.charts import Point
from straits.errors import DataNotLoadedError
from straits.report.figures import lines
from straits.report.model import Missing, Rendered, Table
from straits.report.pairs import pairs

KEY = "events"
SOURCES: tuple[str, ...] = ()
FORMULAS = ("event",)


def _summary(months: pd.DataFrame) -> pd.DataFrame:
    """Per product: mean monthly value before/after, change, share before/after (sums ratio)."""
    m = months.assign(after=months["offset"] >= 0)
    g = m.groupby(["product", "after"]).agg(value=("value_usd", "mean"),
                                             v=("value_usd", "sum"),
                                             t=("importer_total_usd", "sum"),
                                             tn=("importer_total_usd", "count"))
    g["share"] = np.where(g["tn"] > 0, g["v"] / g["t"].replace(0, np.nan), np.nan)
    w = g[["value", "share"]].unstack("after")
    out = pd.DataFrame({
        "product": w.index,
        "before_usd": w[("value", False)].to_numpy(),
        "after_usd": w[("value", True)].to_numpy(),
        "share_before": w[("share", False)].to_numpy(),
        "share_after": w[("share", True)].to_numpy(),
    })
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change"] = out["after_usd"] / out["before_usd"] - 1.0
    return out.reset_index(drop=True)


def _replay_presets(ctx, replay) -> list[tuple[Any, Any]]:
    """Run ``replay(s, name, importer=...)`` for every preset.

    The importer is the pair member the preset targets (else A). Returns ``(preset, result)``
    pairs, result ``None`` where the data are not loaded.
    """
    from straits.security.presets import PRESETS

    out = []
    for name, p in PRESETS.items():
        importer = p.importer if p.importer in (ctx.a, ctx.b) else ctx.a
        try:
            out.append((p, replay(ctx.s, name, importer=importer)))
        except DataNotLoadedError:
            out.append((p, None))
    return out


def compute(ctx) -> dict[str, Any] | Missing:
    """Monthly replay of each preset with loaded data, annual BACI replay, watch signals."""
    from straits.security.events import event
    from straits.security.monthly import monthly_event

    replays = []
    skipped = []
    for p, ev in _replay_presets(ctx, monthly_event):
        if ev is None:
            skipped.append(p.name)
            continue
        gain = ev.gainers.sort_values("share_change_pp", ascending=False).drop_duplicates(
            "product")
        ctx.cache.setdefault("lines", {}).update(_national_lines(ctx, p, ev))
        replays.append({"preset": p, "importer": ev.importer, "months": ev.months,
                        "summary": _summary(ev.months), "gainers": gain.reset_index(drop=True),
                        "source": ev.source, "notes": ev.notes})
        if "Korea Customs" in ev.source:
            ctx.used_sources.add("kcs")
        if "Comtrade" in ev.source:
            ctx.used_sources.add("comtrade_chn")
    annual = [{"preset": p, "importer": ev.importer, "summary": ev.summary}
              for p, ev in _replay_presets(ctx, event) if ev is not None]
    if not replays and not annual:
        return Missing("data", "monthly customs or Comtrade series, or BACI years around "
                       "an event (straits ingest FILE)")
    return {"replays": replays, "skipped": skipped, "annual": annual,
            "signals": _signals(ctx, replays)}


def _national_lines(ctx, p, ev) -> dict[str, str]:
    """HS6 code -> the one national tariff line (HSK 3707901010) behind a monthly series.

    The replay aggregates reporter rows to HS6; when the reporter's statistics hold a single
    finer line under that HS6 (Korea's customs series are HS10 items), the report names that
    line, since it is what the series measures. Reads one year of reporter rows.
    """
    year = int(p.start[:4])
    rows = ctx.s.reporter_flows(reporter=ev.importer, partner=p.exporter, flow="import",
                                product=",".join(sorted(set(ev.months["product"]))),
                                year=year, monthly=True)
    if rows.empty:
        return {}
    fine = rows[rows["level"] > 6].groupby("hs6")["code"].unique()
    return {h: str(c[0]) for h, c in fine.items() if len(c) == 1}


def _label(tr, ctx, product: str) -> str:
    """A series' product label: the national line behind it where there is exactly one."""
    return tr.product(ctx.cache.get("lines", {}).get(product, product))


def _shift(ym: str, months: int) -> str:
    """``'YYYY-MM'`` moved by ``months``."""
    from straits.security.monthly import parse_month, period_label

    return period_label([parse_month(ym, "start", "report events") + months])[0]


def _signals(ctx, replays: list[dict]) -> pd.DataFrame:
    """Early-warning signals the watch raises from 6 months before to 12 after each start."""
    from straits.security.watch import watch

    frames = []
    for r in replays:
        p = r["preset"]
        try:
            w = watch(ctx.s, r["importer"], products=list(p.products),
                      start=_shift(p.start, -6), end=_shift(p.start, 12))
        except DataNotLoadedError:
            continue
        frames.append(w.assign(preset=p.name, order=len(frames)))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _chart(r: dict, ctx, tr, source: str) -> dict:
    months = r["months"].sort_values(["product", "offset"])
    label = {o: tr.month(per) for o, per in zip(months["offset"], months["period"], strict=False)}
    order = [label[o] for o in sorted(label)]
    pts = [Point(_label(tr, ctx, prod), label[o], v / 1e6)
           for prod, o, v in zip(months["product"], months["offset"], months["value_usd"],
                                 strict=True)]
    p = r["preset"]
    start = label.get(0)
    return lines(tr, pts, title=tr("events.chart", x=tr.country(p.exporter),
                                   y=tr.country(r["importer"])),
                 y_title=tr("events.axis"), source=source, unit="million USD per month",
                 x_order=order, x_ticks=[label[o] for o in sorted(label) if o % 6 == 0],
                 marker=(start, tr("events.start", month=tr.month(p.start))) if start else None,
                 digits=1)


def _table(r: dict, ctx, tr) -> Table:
    s, gain = r["summary"], r["gainers"].set_index("product")
    rows = []
    for row in s.itertuples(index=False):
        g = gain.loc[row.product] if row.product in gain.index else None
        rows.append([
            _label(tr, ctx, row.product), tr.num(row.before_usd / 1e6, 2),
            tr.num(row.after_usd / 1e6, 2), tr.signed_pct(row.change),
            tr.pct(row.share_before) if pd.notna(row.share_before) else "–",
            tr.pct(row.share_after) if pd.notna(row.share_after) else "–",
            f"{tr.country(g['supplier'])} ({tr.pp(g['share_change_pp'] / 100)})" if g is not None
            else "–",
        ])
    p = r["preset"]
    return Table(
        headers=[tr("col.product_line"), tr("events.col_before"), tr("events.col_after"),
                 tr("col.change"), tr("events.col_share_before"), tr("events.col_share_after"),
                 tr("events.col_gainer")],
        rows=rows, numeric=[False, True, True, True, True, True, False],
        caption=tr(f"preset.{p.name}") + " — " + tr("events.caption", month=tr.month(p.start),
                                                     x=tr.country(p.exporter),
                                                     y=tr.country(r["importer"])))


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """One chart and one table per replayed preset; finding on the sharpest fall."""
    charts, tables = [], []
    for r in d["replays"]:
        charts.append(_chart(r, ctx, tr, tr(f"cite.{_source_key(r)}")))
        tables.append(_table(r, ctx, tr))
    if len(d["signals"]):
        tables.append(_signal_table(d["signals"], tr))
    if d["annual"]:
        tables.append(_annual_table(d["annual"], tr))
    rows = [(r, row) for r in d["replays"] for row in r["summary"].itertuples(index=False)
            if pd.notna(row.change)]
    if not rows:
        return Rendered(key=KEY, number=0, title="", finding=[], charts=charts, tables=tables,
                        notes=[tr("events.note_annual")],
                        citation=tr("cite.baci", release=ctx.s.citation()))
    r, worst = min(rows, key=lambda t: t[1].change)
    p = r["preset"]
    s1 = tr("events.finding1", n=len(d["replays"]), x=tr.country(p.exporter),
            y=tr.country(r["importer"]), month=tr.month(p.start),
            product=_label(tr, ctx, worst.product), before=tr.usd(worst.before_usd / 1000),
            after=tr.usd(worst.after_usd / 1000), change=tr.pct(abs(worst.change)))
    gain = r["gainers"].set_index("product")
    if worst.product in gain.index and pd.notna(worst.share_before):
        g = gain.loc[worst.product]
        s2 = tr("events.finding2", x=tr.country(p.exporter), sb=tr.pct(worst.share_before),
                sa=tr.pct(worst.share_after), g=tr.country(g["supplier"]),
                gb=tr.pct(g["share_before"]), ga=tr.pct(g["share_after"]))
    else:
        s2 = tr("events.finding2_exporter", x=tr.country(p.exporter))
    notes = [tr("events.note")]
    for r in d["replays"]:
        notes.extend(tr("events.no_monthly", product=tr.product(n.split()[-1].rstrip(".")))
                     for n in r["notes"] if n.startswith("No monthly data for"))
    if d["skipped"]:
        notes.append(tr("events.skipped", presets=", ".join(tr(f"preset.{n}")
                                                            for n in d["skipped"])))
    if len(d["signals"]):
        notes.append(tr("events.note_signals"))
    if d["annual"]:
        notes.append(tr("events.note_annual"))
    cites = [tr("cite.baci", release=ctx.s.citation())] if d["annual"] else []
    if "kcs" in ctx.used_sources:
        cites.append(tr("cite.kcs"))
    if "comtrade_chn" in ctx.used_sources:
        cites.append(tr("cite.comtrade_chn"))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=charts,
                    tables=tables, notes=notes, citation=" ".join(cites))


def _source_key(r: dict) -> str:
    return "kcs" if "Korea Customs" in r["source"] else "comtrade_chn"


def _gainers_text(cell: object, tr) -> str:
    """The engine's largest share gains (suppliers, share changes) as names and points."""
    out = [f"{tr.country(c)} {tr.pp(v / 100)}"  # the engine gives percentage points
           for c, v in pairs(cell, percent_text=False)]
    return tr("sep.list").join(out) or "–"


def _annual_table(annual: list[dict], tr) -> Table:
    rows = []
    for a in annual:
        p = a["preset"]
        for r in a["summary"].itertuples(index=False):
            rows.append([f"{tr(f'preset.{p.name}')} ({r.before_year} → {r.after_year})",
                         tr.product(r.code),
                         f"{tr.pct(r.share_before)} → {tr.pct(r.share_after)}",
                         tr.signed_pct(r.imports_change_pct / 100),
                         f"{tr.num(r.world_hhi_before, 2)} → {tr.num(r.world_hhi_after, 2)}",
                         _gainers_text(r.top_gainers, tr)])
    return Table(headers=[tr("events.col_event"), tr("col.product_line"),
                          tr("events.col_rshare"), tr("events.col_imports"), "HHI",
                          tr("events.col_gainers")],
                 rows=rows, numeric=[False, False, True, True, True, False],
                 caption=tr("events.annual_caption"))


def _signal_table(sig: pd.DataFrame, tr) -> Table:
    rows = [[tr(f"preset.{r.preset}"), tr.month(r.period), tr.product(str(r.product)),
             tr.country(r.supplier), tr(f"signal.{r.signal}"),
             tr.signed_pct(r.change_pct / 100) if pd.notna(r.change_pct) else "–",
             tr.pct(r.share) if pd.notna(r.share) else "–"]
            for r in sig.sort_values(["order", "period"]).itertuples(index=False)]
    return Table(headers=[tr("events.col_event"), tr("events.col_month"), tr("col.product_line"),
                          tr("events.col_supplier"), tr("events.col_signal"),
                          tr("col.change"), tr("events.col_share")],
                 rows=rows, numeric=[False, False, False, False, False, True, True],
                 caption=tr("events.signals_caption"))
