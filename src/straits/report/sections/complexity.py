"""Section 10: economic complexity context from the Atlas's published ECI values.

Ranks are by ECI value among the countries in the file that year (the file's own rank column
comes from another vintage); the Atlas ends in 2023, so a later report year uses 2023.
"""

from __future__ import annotations

from typing import Any

from straits.report.charts import PALETTE, Series, line_chart
from straits.report.model import Missing, Rendered, Table
from straits.sources.atlas import eci_ranked

KEY = "complexity"
SOURCES = ("atlas",)
FORMULAS = ("eci_rank",)


def compute(ctx) -> dict[str, Any] | Missing:
    """ECI series for the pair and peers, and ranks in the report year (or the Atlas's last)."""
    df = eci_ranked()
    codes = [ctx.a, ctx.b, *[p for p in ctx.peers if p not in (ctx.a, ctx.b)]]
    sub = df[df["iso3"].isin(codes)]
    if sub[sub["iso3"].isin([ctx.a, ctx.b])].empty:
        return Missing("data", f"Atlas ECI values for {ctx.a} or {ctx.b}")
    year = min(ctx.year, int(df["year"].max()))
    first = int(df["year"].min())
    snap = sub[sub["year"] == year].set_index("iso3")
    base = sub[sub["year"] == first].set_index("iso3")
    return {"codes": [c for c in codes if c in set(sub["iso3"])], "series": sub,
            "year": year, "first": first, "snap": snap, "base": base}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """ECI line chart, rank table and finding."""
    sub = d["series"]
    series = []
    for i, code in enumerate(d["codes"]):
        g = sub[sub["iso3"] == code].sort_values("year")
        series.append(Series(tr.country(code), g["year"].tolist(), g["eci"].tolist(),
                             PALETTE[i % len(PALETTE)], dashed=i >= 2))
    chart = line_chart(series, y_label=tr("complexity.axis"), y_format=lambda v: tr.num(v, 1),
                       title=tr("complexity.chart", first=d["first"], last=d["year"]))
    snap, base = d["snap"], d["base"]
    rows = []
    for code in d["codes"]:
        if code not in snap.index:
            continue
        r = snap.loc[code]
        b0 = base.loc[code] if code in base.index else None
        rows.append([tr.country(code), tr.num(r["eci"], 3),
                     f"{int(r['rank'])} / {int(r['n'])}",
                     f"{int(b0['rank'])} / {int(b0['n'])}" if b0 is not None else "–"])
    t = Table(headers=[tr("col.country"), tr("complexity.col_eci", year=d["year"]),
                       tr("complexity.col_rank", year=d["year"]),
                       tr("complexity.col_rank", year=d["first"])],
              rows=rows, numeric=[False, True, True, True])
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    ra, rb = snap.loc[ctx.a] if ctx.a in snap.index else None, (
        snap.loc[ctx.b] if ctx.b in snap.index else None)
    notes = [tr("complexity.rank_note")]
    if d["year"] != ctx.year:
        notes.append(tr("complexity.year_note", year=d["year"]))
    if ra is None or rb is None:
        return Rendered(key=KEY, number=0, title="", finding=[], charts=[chart], tables=[t],
                        citation=tr("cite.atlas"), notes=notes)
    s1 = tr("complexity.finding1", year=d["year"], a=a, b=b, ea=tr.num(ra["eci"], 2),
            eb=tr.num(rb["eci"], 2), ra=int(ra["rank"]), rb=int(rb["rank"]), n=int(ra["n"]))
    ba0 = base.loc[ctx.a] if ctx.a in base.index else None
    bb0 = base.loc[ctx.b] if ctx.b in base.index else None
    if ba0 is not None and bb0 is not None:
        s2 = tr("complexity.finding2", first=d["first"], year=d["year"], a=a, b=b,
                ra0=int(ba0["rank"]),
                rb0=int(bb0["rank"]), gap=tr.num(abs(ra["eci"] - rb["eci"]), 2),
                gap0=tr.num(abs(ba0["eci"] - bb0["eci"]), 2))
    else:
        s2 = ""
    return Rendered(key=KEY, number=0, title="", finding=[x for x in (s1, s2) if x],
                    charts=[chart], tables=[t], citation=tr("cite.atlas"), notes=notes)
