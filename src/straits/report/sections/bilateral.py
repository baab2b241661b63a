"""Section 2: bilateral trade over the loaded years, both directions, and the top products.

Series from ``Session.trade_summary``; top products from ``Session.flows`` for the report
year. Shares are of the direction's total in the loaded products.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from straits.charts import Point
from straits.report.figures import lines
from straits.report.model import Missing, Rendered, Table

KEY = "bilateral"
SOURCES = ("baci",)
FORMULAS = ("share",)
TOP = 5


def compute(ctx) -> dict[str, Any] | Missing:
    """Yearly totals each way and the top products each way in the report year."""
    ts = ctx.trade_summary()
    if ts.empty:
        return Missing("data", f"BACI flows between {ctx.a} and {ctx.b}")
    wide = ts.pivot(index="year", columns="direction", values="value_kusd").fillna(0.0)
    ab, ba = f"{ctx.a}->{ctx.b}", f"{ctx.b}->{ctx.a}"
    for col in (ab, ba):
        if col not in wide:
            wide[col] = 0.0
    tops = {}
    for key, col, exp_, imp_ in (("ab", ab, ctx.a, ctx.b), ("ba", ba, ctx.b, ctx.a)):
        f = ctx.s.flows(year=ctx.year, exporter=exp_, importer=imp_)
        g = f.groupby("product", as_index=False)["value_kusd"].sum()  # one row per product
        total = float(wide[col].get(ctx.year, 0.0))  # the direction's total, trade_summary
        g = g.sort_values("value_kusd", ascending=False).head(TOP)
        g["share"] = g["value_kusd"] / total if total else float("nan")
        tops[key] = g.reset_index(drop=True)
    return {"years": [int(y) for y in wide.index], "ab": wide[ab].tolist(),
            "ba": wide[ba].tolist(), "tops": tops}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Line chart of both directions; table of top products each way; finding."""
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    names = ctx.product_names()
    years = d["years"]
    pts = [Point(tr("dir.exports", x=x, y=y), str(yr), v / 1000)
           for key, x, y in (("ab", a, b), ("ba", b, a))
           for yr, v in zip(years, d[key], strict=True)]
    chart = lines(tr, pts, title=tr("bilateral.chart", first=years[0], last=years[-1]),
                  y_title=tr("unit.musd"), source=ctx.s.citation(), unit="million current USD",
                  x_order=[str(y) for y in years])
    tables = []
    for key, x, y in (("ab", a, b), ("ba", b, a)):
        g: pd.DataFrame = d["tops"][key]
        rows = [[tr.product(p, names.get(p)), tr.musd(v), tr.pct(sh)]
                for p, v, sh in zip(g["product"], g["value_kusd"], g["share"], strict=True)]
        tables.append(Table(
            headers=[tr("col.product"), tr("unit.musd"), tr("col.share_dir")], rows=rows,
            numeric=[False, True, True],
            caption=tr("bilateral.top", n=len(rows), x=x, y=y, year=ctx.year)))
    s1 = tr("bilateral.finding1", first=years[0], last=years[-1], a=a, b=b,
            ab0=tr.usd(d["ab"][0]), ab1=tr.usd(d["ab"][-1]),
            ba0=tr.usd(d["ba"][0]), ba1=tr.usd(d["ba"][-1]))
    peak_i = max(range(len(years)), key=lambda i: d["ab"][i] + d["ba"][i])
    top_ab = d["tops"]["ab"]
    if len(top_ab):
        s2 = tr("bilateral.finding2", peak=years[peak_i],
                peakv=tr.usd(d["ab"][peak_i] + d["ba"][peak_i]),
                product=tr.product(top_ab["product"][0], names.get(top_ab["product"][0])),
                share=tr.pct(top_ab["share"][0]), a=a, b=b, year=ctx.year)
    else:
        s2 = tr("bilateral.finding2_none", peak=years[peak_i],
                peakv=tr.usd(d["ab"][peak_i] + d["ba"][peak_i]))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart],
                    tables=tables, citation=tr("cite.baci", release=ctx.s.citation()))
