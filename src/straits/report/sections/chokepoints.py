"""Section 6: chokepoints in world supply of the loaded products (metrics engine, issue 4).

``straits.metrics.concentration.concentration`` gives, per product, world exports, the
Herfindahl–Hirschman index over exporters' shares, the top exporter and its share.
"""

from __future__ import annotations

from typing import Any

from straits.charts import Bar
from straits.charts.specs import PALETTE
from straits.metrics.concentration import HIGH_HHI
from straits.report.figures import bars
from straits.report.model import Rendered, Table

KEY = "chokepoints"
SOURCES = ("baci",)
FORMULAS = ("share", "hhi")
TOP = 10


def compute(ctx) -> dict[str, Any]:
    """Concentration of every loaded product in the report year, most concentrated first."""
    c = ctx.s.concentration(year=ctx.year)
    c = c.sort_values("hhi", ascending=False).reset_index(drop=True)
    return {"conc": c}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """HHI bars for the most concentrated products, table with the top supplier; finding."""
    c = d["conc"]
    names = ctx.product_names()
    top = c.head(TOP)
    high = tr("chokepoints.high", hhi=tr.num(HIGH_HHI, 2))
    low = tr("chokepoints.low", hhi=tr.num(HIGH_HHI, 2))
    chart = bars(tr, [Bar(tr.product(p), float(h), tr.num(h, 2), high if h >= HIGH_HHI else low)
                      for p, h in zip(top["product"], top["hhi"], strict=True)],
                 title=tr("chokepoints.chart", n=len(top), year=ctx.year),
                 x_title=tr("chokepoints.axis"), source=ctx.s.citation(),
                 unit="Herfindahl-Hirschman index (0-1)", x_max=1.0,
                 colors={high: PALETTE[1], low: PALETTE[0]})
    rows = [[tr.product(p, names.get(p)), tr.musd(v), tr.num(h, 3), tr.country(e), tr.pct(sh),
             tr.num(n)]
            for p, v, h, e, sh, n in zip(top["product"], top["total_kusd"], top["hhi"],
                                         top["top_exporter"], top["top_share"],
                                         top["n_exporters"], strict=True)]
    t = Table(headers=[tr("col.product"), tr("col.world_musd"), "HHI", tr("col.top_supplier"),
                       tr("col.top_share"), tr("col.n_exporters")],
              rows=rows, numeric=[False, True, True, False, True, True])
    n_high = int((c["hhi"] >= HIGH_HHI).sum())
    first = c.iloc[0]
    s1 = tr("chokepoints.finding1", k=n_high, n=len(c), year=ctx.year, high=tr.num(HIGH_HHI, 2),
            product=tr.product(first["product"], names.get(first["product"])),
            hhi=tr.num(first["hhi"], 2), top=tr.country(first["top_exporter"]),
            share=tr.pct(first["top_share"]))
    n_third = int((c["top_exporter"] == ctx.third).sum())
    s2 = tr("chokepoints.finding2", c=tr.country(ctx.third), k=n_third, n=len(c))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart], tables=[t],
                    notes=[tr("chokepoints.note", high=tr.num(HIGH_HHI, 2))],
                    citation=tr("cite.baci", release=ctx.s.citation()))
