"""Section 6: chokepoints in world supply of the loaded products (metrics engine, issue 4).

``straits.metrics.concentration.concentration`` gives, per product, world exports, the
Herfindahl–Hirschman index over exporters' shares, the top exporter and its share.
"""

from __future__ import annotations

from typing import Any

from straits.report.charts import PALETTE, hbar_chart
from straits.report.model import Rendered, Table

KEY = "chokepoints"
SOURCES = ("baci",)
FORMULAS = ("share", "hhi")
TOP = 10
HIGH = 0.25  # US DOJ/FTC 2010 guideline threshold for a highly concentrated market


def compute(ctx) -> dict[str, Any]:
    """Concentration of every loaded product in the report year, most concentrated first."""
    from straits.metrics.concentration import concentration

    c = concentration(ctx.s, year=ctx.year)
    c = c.sort_values("hhi", ascending=False).reset_index(drop=True)
    return {"conc": c}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """HHI bars for the most concentrated products, table with the top supplier; finding."""
    c = d["conc"]
    names = ctx.product_names()
    top = c.head(TOP)
    colors = [PALETTE[1] if h >= HIGH else PALETTE[0] for h in top["hhi"]]
    chart = hbar_chart([(tr.product(p), float(h)) for p, h in zip(top["product"], top["hhi"],
                                                                   strict=True)],
                       x_label=tr("chokepoints.axis"), value_format=lambda v: tr.num(v, 2),
                       colors=colors, title=tr("chokepoints.chart", n=len(top), year=ctx.year),
                       label_width=300, x_max=1.0)
    rows = [[tr.product(p, names.get(p)), tr.musd(v), tr.num(h, 3), tr.country(e), tr.pct(sh),
             tr.num(n)]
            for p, v, h, e, sh, n in zip(top["product"], top["total_kusd"], top["hhi"],
                                         top["top_exporter"], top["top_share"],
                                         top["n_exporters"], strict=True)]
    t = Table(headers=[tr("col.product"), tr("col.world_musd"), "HHI", tr("col.top_supplier"),
                       tr("col.top_share"), tr("col.n_exporters")],
              rows=rows, numeric=[False, True, True, False, True, True])
    n_high = int((c["hhi"] >= HIGH).sum())
    first = c.iloc[0]
    s1 = tr("chokepoints.finding1", k=n_high, n=len(c), year=ctx.year,
            product=tr.product(first["product"], names.get(first["product"])),
            hhi=tr.num(first["hhi"], 2), top=tr.country(first["top_exporter"]),
            share=tr.pct(first["top_share"]))
    n_third = int((c["top_exporter"] == ctx.third).sum())
    s2 = tr("chokepoints.finding2", c=tr.country(ctx.third), k=n_third, n=len(c))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart], tables=[t],
                    notes=[tr("chokepoints.note")],
                    citation=tr("cite.baci", release=ctx.s.citation()))
