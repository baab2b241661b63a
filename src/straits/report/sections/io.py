"""Section 9: industry propagation of one illustrative bilateral cut (WIOD 2011, issue 7).

``straits.valuechain.io.io_shock``: half of B's chemical supplies (WIOD c9, the industry of
the 2019 controls) to A's industries removed; the forward (Ghosh) loss bounds the output A's
industries lose downstream, the backward (Leontief) loss the sales B's industries lose.
The 1,435-industry core is factorised once per process (~1 s); the shock itself takes ~2 ms,
so nothing is cached on disk.
"""

from __future__ import annotations

from typing import Any

from straits.errors import UnknownCodeError
from straits.report.charts import PALETTE, hbar_chart
from straits.report.model import Missing, Rendered, Table

KEY = "io"
SOURCES = ("wiod",)
FORMULAS = ("leontief",)
SHOCK = {"sector": "c9", "cut": 0.5}
TOP = 8


def compute(ctx) -> dict[str, Any] | Missing:
    """The illustrative cut (supplier B -> customer A)."""
    params = {"supplier": ctx.b, "customer": ctx.a, **SHOCK}
    try:
        df = ctx.s.io_shock(**params)
    except UnknownCodeError as exc:
        return Missing("nodata", str(exc).rstrip("."))
    return {"df": df, "params": params}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Bars of the customer's most affected industries, country totals, finding."""
    df, p = d["df"], d["params"]
    year, cut_flows = int(df.attrs["shock"]["year"]), float(df.attrs["shock"]["cut_flows_musd"])
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    ind = df[(df["country"] == ctx.a) & (df["industry"] != "total")]
    ind = ind.sort_values("ghosh_loss_musd", ascending=False).head(TOP)
    chart = hbar_chart([(f"{r.industry_name} ({r.industry})", float(r.ghosh_loss_musd))
                        for r in ind.itertuples(index=False)],
                       x_label=tr("io.axis", year=year),
                       value_format=lambda v: tr.num(v), colors=[PALETTE[0]] * len(ind),
                       title=tr("io.chart", a=a, year=year), label_width=330)
    tot = df[df["industry"] == "total"]
    rows = [[tr("io.world") if r.country == "WORLD" else tr.country(r.country),
             tr.num(r.output_musd), tr.num(r.leontief_loss_musd, 1), tr.pct(r.leontief_loss_share, 3),
             tr.num(r.ghosh_loss_musd, 1), tr.pct(r.ghosh_loss_share, 3)]
            for r in tot.itertuples(index=False)]
    t = Table(headers=[tr("col.country"), tr("io.col_output"), tr("io.col_leontief"),
                       tr("io.col_share"), tr("io.col_ghosh"), tr("io.col_share")],
              rows=rows, numeric=[False, True, True, True, True, True],
              caption=tr("io.caption", year=year))
    ta = tot.set_index("country")
    s1 = tr("io.finding1", a=a, b=b, cut=tr.pct(p["cut"], 0), year=year,
            flows=tr.usd(cut_flows * 1000),
            ga=tr.usd(ta.at[ctx.a, "ghosh_loss_musd"] * 1000), gs=tr.pct(ta.at[ctx.a,
                                                                        "ghosh_loss_share"], 2),
            lb=tr.usd(ta.at[ctx.b, "leontief_loss_musd"] * 1000))
    top = ind.iloc[0]
    s2 = tr("io.finding2", a=a, industry=f"{top['industry_name']} ({top['industry']})",
            loss=tr.usd(top["ghosh_loss_musd"] * 1000), share=tr.pct(top["ghosh_loss_share"], 1))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart], tables=[t],
                    notes=[tr("io.note")], citation=tr("cite.wiod"))
