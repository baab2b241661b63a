"""Section 3: complementarity and specialisation of the pair (metrics engine, issue 4).

Bilateral indices from ``straits.metrics.bilateral.bilateral`` (trade intensity, trade
complementarity, export similarity, Grubel–Lloyd) and RCA leaders from
``straits.metrics.rca.rca``, both over the loaded products only.
"""

from __future__ import annotations

from typing import Any

from straits.charts import Bar
from straits.report.figures import PAIR, bars
from straits.report.model import Rendered, Table

KEY = "complementarity"
SOURCES = ("baci",)
FORMULAS = ("ti", "rca", "tc", "es", "gl")
TOP = 5
SCALE_100 = ("complementarity", "export_similarity")  # indices on a 0-100 scale


def compute(ctx) -> dict[str, Any]:
    """Bilateral index table and each country's top-RCA products in the report year."""
    idx = ctx.s.bilateral(ctx.a, ctx.b, year=ctx.year)
    r = ctx.s.rca(year=ctx.year, country=[ctx.a, ctx.b]).sort_values("rca", ascending=False)
    leaders = {c: r[r["country"] == c].head(TOP).reset_index(drop=True) for c in (ctx.a, ctx.b)}
    return {"indices": idx.reset_index(drop=True), "leaders": leaders}


def _direction(tr, direction: str) -> str:
    if str(direction) == "both":
        return tr("dir.both")
    if "->" in str(direction):
        x, y = str(direction).split("->", 1)
        return tr("dir.arrow", x=tr.country(x.strip()), y=tr.country(y.strip()))
    return tr.country(str(direction)) if len(str(direction)) == 3 else str(direction)


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Index table, RCA leader bars and finding."""
    idx = d["indices"]
    names = ctx.product_names()
    rows = [[tr(f"index.{i}"), _direction(tr, dr), tr.num(v, 1 if i in SCALE_100 else 3)]
            for i, dr, v in zip(idx["index"], idx["direction"], idx["value"], strict=True)]
    t = Table(headers=[tr("col.index"), tr("col.direction"), tr("col.value")], rows=rows,
              numeric=[False, False, True])
    rows = [Bar(f"{tr.country(c)} · {tr.product(p)}", float(v), tr.num(v, 1), tr.country(c))
            for c in (ctx.a, ctx.b)
            for p, v in zip(d["leaders"][c]["product"], d["leaders"][c]["rca"], strict=True)]
    chart = bars(tr, rows, title=tr("complementarity.chart", year=ctx.year),
                 x_title=tr("complementarity.axis", year=ctx.year), source=ctx.s.citation(),
                 unit="index (1 = world average)",
                 colors={tr.country(ctx.a): PAIR["a"], tr.country(ctx.b): PAIR["b"]})
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    tc = idx[idx["index"] == "complementarity"]
    ab, ba = f"{ctx.a}->{ctx.b}", f"{ctx.b}->{ctx.a}"
    get = lambda frame, dr: (frame[frame["direction"] == dr]["value"].iloc[0]  # noqa: E731
                             if (frame["direction"] == dr).any() else float("nan"))
    s1 = tr("complementarity.finding1", a=a, b=b, year=ctx.year, tc_ab=tr.num(get(tc, ab), 1),
            tc_ba=tr.num(get(tc, ba), 1))
    gl = idx[idx["index"] == "grubel_lloyd"]["value"]
    la, lb = d["leaders"][ctx.a], d["leaders"][ctx.b]
    s2 = tr("complementarity.finding2", a=a, b=b,
            gl=tr.num(float(gl.iloc[0]), 2) if len(gl) else "–",
            pa=tr.product(la["product"][0], names.get(la["product"][0])) if len(la) else "–",
            ra=tr.num(float(la["rca"][0]), 1) if len(la) else "–",
            pb=tr.product(lb["product"][0], names.get(lb["product"][0])) if len(lb) else "–",
            rb=tr.num(float(lb["rca"][0]), 1) if len(lb) else "–")
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart], tables=[t],
                    notes=[tr("complementarity.note")],
                    citation=tr("cite.baci", release=ctx.s.citation()))
