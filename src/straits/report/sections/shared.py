"""Section 5: shared dependence of the pair on a third economy, default China (issue 5).

``straits.security.mutual.shared_dependence``: products where the third economy is among
both importers' top three suppliers (or > 50%), and how far each partner's exports to other
destinations could cover the other's imports from it (joint coverage).
"""

from __future__ import annotations

from typing import Any

from straits.charts import Bar
from straits.report.figures import PAIR, bars
from straits.report.model import Missing, Rendered, Table
from straits.report.pairs import pairs
from straits.security.dependence import MIN_SHARE

KEY = "shared"
SOURCES = ("baci",)
FORMULAS = ("dependence", "coverage")
TOP_ROWS = 8
REDIRECT = 0.2  # the shock's default share of other exports the rest of the world diverts


def compute(ctx) -> dict[str, Any] | Missing:
    """Shared-dependence table for the report year."""
    sd = ctx.s.shared_dependence(ctx.a, ctx.b, on=ctx.third, year=ctx.year, redirect=REDIRECT)
    return {"table": sd.reset_index(drop=True)}


def _alternatives(cell: object, tr) -> str:
    """The engine's substitute suppliers with what they could send (thousand USD), localised."""
    out = [f"{tr.country(c)} {tr.usd(v)}" for c, v in pairs(cell, percent_text=False)]
    return tr("sep.list").join(out) or "–"


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Paired share bars, table with coverage and alternatives, finding."""
    sd = d["table"]
    a, b, c = tr.country(ctx.a), tr.country(ctx.b), tr.country(ctx.third)
    if sd.empty:
        return Rendered(key=KEY, number=0, title="",
                        finding=[tr("shared.finding_none", a=a, b=b, c=c, year=ctx.year,
                                    min_share=tr.pct(MIN_SHARE, 0))],
                        citation=tr("cite.baci", release=ctx.s.citation()))
    top = sd.head(TOP_ROWS)
    rows = [Bar(f"{tr.product(r.product)} · {x}", float(v), tr.pct(v, 0), x)
            for r in top.itertuples(index=False)
            for x, v in ((a, r.a_on_share), (b, r.b_on_share))]
    chart = bars(tr, rows, title=tr("shared.chart", c=c, year=ctx.year),
                 x_title=tr("shared.axis", c=c, year=ctx.year), source=ctx.s.citation(),
                 unit="fraction (0-1)", share=True, colors={a: PAIR["a"], b: PAIR["b"]})
    rows = [[tr.product(r.product), tr.pct(r.a_on_share), tr.pct(r.b_on_share),
             tr.pct(r.a_coverage_share), tr.pct(r.b_coverage_share),
             _alternatives(r.substitutes, tr)]
            for r in sd.itertuples(index=False)]
    t = Table(headers=[tr("col.product"), tr("shared.col_share", x=a, c=c),
                       tr("shared.col_share", x=b, c=c),
                       tr("shared.col_cov", x=a, y=b, c=c), tr("shared.col_cov", x=b, y=a, c=c),
                       tr("shared.col_alt")],
              rows=rows, numeric=[False, True, True, True, True, False],
              caption=tr("shared.caption", c=c, year=ctx.year))
    s1 = tr("shared.finding1", year=ctx.year, a=a, b=b, c=c, n=len(sd),
            va=tr.usd(float(sd["a_from_on_kusd"].sum())),
            vb=tr.usd(float(sd["b_from_on_kusd"].sum())))
    r = sd.iloc[0]
    s2 = tr("shared.finding2", product=tr.product(r["product"]), a=a, b=b, c=c,
            sa=tr.pct(r["a_on_share"]), sb=tr.pct(r["b_on_share"]),
            cab=tr.pct(r["a_coverage_share"]), cba=tr.pct(r["b_coverage_share"]))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart], tables=[t],
                    notes=[tr("shared.note", a=a, b=b, c=c, redirect=tr.pct(REDIRECT, 0))],
                    citation=tr("cite.baci", release=ctx.s.citation()))
