"""Section 10: economic complexity context from the Atlas's published ECI values.

``Session.published_eci``: ranks are by ECI value among the countries in the file that year
(the file's own rank column comes from another vintage); the Atlas ends in 2023, so a later
report year uses its last year.
"""

from __future__ import annotations

from typing import Any

from straits.charts import Point
from straits.provenance import of
from straits.report.figures import lines
from straits.report.model import Missing, Rendered, Table

KEY = "complexity"
SOURCES = ("atlas",)
FORMULAS = ("eci_rank",)
FIRST = 1995  # the Atlas's HS92 series starts in 1995


def compute(ctx) -> dict[str, Any] | Missing:
    """ECI series for the pair and peers, and ranks in the report year (or the Atlas's last)."""
    codes = [ctx.a, ctx.b, *[p for p in ctx.peers if p not in (ctx.a, ctx.b)]]
    last = ctx.s.published_eci(country=codes)
    latest = int(last["year"].max()) if len(last) else FIRST
    year = min(ctx.year, latest)
    sub = ctx.s.published_eci(country=codes, year=list(range(FIRST, latest + 1)))
    if sub[sub["country"].isin([ctx.a, ctx.b])].empty:
        return Missing("data", f"Atlas ECI values for {ctx.a} or {ctx.b}")
    first = int(sub["year"].min())
    ctx.cache["atlas_years"] = of(sub).years
    snap = sub[sub["year"] == year].set_index("country")
    base = sub[sub["year"] == first].set_index("country")
    return {"codes": [c for c in codes if c in set(sub["country"])], "series": sub,
            "year": year, "first": first, "snap": snap, "base": base}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """ECI line chart, rank table and finding."""
    sub = d["series"].sort_values("year")
    names = {c: tr.country(c) for c in d["codes"]}
    pts = [Point(names[c], str(y), v) for c, y, v in
           zip(sub["country"], sub["year"], sub["eci"], strict=True) if c in names]
    years = [str(y) for y in sorted(sub["year"].unique())]
    chart = lines(tr, pts, title=tr("complexity.chart", first=d["first"], last=d["year"]),
                  y_title=tr("complexity.axis"), source=tr("cite.atlas_short"),
                  unit="standardised index (no unit)", x_order=years,
                  x_ticks=years[::4], dashed=[names[c] for c in d["codes"][2:]], digits=1)
    snap, base = d["snap"], d["base"]
    rows = []
    for code in d["codes"]:
        if code not in snap.index:
            continue
        r = snap.loc[code]
        b0 = base.loc[code] if code in base.index else None
        rows.append([tr.country(code), tr.num(r["eci"], 3),
                     f"{int(r['rank'])} / {int(r['n_ranked'])}",
                     f"{int(b0['rank'])} / {int(b0['n_ranked'])}" if b0 is not None else "–"])
    t = Table(headers=[tr("col.country"), tr("complexity.col_eci", year=d["year"]),
                       tr("complexity.col_rank", year=d["year"]),
                       tr("complexity.col_rank", year=d["first"])],
              rows=rows, numeric=[False, True, True, True])
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    ra = snap.loc[ctx.a] if ctx.a in snap.index else None
    rb = snap.loc[ctx.b] if ctx.b in snap.index else None
    notes = [tr("complexity.rank_note")]
    if d["year"] != ctx.year:
        notes.append(tr("complexity.year_note", year=d["year"]))
    if ra is None or rb is None:
        return Rendered(key=KEY, number=0, title="", finding=[], charts=[chart], tables=[t],
                        citation=tr("cite.atlas"), notes=notes)
    s1 = tr("complexity.finding1", year=d["year"], a=a, b=b, ea=tr.num(ra["eci"], 2),
            eb=tr.num(rb["eci"], 2), ra=int(ra["rank"]), rb=int(rb["rank"]),
            n=int(ra["n_ranked"]))
    ba0 = base.loc[ctx.a] if ctx.a in base.index else None
    bb0 = base.loc[ctx.b] if ctx.b in base.index else None
    s2 = ""
    if ba0 is not None and bb0 is not None:
        s2 = tr("complexity.finding2", first=d["first"], year=d["year"], a=a, b=b,
                ra0=int(ba0["rank"]), rb0=int(bb0["rank"]),
                gap=tr.num(abs(ra["eci"] - rb["eci"]), 2),
                gap0=tr.num(abs(ba0["eci"] - bb0["eci"]), 2))
    return Rendered(key=KEY, number=0, title="", finding=[x for x in (s1, s2) if x],
                    charts=[chart], tables=[t], citation=tr("cite.atlas"), notes=notes)
