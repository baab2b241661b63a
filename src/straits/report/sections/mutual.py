"""Section 4: mutual dependence, what each of the pair depends on the other for (issue 5).

``straits.security.mutual.mutual``: a product counts as dependent when the partner supplies
at least ``straits.security.dependence.MIN_SHARE`` of the importer's imports of it.
"""

from __future__ import annotations

from typing import Any

from straits.charts import Bar
from straits.report.figures import PAIR, bars
from straits.report.model import Rendered, Table
from straits.security.dependence import MIN_SHARE

KEY = "mutual"
SOURCES = ("baci",)
FORMULAS = ("dependence",)


def compute(ctx) -> dict[str, Any]:
    """Dependent products each way and the per-direction balance, report year."""
    m = ctx.s.mutual(ctx.a, ctx.b, year=ctx.year)
    return {"ab": m.a_on_b, "ba": m.b_on_a, "balance": m.balance.set_index("importer")}


def _table(df, tr, partner: str) -> Table:
    rows = [[tr.product(r.product), tr.musd(r.partner_kusd), tr.pct(r.partner_share),
             tr.num(r.partner_rank), f"{tr.country(r.top_supplier)} ({tr.pct(r.top_share)})"]
            for r in df.itertuples(index=False)]
    return Table(headers=[tr("col.product"), tr("mutual.col_from", x=tr.country(partner)),
                          tr("mutual.col_share"), tr("mutual.col_rank"),
                          tr("col.top_supplier")],
                 rows=rows, numeric=[False, True, True, True, False])


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Share bars both ways, one table per direction, finding."""
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    rows = [Bar(tr("mutual.bar", x=tr.country(imp_), y=tr.country(par),
                   product=tr.product(r.product)), float(r.partner_share),
                tr.pct(r.partner_share, 0), tr("dir.exports", x=tr.country(par), y=tr.country(imp_)))
            for key, imp_, par in (("ab", ctx.a, ctx.b), ("ba", ctx.b, ctx.a))
            for r in d[key].itertuples(index=False)]
    chart = bars(tr, rows, title=tr("mutual.chart", year=ctx.year),
                 x_title=tr("mutual.axis", year=ctx.year), source=ctx.s.citation(),
                 unit="fraction (0-1)", share=True,
                 colors={tr("dir.exports", x=b, y=a): PAIR["a"],
                         tr("dir.exports", x=a, y=b): PAIR["b"]})
    tables = []
    for key, imp_, par in (("ab", ctx.a, ctx.b), ("ba", ctx.b, ctx.a)):
        t = _table(d[key], tr, par)
        t.caption = tr("mutual.caption", x=tr.country(imp_), y=tr.country(par), year=ctx.year)
        tables.append(t)
    bal = d["balance"]
    get = lambda imp, c: bal.at[imp, c] if imp in bal.index else 0  # noqa: E731
    s1 = tr("mutual.finding1", year=ctx.year, a=a, b=b,
            nab=int(get(ctx.a, "n_dependent")), vab=tr.usd(float(get(ctx.a, "dependent_kusd"))),
            nba=int(get(ctx.b, "n_dependent")), vba=tr.usd(float(get(ctx.b, "dependent_kusd"))))
    both = [(ctx.a, ctx.b, r) for r in d["ab"].itertuples(index=False)] + [
        (ctx.b, ctx.a, r) for r in d["ba"].itertuples(index=False)]
    if both:
        imp_, par, r = max(both, key=lambda t: t[2].partner_kusd)
        s2 = tr("mutual.finding2", product=tr.product(r.product), x=tr.country(imp_),
                y=tr.country(par), value=tr.usd(r.partner_kusd), share=tr.pct(r.partner_share),
                rank=int(r.partner_rank), top=tr.country(r.top_supplier),
                top_share=tr.pct(r.top_share))
    else:
        s2 = tr("mutual.finding2_none", a=a, b=b, min_share=tr.pct(MIN_SHARE, 0))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart],
                    tables=tables, notes=[tr("mutual.note", min_share=tr.pct(MIN_SHARE, 0))],
                    citation=tr("cite.baci", release=ctx.s.citation()))
