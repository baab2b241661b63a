"""Who supplies each step of chipmaking: ETO semiconductor supply chain (CSET).

Tables of the inputs (tools, materials, design resources, processes) and stages of chipmaking
with the market share of each country and firm, chokepoints (a dominant country or firm
oligopoly) with the downstream steps they feed, and the positions of two countries along the
chain. Everything is read from the warehouse's ``eto_*`` tables (the embedded release in the
default warehouse, or one a user ingested). Shares are fractions 0-1; blank shares in the
source stay NaN. Every table carries a :class:`~straits.provenance.Provenance` with the ETO
attribution and licence (CC BY-NC 4.0, non-commercial).

References
----------
Khan, S. M., Mann, A. and Peterson, D. (2021), *The Semiconductor Supply Chain: Assessing
National Competitiveness*, CSET issue brief. Emerging Technology Observatory, Advanced
Semiconductor Supply Chain Dataset (Chip Explorer). Varas, A. et al. (2021), *Strengthening
the Global Semiconductor Supply Chain in an Uncertain Era*, BCG and SIA (the 65% threshold).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from straits.params import Economy, Flag, Interval, Text, validate_params
from straits.provenance import attach
from straits.valuechain._eto import (
    adjacency,
    node_table,
    paths_from,
    provenance,
    resolve_country,
    resolve_input,
)
from straits.valuechain.thresholds import (
    COUNTRY_THRESHOLD,
    FIRM_TOP3_THRESHOLD,
    JOINT_THRESHOLD,
    WEAK_THRESHOLD,
)
from straits.warehouse import valuechain_sql as sql
from straits.warehouse.protocol import Warehouse

__all__ = ["COUNTRY_THRESHOLD", "FIRM_TOP3_THRESHOLD", "JOINT_THRESHOLD", "WEAK_THRESHOLD",
           "chain", "chain_pair", "chokepoints", "downstream"]

_EPS = 1e-12  # shares are published in whole percents: 65% must count as >= 0.65

CHAIN_COLUMNS = ["input_id", "input", "stages", "type", "market_size", "provider_id", "provider",
                 "provider_type", "provider_country", "share", "year", "source"]
_THRESHOLD = Interval(float, 0, 1, closed="right")


@validate_params({"country": Economy(none_ok=True), "input": Text(none_ok=True)})
def chain(wh: Warehouse, *, country: str | None = None,
          input: str | None = None) -> pd.DataFrame:  # noqa: A002
    """Market shares of countries and firms on every input and stage of chipmaking.

    Parameters
    ----------
    wh : Warehouse
        The data (its ``eto_*`` tables).
    country : str, optional
        Keep the rows of this country and of its firms ("KOR", "Korea").
    input : str, optional
        One input or stage, by id ("N31") or name ("Photoresists"; a unique substring works).

    Returns
    -------
    DataFrame
        ``input_id, input, stages, type, market_size, provider_id, provider, provider_type,
        provider_country, share, year, source``: one row per provider and input, in chain
        order, countries first. ``stages`` is a list of stage names (the input's own, else
        those of the nearest steps it feeds); ``share`` a fraction 0-1, NaN where the source
        leaves it blank (missing, not zero). Collects at most the ~1,300 share rows.
    """
    nd = node_table(wh)
    nodes = [resolve_input(input, nd)] if input is not None else None
    codes = [resolve_country(wh, country)] if country is not None else None
    df = wh.arrow(sql.eto_chain(nodes=nodes, countries=codes)).to_pandas()
    df["stages"] = df["input_id"].map(nd.set_index("node_id")["stages"])
    df["share"] = df["share"].astype(float)
    df["year"] = df["year"].astype("Int64")
    return attach(df[CHAIN_COLUMNS].reset_index(drop=True),
                  provenance(wh, "Market shares as published by ETO, percent converted to "
                                 "fractions 0-1."))


@validate_params({"input": Text()})
def downstream(wh: Warehouse, input: str) -> pd.DataFrame:  # noqa: A002
    """Every path from an input down the chain to a final step.

    Parameters
    ----------
    wh : Warehouse
        The data.
    input : str
        Id or name of the input ("N31", "Photoresists").

    Returns
    -------
    DataFrame
        ``input_id, input, path_no, depth, path_ids, path, end_id, end, stages``: one row per
        simple path following "goes into" and "is a type of" links; a step with no outgoing
        link ends a path. ``path_ids`` and ``path`` are lists (ids, names) from the input to
        the end; ``stages`` the stages the path passes through, in order.
    """
    nd = node_table(wh)
    start = resolve_input(input, nd)
    out = paths_from(start, nd, adjacency(wh))
    return attach(out, provenance(wh, "Simple paths along ETO's sequence links (goes into, "
                                      "is a type of), depth-first."))


def _top(wh: Warehouse, k: int, exclude: tuple[str, ...] = ()) -> pd.DataFrame:
    return wh.arrow(sql.eto_top_providers(k, exclude=exclude)).to_pandas()


@validate_params({"country_threshold": _THRESHOLD, "firm_top3_threshold": _THRESHOLD,
                  "include_all": Flag()})
def chokepoints(wh: Warehouse, *, country_threshold: float = COUNTRY_THRESHOLD,
                firm_top3_threshold: float = FIRM_TOP3_THRESHOLD,
                include_all: bool = False) -> pd.DataFrame:
    """Inputs where one country or three firms dominate world supply, and what they feed.

    Parameters
    ----------
    wh : Warehouse
        The data.
    country_threshold : float
        Top single-country share at or above which an input is a chokepoint (SIA/BCG: 0.65).
    firm_top3_threshold : float
        Combined share of the three largest firms at or above which it is a chokepoint.
    include_all : bool
        Return every node with share data, not only chokepoints.

    Returns
    -------
    DataFrame
        ``input_id, input, stages, type, top_country, top_country_share, n_countries,
        top3_firms, top3_firm_share, n_firms, country_chokepoint, firm_chokepoint,
        chokepoint, year, n_downstream, downstream_stages``. Shares 0-1; NaN when the source
        gives no share (never counted as zero). Groups ("Various countries", "Europe") never
        rank as top country. ``top3_firms`` and ``downstream_stages`` are lists;
        ``n_downstream``: distinct steps reachable in :func:`downstream`.
    """
    nd = node_table(wh).set_index("node_id")
    counts = wh.arrow(sql.eto_node_counts()).to_pandas().set_index("node_id")
    top = _top(wh, 3)
    c1 = top[(top["provider_type"] == "country") & (top["rank"] == 1)].set_index("node_id")
    firms = top[top["provider_type"] == "organization"].groupby("node_id", sort=False)
    out = pd.DataFrame(index=counts.index)
    out["input"] = nd["name"].reindex(out.index)
    out["stages"] = nd["stages"].reindex(out.index)
    out["type"] = nd["kind"].reindex(out.index)
    out["top_country"] = c1["provider"].reindex(out.index)
    out["top_country_share"] = c1["share"].reindex(out.index).astype(float)
    out["n_countries"] = counts["n_countries"].astype(int)
    out["top3_firms"] = firms["provider"].agg(list).reindex(out.index)
    out["top3_firms"] = [v if isinstance(v, list) else [] for v in out["top3_firms"]]
    out["top3_firm_share"] = firms["share"].sum().reindex(out.index).astype(float)
    out["n_firms"] = counts["n_firms"].astype(int)
    out["country_chokepoint"] = out["top_country_share"].ge(country_threshold - _EPS)
    out["firm_chokepoint"] = out["top3_firm_share"].ge(firm_top3_threshold - _EPS)
    out["chokepoint"] = out["country_chokepoint"] | out["firm_chokepoint"]
    out["year"] = counts["year"].astype("Int64")
    out = out.loc[[i for i in nd.index if i in out.index]]  # chain order
    if not include_all:
        out = out[out["chokepoint"]]
    adj, ndr = adjacency(wh), nd.reset_index()
    reach = [paths_from(i, ndr, adj) for i in out.index]
    out["n_downstream"] = [len({n for p in r["path_ids"] for n in p[1:]}) for r in reach]
    out["downstream_stages"] = [list(dict.fromkeys(s for x in r["stages"] for s in x))
                                for r in reach]
    method = (f"Chokepoint: top country share >= {country_threshold:g} (SIA/BCG 2021) or the "
              f"three largest firms' combined share >= {firm_top3_threshold:g}; groups of "
              "countries never rank.")
    return attach(out.rename_axis("input_id").reset_index(), provenance(wh, method))


@validate_params({"a": Economy(), "b": Economy(), "joint_threshold": _THRESHOLD,
                  "weak_threshold": _THRESHOLD}, distinct=[("a", "b")])
def chain_pair(wh: Warehouse, a: str, b: str, *, joint_threshold: float = JOINT_THRESHOLD,
               weak_threshold: float = WEAK_THRESHOLD) -> pd.DataFrame:
    """Two countries' positions along the chain: top country, larger share, joint dominance.

    Parameters
    ----------
    wh : Warehouse
        The data.
    a, b : str
        Countries ("KOR", "JPN").
    joint_threshold : float
        Combined share at or above which the pair jointly dominates an input.
    weak_threshold : float
        Share below which a country is weak on an input.

    Returns
    -------
    DataFrame
        One row per input or stage with at least one country share, chain order:
        ``input_id, input, stages, type, country_a, share_a, country_b, share_b,
        larger_share_country, top_country, top_country_share, joint_share, joint_dominance,
        both_weak, third_country, third_share, year``. A country not listed for an input
        has share NaN (not zero). ``larger_share_country`` is whichever of the pair has the larger
        share ("tie", or None when neither is listed); ``top_country`` is the largest
        country of all (groups never rank). ``joint_share`` sums the listed shares;
        ``both_weak`` counts not-listed as weak; ``third_country`` is the largest country
        other than the pair.
    """
    ca, cb = resolve_country(wh, a), resolve_country(wh, b)
    nd = node_table(wh).set_index("node_id")
    rows = wh.arrow(sql.eto_chain()).to_pandas()
    ctry = rows[rows["provider_type"].eq("country")]
    has = ctry.groupby("input_id")["share"].apply(lambda s: s.notna().any())
    idx = [i for i in nd.index if has.get(i, False)]
    wide = ctry.pivot_table(index="input_id", columns="provider", values="share",
                            aggfunc="first", dropna=False)
    sa = (wide[ca] if ca in wide else pd.Series(np.nan, index=wide.index)).reindex(idx)
    sb = (wide[cb] if cb in wide else pd.Series(np.nan, index=wide.index)).reindex(idx)
    out = pd.DataFrame({"input": nd["name"].reindex(idx), "stages": nd["stages"].reindex(idx),
                        "type": nd["kind"].reindex(idx), "country_a": ca,
                        "share_a": sa.astype(float), "country_b": cb,
                        "share_b": sb.astype(float)}, index=pd.Index(idx, name="input_id"))
    fa, fb = out["share_a"].fillna(-1), out["share_b"].fillna(-1)
    out["larger_share_country"] = np.where((fa < 0) & (fb < 0), None,
                                   np.where(fa > fb, ca, np.where(fb > fa, cb, "tie")))
    top = _top(wh, 1)
    top = top[top["provider_type"] == "country"].set_index("node_id")
    out["top_country"] = top["provider"].reindex(idx)
    out["top_country_share"] = top["share"].reindex(idx).astype(float)
    out["joint_share"] = out[["share_a", "share_b"]].sum(axis=1, min_count=1)
    out["joint_dominance"] = out["joint_share"].ge(joint_threshold - _EPS)
    out["both_weak"] = (out["share_a"].fillna(0).lt(weak_threshold)
                        & out["share_b"].fillna(0).lt(weak_threshold))
    third = _top(wh, 1, exclude=(ca, cb))
    third = third[third["provider_type"] == "country"].set_index("node_id")
    out["third_country"] = third["provider"].reindex(idx)
    out["third_share"] = third["share"].reindex(idx).astype(float)
    out["year"] = ctry.groupby("input_id")["year"].max().reindex(idx).astype("Int64")
    method = (f"Joint dominance: share_a + share_b >= {joint_threshold:g}; weak: share < "
              f"{weak_threshold:g} (not listed counts as weak); top and third country: largest "
              "known country share, groups never rank.")
    return attach(out.reset_index(), provenance(wh, method))
