"""Section 8: the semiconductor supply chain from the ETO dataset (issue 7).

``straits.valuechain.chips.chain_pair`` gives each country's share of world supply of every
input and stage of chipmaking; ``chokepoints`` lists inputs where one country holds >= 65%
(SIA/BCG threshold) or three firms >= 90%. ETO data are CC BY-NC 4.0 (non-commercial).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from straits.report.charts import PALETTE, hbar_chart
from straits.report.model import Rendered, Table

KEY = "chips"
SOURCES = ("eto",)
FORMULAS = ("chip_chokepoint",)
STAGES = {"S1": "stage.design", "S2": "stage.fab", "S3": "stage.atp"}
STAGE_NAMES = {"Design": "stage.design", "Fabrication": "stage.fab",
               "Assembly, testing, and packaging (ATP)": "stage.atp"}
TOP = 10


def compute(ctx) -> dict[str, Any]:
    """Pair positions on every input with country shares, and the chain's chokepoints."""
    pair = ctx.s.chain_pair(ctx.a, ctx.b)
    ck = ctx.s.chokepoints()
    return {"pair": pair.reset_index(drop=True), "chokepoints": ck.reset_index(drop=True)}


def _stage(tr, name: str) -> str:
    key = STAGE_NAMES.get(str(name))
    return tr(key) if key else str(name)


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Stage table, joint-dominance bars, external chokepoints table, finding."""
    pair, ck = d["pair"], d["chokepoints"]
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    stages = pair[pair["input_id"].isin(list(STAGES))]
    rows = [[tr(STAGES[r.input_id]), tr.pct(r.share_a, 0) if pd.notna(r.share_a) else "–",
             tr.pct(r.share_b, 0) if pd.notna(r.share_b) else "–",
             f"{tr.country(r.third_country)} ({tr.pct(r.third_share, 0)})"
             if pd.notna(r.third_country) else "–"]
            for r in stages.itertuples(index=False)]
    t_stage = Table(headers=[tr("chips.col_stage"), a, b, tr("chips.col_third")], rows=rows,
                    numeric=[False, True, True, False], caption=tr("chips.stage_caption"))
    inputs = pair[~pair["input_id"].isin(list(STAGES))]
    joint = inputs[inputs["joint_dominance"]].sort_values("joint_share", ascending=False)
    bars, colors = [], []
    for r in joint.head(8).itertuples(index=False):
        bars.append((f"{r.input} · {a}", float(r.share_a)))  # NaN: not listed, drawn as –
        colors.append(PALETTE[0])
        bars.append((f"{r.input} · {b}", float(r.share_b)))
        colors.append(PALETTE[1])
    chart = hbar_chart(bars, x_label=tr("chips.axis"), value_format=lambda v: tr.pct(v, 0),
                       colors=colors, title=tr("chips.chart", a=a, b=b), label_width=330,
                       x_max=1.0)
    outside = ck[~ck["top_country"].isin([ctx.a, ctx.b]) & ck["top_country"].notna()]
    outside = outside.sort_values(["n_downstream", "top_country_share"], ascending=False)
    rows = [[str(r.input), tr("sep.list").join(_stage(tr, x) for x in r.stages),
             f"{tr.country(r.top_country)} ({tr.pct(r.top_country_share, 0)})",
             ", ".join(r.top3_firms) or "–", tr.num(r.n_downstream)]
            for r in outside.head(TOP).itertuples(index=False)]
    t_ck = Table(headers=[tr("chips.col_input"), tr("chips.col_stage"),
                          tr("chips.col_top_country"), tr("chips.col_firms"),
                          tr("chips.col_downstream")],
                 rows=rows, numeric=[False, False, False, False, True],
                 caption=tr("chips.ck_caption", n=min(TOP, len(outside)), total=len(outside),
                            a=a, b=b))
    lead = inputs["larger_share"].value_counts()
    s1 = tr("chips.finding1", n=len(inputs), a=a, b=b, na=int(lead.get(ctx.a, 0)),
            nb=int(lead.get(ctx.b, 0)), nj=len(joint),
            example=str(joint.iloc[0]["input"]) if len(joint) else "–",
            share=tr.pct(joint.iloc[0]["joint_share"], 0) if len(joint) else "–")
    top_out = outside["top_country"].value_counts()
    s2 = tr("chips.finding2", k=len(outside), m=len(ck), a=a, b=b,
            top=tr.country(top_out.index[0]) if len(top_out) else "–",
            kt=int(top_out.iloc[0]) if len(top_out) else 0,
            nw=int(inputs["both_weak"].sum()))
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart],
                    tables=[t_stage, t_ck],
                    notes=[tr("chips.note"), tr("licence.eto_notice")], citation=tr("cite.eto"))
