"""Section 8: the semiconductor supply chain from the ETO dataset.

``Session.chain_pair`` gives each country's share of world supply of every input and stage of
chipmaking, the top country of each and which of the pair has the larger share;
``Session.chokepoints`` lists inputs where one country holds at least
:data:`~straits.valuechain.thresholds.COUNTRY_THRESHOLD` (SIA/BCG) or three firms at least
:data:`~straits.valuechain.thresholds.FIRM_TOP3_THRESHOLD`. Every threshold a sentence quotes
is one of those constants. ETO data are CC BY-NC 4.0 (non-commercial). Input names are
ETO's, translated for ko/ja through ``locales/terms.tsv``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from straits.charts import Bar
from straits.report.figures import PAIR, bars
from straits.report.model import Rendered, Table
from straits.valuechain.thresholds import (
    COUNTRY_THRESHOLD,
    FIRM_TOP3_THRESHOLD,
    JOINT_THRESHOLD,
    WEAK_THRESHOLD,
)

KEY = "chips"
SOURCES = ("eto",)
FORMULAS = ("chip_chokepoint",)
TOP = 10
BARS = 8


def compute(ctx) -> dict[str, Any]:
    """Pair positions on every input with country shares, and the chain's chokepoints."""
    pair = ctx.s.chain_pair(ctx.a, ctx.b)
    ck = ctx.s.chokepoints()
    return {"pair": pair.reset_index(drop=True), "chokepoints": ck.reset_index(drop=True)}


def counts(pair: pd.DataFrame, a: str, b: str) -> dict[str, int]:
    """The numbers the first finding states, from the engine's columns (inputs, not stages)."""
    inputs = pair[pair["type"] != "stage"]
    joint = inputs[inputs["joint_dominance"]]
    return {"n": len(inputs), "ta": int((inputs["top_country"] == a).sum()),
            "tb": int((inputs["top_country"] == b).sum()),
            "na": int((inputs["larger_share_country"] == a).sum()),
            "nb": int((inputs["larger_share_country"] == b).sum()), "nj": len(joint),
            "nw": int(inputs["both_weak"].sum())}


def thresholds(tr) -> dict[str, str]:
    """The engine's thresholds, formatted for sentences."""
    return {"country_t": tr.pct(COUNTRY_THRESHOLD, 0), "firm_t": tr.pct(FIRM_TOP3_THRESHOLD, 0),
            "joint_t": tr.pct(JOINT_THRESHOLD, 0), "weak_t": tr.pct(WEAK_THRESHOLD, 0)}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Stage table, joint-dominance bars, external chokepoints table, finding."""
    pair, ck = d["pair"], d["chokepoints"]
    a, b = tr.country(ctx.a), tr.country(ctx.b)
    th = thresholds(tr)
    term = {i: tr.term("eto", i, n) for i, n in zip(pair["input_id"], pair["input"], strict=True)}
    term.update({i: tr.term("eto", i, n) for i, n in zip(ck["input_id"], ck["input"], strict=True)})
    stage_ids = dict(zip(pair.loc[pair["type"] == "stage", "input"],
                         pair.loc[pair["type"] == "stage", "input_id"], strict=True))
    stages = pair[pair["type"] == "stage"]
    pct = lambda v: tr.pct(v, 0) if pd.notna(v) else "–"  # noqa: E731
    rows = [[term[r.input_id], pct(r.share_a), pct(r.share_b),
             f"{tr.country(r.third_country)} ({pct(r.third_share)})"
             if pd.notna(r.third_country) else "–"]
            for r in stages.itertuples(index=False)]
    t_stage = Table(headers=[tr("chips.col_stage"), a, b, tr("chips.col_third")], rows=rows,
                    numeric=[False, True, True, False], caption=tr("chips.stage_caption"))
    inputs = pair[pair["type"] != "stage"]
    joint = inputs[inputs["joint_dominance"]].sort_values("joint_share", ascending=False)
    chart = bars(tr, [Bar(f"{term[r.input_id]} · {x}", float(v), pct(v), x)
                      for r in joint.head(BARS).itertuples(index=False)
                      for x, v in ((a, r.share_a), (b, r.share_b))],
                 title=tr("chips.chart", a=a, b=b, **th), x_title=tr("chips.axis"),
                 source=tr("cite.eto_short"), unit="fraction (0-1)", share=True,
                 colors={a: PAIR["a"], b: PAIR["b"]})
    outside = ck[~ck["top_country"].isin([ctx.a, ctx.b]) & ck["top_country"].notna()]
    outside = outside.sort_values(["n_downstream", "top_country_share"], ascending=False)
    rows = [[term[r.input_id],
             tr("sep.list").join(tr.term("eto", stage_ids.get(x, x), x) for x in r.stages),
             f"{tr.country(r.top_country)} ({pct(r.top_country_share)})",
             tr("sep.list").join(r.top3_firms) or "–", tr.num(r.n_downstream)]
            for r in outside.head(TOP).itertuples(index=False)]
    t_ck = Table(headers=[tr("chips.col_input"), tr("chips.col_stage"),
                          tr("chips.col_top_country"), tr("chips.col_firms"),
                          tr("chips.col_downstream")],
                 rows=rows, numeric=[False, False, False, False, True],
                 caption=tr("chips.ck_caption", n=min(TOP, len(outside)), total=len(outside),
                            a=a, b=b))
    c = counts(pair, ctx.a, ctx.b)
    s1 = tr("chips.finding1", a=a, b=b, **c, **th,
            example=term[joint.iloc[0]["input_id"]] if len(joint) else "–",
            share=pct(joint.iloc[0]["joint_share"]) if len(joint) else "–")
    top_out = outside["top_country"].value_counts()
    s2 = tr("chips.finding2", k=len(outside), m=len(ck), a=a, b=b, nw=c["nw"], **th,
            top=tr.country(top_out.index[0]) if len(top_out) else "–",
            kt=int(top_out.iloc[0]) if len(top_out) else 0)
    return Rendered(key=KEY, number=0, title="", finding=[s1, s2], charts=[chart],
                    tables=[t_stage, t_ck],
                    notes=[tr("chips.note"), tr("licence.eto_notice")], citation=tr("cite.eto"))
