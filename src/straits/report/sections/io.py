"""Section 9: industry propagation of one illustrative bilateral cut (input-output, WIOD).

``Session.io_shock`` on the warehouse's latest input-output table: half of B's supplies of
one industry (:data:`SHOCK`: WIOD c9, chemicals, the industry of the 2019 controls) to all of
A's industries removed; the forward (Ghosh) loss bounds the output A's industries lose
downstream, the backward (Leontief) loss the sales B's industries lose. The 1,435-industry
core is factorised once per process (~1 s); the shock itself takes a few milliseconds.
Industry names are WIOD's, translated for ko/ja through ``locales/terms.tsv``.
"""

from __future__ import annotations

from typing import Any

from straits.charts import Bar
from straits.errors import UnknownCodeError
from straits.report.figures import PAIR, bars
from straits.report.model import Missing, Rendered, Table

KEY = "io"
SOURCES = ("wiod",)
FORMULAS = ("leontief",)
SHOCK = {"sector": "c9", "cut": 0.5}
TOP = 8


def compute(ctx) -> dict[str, Any] | Missing:
    """The illustrative cut (supplier B -> customer A) on the latest loaded IO table."""
    params = {"supplier": ctx.b, "customer": ctx.a, **SHOCK}
    try:
        df = ctx.s.io_shock(**params)
    except UnknownCodeError as exc:
        return Missing("nodata", str(exc).rstrip("."))
    names = df.drop_duplicates("industry").set_index("industry")["industry_name"]
    return {"df": df, "params": params, "sector_name": str(names.get(SHOCK["sector"], ""))}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Bars of the customer's most affected industries, country totals, finding."""
    df, p, shock = d["df"], d["params"], d["df"].attrs["shock"]
    year, cut_flows = int(shock["year"]), float(shock["cut_flows_musd"])
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    ind = df[(df["country"] == ctx.a) & (df["industry"] != "total")]
    ind = ind.sort_values("ghosh_loss_musd", ascending=False).head(TOP)
    name = lambda r: f"{tr.term('wiod', r.industry, r.industry_name)} ({r.industry})"  # noqa: E731
    chart = bars(tr, [Bar(name(r), float(r.ghosh_loss_musd), tr.num(r.ghosh_loss_musd, 1))
                      for r in ind.itertuples(index=False)],
                 title=tr("io.chart", a=a, year=year), x_title=tr("io.axis", year=year),
                 source=tr("cite.wiod_short", year=year), unit="million current USD",
                 colors={"": PAIR["a"]})
    tot = df[df["industry"] == "total"]
    rows = [[tr("io.world") if r.country == "WORLD" else tr.country(r.country),
             tr.num(r.output_musd), tr.num(r.leontief_loss_musd, 1),
             tr.pct(r.leontief_loss_share, 3), tr.num(r.ghosh_loss_musd, 1),
             tr.pct(r.ghosh_loss_share, 3)]
            for r in tot.itertuples(index=False)]
    t = Table(headers=[tr("col.country"), tr("io.col_output"), tr("io.col_leontief"),
                       tr("io.col_share"), tr("io.col_ghosh"), tr("io.col_share")],
              rows=rows, numeric=[False, True, True, True, True, True],
              caption=tr("io.caption", year=year))
    ta = tot.set_index("country")
    sector = tr.term("wiod", SHOCK["sector"], d["sector_name"])
    s1 = tr("io.finding1", a=a, b=b, cut=tr.pct(p["cut"], 0), year=year, sector=sector,
            flows=tr.usd(cut_flows * 1000),
            ga=tr.usd(ta.at[ctx.a, "ghosh_loss_musd"] * 1000),
            gs=tr.pct(ta.at[ctx.a, "ghosh_loss_share"], 2),
            lb=tr.usd(ta.at[ctx.b, "leontief_loss_musd"] * 1000))
    top = ind.iloc[0]
    s2 = tr("io.finding2", a=a,
            industry=f"{tr.term('wiod', top['industry'], top['industry_name'])} ({top['industry']})",
            loss=tr.usd(top["ghosh_loss_musd"] * 1000), share=tr.pct(top["ghosh_loss_share"], 1))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart], tables=[t],
                    notes=[tr("io.note", sector=sector, code=SHOCK["sector"],
                              cut=tr.pct(p["cut"], 0))],
                    citation=tr("cite.wiod"))
