"""Section 1: headline figures for the pair in the report year and the change on the year before.

Uses ``Session.trade_summary`` (loaded products only): exports each way, total, balance,
number of products traded and the largest product each way.
"""

from __future__ import annotations

from typing import Any

from straits.report.model import Missing, Rendered, Table

KEY = "headline"
SOURCES = ("baci",)
FORMULAS = ("share",)


def compute(ctx) -> dict[str, Any] | Missing:
    """Trade summary rows for the report year and the previous loaded year."""
    ts = ctx.trade_summary()
    ab, ba = f"{ctx.a}->{ctx.b}", f"{ctx.b}->{ctx.a}"

    def pick(year: int | None) -> dict[str, float] | None:
        if year is None:
            return None
        rows = ts[ts["year"] == year].set_index("direction")
        get = lambda d, c: float(rows.at[d, c]) if d in rows.index else 0.0  # noqa: E731
        top = lambda d: rows.at[d, "top_product"] if d in rows.index else None  # noqa: E731
        return {
            "ab": get(ab, "value_kusd"), "ba": get(ba, "value_kusd"),
            "ab_products": get(ab, "products"), "ba_products": get(ba, "products"),
            "ab_top": top(ab), "ab_top_kusd": get(ab, "top_product_kusd"),
            "ba_top": top(ba), "ba_top_kusd": get(ba, "top_product_kusd"),
        }

    cur, prev = pick(ctx.year), pick(ctx.prev)
    if cur is None or cur["ab"] + cur["ba"] == 0:
        return Missing("data", f"BACI flows between {ctx.a} and {ctx.b} in {ctx.year}")
    return {"year": ctx.year, "prev_year": ctx.prev, "cur": cur, "prev": prev}


def _change(new: float, old: float | None) -> float:
    return float("nan") if not old else new / old - 1.0


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Key-figure table and the two-sentence finding."""
    cur, prev = d["cur"], d["prev"] or {}
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    names = ctx.product_names()
    metrics = [
        (tr("headline.exports", x=a, y=b), cur["ab"], prev.get("ab")),
        (tr("headline.exports", x=b, y=a), cur["ba"], prev.get("ba")),
        (tr("headline.total"), cur["ab"] + cur["ba"],
         (prev["ab"] + prev["ba"]) if prev else None),
        (tr("headline.balance", x=a), cur["ab"] - cur["ba"],
         (prev["ab"] - prev["ba"]) if prev else None),
    ]
    rows = [[label, tr.musd(old) if old is not None else "–", tr.musd(new),
             tr.signed_pct(_change(new, old)) if old and (old > 0 and new >= 0) else "–"]
            for label, new, old in metrics]
    rows.append([tr("headline.products", x=a, y=b),
                 tr.num(prev["ab_products"]) if prev else "–", tr.num(cur["ab_products"]), ""])
    rows.append([tr("headline.products", x=b, y=a),
                 tr.num(prev["ba_products"]) if prev else "–", tr.num(cur["ba_products"]), ""])
    py = str(d["prev_year"]) if d["prev_year"] else "–"
    t = Table(headers=[tr("col.indicator"), f"{py} ({tr('unit.musd')})",
                       f"{d['year']} ({tr('unit.musd')})", tr("col.change")],
              rows=rows, numeric=[False, True, True, True])
    total, ptotal = cur["ab"] + cur["ba"], (prev["ab"] + prev["ba"]) if prev else None
    chg = _change(total, ptotal)
    key = ("headline.finding1" if not ptotal
           else "headline.finding1_up" if chg >= 0 else "headline.finding1_down")
    s1 = tr(key, year=d["year"], a=a, b=b, ab=tr.usd(cur["ab"]), ba=tr.usd(cur["ba"]),
            total=tr.usd(total), change=tr.pct(abs(chg)) if ptotal else "",
            prev=d["prev_year"])
    big_ab = cur["ab_top_kusd"] >= cur["ba_top_kusd"]
    top = cur["ab_top"] if big_ab else cur["ba_top"]
    topv = cur["ab_top_kusd"] if big_ab else cur["ba_top_kusd"]
    dirv = cur["ab"] if big_ab else cur["ba"]
    s2 = tr("headline.finding2", product=tr.product(top, names.get(top)),
            x=a if big_ab else b, y=b if big_ab else a, value=tr.usd(topv),
            share=tr.pct(topv / dirv if dirv else float("nan")))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], tables=[t],
                    citation=tr("cite.baci", release=ctx.s.citation()))

