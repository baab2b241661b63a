"""Who supplies each step of chipmaking: ETO semiconductor supply chain (CSET).

Tables of the inputs (tools, materials, design resources, processes) and stages of chipmaking
with the market share of each country and firm, chokepoints (a dominant country or firm
oligopoly) with the downstream steps they feed, and the complementarity of two countries
along the chain. Shares are fractions 0-1; blank shares in the source stay NaN. Every table
carries the ETO attribution and licence (CC BY-NC 4.0) in ``df.attrs["source"]``.

References
----------
Khan, S. M., Mann, A. and Peterson, D. (2021), *The Semiconductor Supply Chain: Assessing
National Competitiveness*, CSET issue brief. Emerging Technology Observatory, Advanced
Semiconductor Supply Chain Dataset (Chip Explorer). Varas, A. et al. (2021), *Strengthening
the Global Semiconductor Supply Chain in an Uncertain Era*, BCG and SIA (the 65% threshold).
"""

from __future__ import annotations

import difflib
from collections import deque
from pathlib import Path

import numpy as np
import pandas as pd

from straits.errors import UnknownCodeError, check_param
from straits.sources.eto import AGGREGATE_PROVIDERS, ETO_ATTRIBUTION, ETO_MISSING_NOTE, EtoData, load_eto

__all__ = ["ETO_ATTRIBUTION", "chain", "chain_pair", "chokepoints", "downstream"]

CHAIN_COLUMNS = ["input_id", "input", "stage", "type", "market_size", "provider_id", "provider",
                 "provider_type", "provider_country", "share", "year", "source"]


def _attrs(df: pd.DataFrame, **extra: object) -> pd.DataFrame:
    df.attrs.update(source=ETO_ATTRIBUTION, licence="CC BY-NC 4.0", missing=ETO_MISSING_NOTE, **extra)
    return df


def _edges(d: EtoData) -> pd.DataFrame:
    """Directed edges ``src -> dst`` (goes into, or is a type of) from sequence.csv."""
    s = d.sequence
    into = s.loc[s["goes_into_id"].notna(), ["input_id", "goes_into_id"]].set_axis(["src", "dst"], axis=1)
    kind = s.loc[s["is_type_of_id"].notna(), ["input_id", "is_type_of_id"]].set_axis(["src", "dst"], axis=1)
    return pd.concat([into.assign(relation="goes_into"), kind.assign(relation="is_type_of")],
                     ignore_index=True).drop_duplicates(["src", "dst"])


def _adjacency(d: EtoData) -> dict[str, list[str]]:
    e = _edges(d)
    return e.groupby("src", sort=False)["dst"].agg(list).to_dict()


def nodes(path: str | Path | None = None) -> pd.DataFrame:
    """Every input and stage: ``input_id, input, stage, type, market_size, input_year``.

    Inputs without a stage in ``inputs.csv`` take the stage(s) of the nearest downstream steps
    that have one (breadth-first along sequence.csv); stages themselves have ``type = "stage"``.
    """
    d = load_eto(path)
    inp = d.inputs
    staged = dict(zip(inp["input_id"], inp["stage_name"], strict=True))
    adj = _adjacency(d)

    def stage_of(node: str) -> str | float:
        if isinstance(staged.get(node), str):
            return staged[node]
        seen, queue, found = {node}, deque([node]), []
        while queue and not found:
            for _ in range(len(queue)):
                for nxt in adj.get(queue.popleft(), []):
                    if nxt in seen:
                        continue
                    seen.add(nxt)
                    if isinstance(staged.get(nxt), str):
                        found.append(staged[nxt])
                    queue.append(nxt)
        return "; ".join(dict.fromkeys(found)) if found else np.nan

    out = pd.DataFrame({
        "input_id": inp["input_id"], "input": inp["input_name"],
        "stage": [stage_of(i) for i in inp["input_id"]], "type": inp["type"],
        "market_size": inp["market_share_chart_global_market_size_info"],
        "input_year": pd.to_numeric(inp["year"], errors="coerce").astype("Int64"),
    })
    st = d.stages
    stages = pd.DataFrame({"input_id": st["stage_id"], "input": st["stage_name"], "stage": st["stage_name"],
                           "type": "stage", "market_size": st["market_share_chart_global_market_size_info"],
                           "input_year": pd.array([pd.NA] * len(st), dtype="Int64")})
    return pd.concat([stages, out], ignore_index=True)


def _resolve_input(q: str, nd: pd.DataFrame) -> str:
    ids = set(nd["input_id"])
    if q.upper() in ids:
        return q.upper()
    names = nd["input"].str.lower()
    hit = nd.loc[names == q.lower(), "input_id"]
    if hit.empty:
        hit = nd.loc[names.str.contains(q.lower(), regex=False), "input_id"]
    if len(hit) == 1:
        return str(hit.iloc[0])
    close = difflib.get_close_matches(q, nd["input"].tolist(), n=4, cutoff=0.5)
    detail = (f"matches {len(hit)} inputs ({', '.join(nd.loc[hit.index, 'input'].head(5))})" if len(hit)
              else "is not an ETO input or stage" + (f"; did you mean {', '.join(close)}?" if close else ""))
    raise UnknownCodeError(f"Input {q!r} {detail}. Use an exact name or an id such as N31.")


def _resolve_country(q: str, d: EtoData) -> str:
    c = d.providers[d.providers["provider_type"].eq("country")]
    keys = {str(n).upper(): n for n in c["provider_name"]}
    keys.update({str(a).upper(): n for a, n in zip(c["alias"], c["provider_name"], strict=True)
                 if isinstance(a, str)})
    code = keys.get(q.strip().upper())
    if code is None:
        try:
            from straits.reference.lookup import resolve_country

            code = keys.get(resolve_country(q).iso3)
        except Exception:  # noqa: BLE001 - unknown anywhere means unknown here
            code = None
    if code is None:
        raise UnknownCodeError(f"Country {q!r} is not a provider in the ETO data (countries: "
                               f"{', '.join(sorted(k for k in c['provider_name'] if len(k) == 3))}).")
    return str(code)


def chain(
    *, country: str | None = None, input: str | None = None, path: str | Path | None = None  # noqa: A002
) -> pd.DataFrame:
    """Market shares of countries and firms on every input and stage of chipmaking.

    Parameters
    ----------
    country : str, optional
        Keep the rows of this country and of its firms ("KOR", "Korea").
    input : str, optional
        One input or stage, by id ("N31") or name ("Photoresists"; a unique substring works).
    path : str or Path, optional
        Folder of ETO CSVs (default: the embedded copy).

    Returns
    -------
    DataFrame
        ``input_id, input, stage, type, market_size, provider_id, provider, provider_type,
        provider_country, share, year, source``: one row per provider and input, share a fraction
        0-1 and NaN where the source leaves it blank (missing, not zero). attrs: source (ETO
        attribution and licence), missing (the note on blanks).
    """
    d = load_eto(path)
    nd = nodes(path)
    pv = d.provision.merge(d.providers[["provider_id", "provider_name", "provider_type", "country"]],
                           on="provider_id", how="left", suffixes=("_raw", ""))
    pv["provider_country"] = np.where(pv["provider_type"].eq("country"), pv["provider_name"], pv["country"])
    df = pv.merge(nd, left_on="provided_id", right_on="input_id", how="left")
    df = df.rename(columns={"provider_name": "provider"})[CHAIN_COLUMNS]
    if input is not None:
        df = df[df["input_id"].eq(_resolve_input(input, nd))]
    if country is not None:
        df = df[df["provider_country"].eq(_resolve_country(country, d))]
    order = {i: k for k, i in enumerate(nd["input_id"])}
    df = df.assign(_o=df["input_id"].map(order), _c=df["provider_type"].ne("country"))
    df = df.sort_values(["_o", "_c", "share", "provider"], ascending=[True, True, False, True],
                        na_position="last").drop(columns=["_o", "_c"])
    return _attrs(df.reset_index(drop=True))


def downstream(input_id: str, *, path: str | Path | None = None) -> pd.DataFrame:
    """Every path from an input down the chain (sequence.csv) to a final step.

    Parameters
    ----------
    input_id : str
        Id or name of the input ("N31", "Photoresists").
    path : str or Path, optional
        Folder of ETO CSVs.

    Returns
    -------
    DataFrame
        ``input_id, input, path_no, depth, path_ids, path, end_id, end, stages``: one row per
        simple path (``path`` names joined by " > "), following "goes into" and "is a type of"
        links; a step with no outgoing link ends a path.
    """
    nd = nodes(path)
    start = _resolve_input(input_id, nd)
    return _attrs(_paths(start, nd, _adjacency(load_eto(path))))


def _paths(start: str, nd: pd.DataFrame, adj: dict[str, list[str]]) -> pd.DataFrame:
    """Depth-first enumeration of simple paths from ``start`` (a ~140-edge graph)."""
    name = dict(zip(nd["input_id"], nd["input"], strict=True))
    stage = dict(zip(nd["input_id"], nd["stage"], strict=True))
    paths: list[list[str]] = []
    stack = [[start]]
    while stack:
        p = stack.pop()
        nxt = [n for n in adj.get(p[-1], []) if n not in p]
        if not nxt:
            paths.append(p)
        stack.extend(p + [n] for n in reversed(nxt))
    rows = [{
        "input_id": start, "input": name.get(start, start), "path_no": k, "depth": len(p) - 1,
        "path_ids": " > ".join(p), "path": " > ".join(name.get(n, n) for n in p),
        "end_id": p[-1], "end": name.get(p[-1], p[-1]),
        "stages": "; ".join(dict.fromkeys(s for n in p for s in str(stage.get(n)).split("; ")
                                          if s and s != "nan")),
    } for k, p in enumerate(paths, start=1)]
    return pd.DataFrame(rows, columns=["input_id", "input", "path_no", "depth", "path_ids", "path",
                                       "end_id", "end", "stages"])


def _top(df: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per input: the top-k known shares (NaN shares never rank)."""
    known = df[df["share"].notna()].sort_values(["input_id", "share", "provider"],
                                                ascending=[True, False, True])
    return known.groupby("input_id", sort=False).head(k)


def chokepoints(*, country_threshold: float = 0.65, firm_top3_threshold: float = 0.90,
                include_all: bool = False, path: str | Path | None = None) -> pd.DataFrame:
    """Inputs where one country or three firms dominate world supply, and what they feed.

    Parameters
    ----------
    country_threshold : float
        Top single-country share at or above which an input is a chokepoint (SIA/BCG: 0.65).
    firm_top3_threshold : float
        Combined share of the three largest firms at or above which it is a chokepoint.
    include_all : bool
        Return every input with share data, not only chokepoints.
    path : str or Path, optional
        Folder of ETO CSVs.

    Returns
    -------
    DataFrame
        ``input_id, input, stage, type, top_country, top_country_share, n_countries,
        top3_firms, top3_firm_share, n_firms, country_chokepoint, firm_chokepoint, chokepoint,
        reason, year, n_downstream, downstream_stages``. Shares 0-1; NaN when the source gives
        no share (never counted as zero). Groups ("Various countries", "Europe") never rank as
        top country. ``n_downstream``: distinct steps reachable in :func:`downstream`.
    """
    for n, v in (("country_threshold", country_threshold), ("firm_top3_threshold", firm_top3_threshold)):
        check_param(n, "chokepoints", isinstance(v, int | float) and 0 < v <= 1, "a float in (0, 1]", v)
    df = chain(path=path)
    ctry = df[df["provider_type"].eq("country") & ~df["provider_id"].isin(AGGREGATE_PROVIDERS)]
    firm = df[df["provider_type"].eq("organization")]
    top_c = _top(ctry, 1).set_index("input_id")
    top_f = _top(firm, 3).groupby("input_id", sort=False).agg(
        top3_firms=("provider", ", ".join), top3_firm_share=("share", "sum"))
    base = df.drop_duplicates("input_id")[["input_id", "input", "stage", "type"]].set_index("input_id")
    out = base.join(pd.DataFrame({"top_country": top_c["provider"], "top_country_share": top_c["share"]}))
    out["n_countries"] = (ctry.groupby("input_id")["provider"].nunique().reindex(out.index)
                          .fillna(0).astype(int))
    out = out.join(top_f)
    out["n_firms"] = firm.groupby("input_id")["provider"].nunique().reindex(out.index).fillna(0).astype(int)
    out["country_chokepoint"] = out["top_country_share"].ge(country_threshold - 1e-12)
    out["firm_chokepoint"] = out["top3_firm_share"].ge(firm_top3_threshold - 1e-12)
    out["chokepoint"] = out["country_chokepoint"] | out["firm_chokepoint"]
    rc = np.where(out["country_chokepoint"], "top country " + out["top_country"].astype(str) + " holds "
                  + out["top_country_share"].map("{:.0%}".format) + f" (>= {country_threshold:.0%})", "")
    rf = np.where(out["firm_chokepoint"], "top 3 firms hold " + out["top3_firm_share"].map("{:.0%}".format)
                  + f" (>= {firm_top3_threshold:.0%})", "")
    out["reason"] = ["; ".join(filter(None, p)) for p in zip(rc, rf, strict=True)]
    out["year"] = df.groupby("input_id")["year"].max().reindex(out.index)
    out = out.reset_index()
    if not include_all:
        out = out[out["chokepoint"]]
    nd, adj = nodes(path), _adjacency(load_eto(path))
    reach = [_paths(i, nd, adj) for i in out["input_id"]]
    out["n_downstream"] = [len({n for p in r["path_ids"] for n in p.split(" > ")[1:]}) for r in reach]
    out["downstream_stages"] = ["; ".join(dict.fromkeys(s for x in r["stages"] for s in x.split("; ") if s))
                                for r in reach]
    return _attrs(out.reset_index(drop=True), thresholds={"country": country_threshold,
                                                           "firm_top3": firm_top3_threshold})


def chain_pair(a: str, b: str, *, joint_threshold: float = 0.65, weak_threshold: float = 0.10,
               path: str | Path | None = None) -> pd.DataFrame:
    """Two countries' positions along the chain: who leads, joint dominance, shared dependence.

    Parameters
    ----------
    a, b : str
        Countries ("KOR", "JPN").
    joint_threshold : float
        Combined share at or above which the pair jointly dominates an input.
    weak_threshold : float
        Share below which a country is weak on an input.
    path : str or Path, optional
        Folder of ETO CSVs.

    Returns
    -------
    DataFrame
        One row per input with country-level shares: ``input_id, input, stage, type, share_a,
        share_b, leader, joint_share, joint_dominance, both_weak, third_country, third_share,
        year`` plus ``country_a``/``country_b``. A country not listed for an input has share NaN
        (not zero); ``joint_share`` sums the listed shares; ``both_weak`` counts not-listed as
        weak; ``third_country`` is the largest other country (the pair's dependence when both
        are weak).
    """
    for n, v in (("joint_threshold", joint_threshold), ("weak_threshold", weak_threshold)):
        check_param(n, "chain_pair", isinstance(v, int | float) and 0 < v <= 1, "a float in (0, 1]", v)
    d = load_eto(path)
    ca, cb = _resolve_country(a, d), _resolve_country(b, d)
    df = chain(path=path)
    ctry = df[df["provider_type"].eq("country")]
    has = ctry["share"].notna().groupby(ctry["input_id"]).any()
    base = (df.drop_duplicates("input_id").set_index("input_id")
            .loc[has[has].index, ["input", "stage", "type"]])
    wide = ctry.pivot_table(index="input_id", columns="provider", values="share", aggfunc="first",
                            dropna=False)
    sa = wide[ca].reindex(base.index) if ca in wide else pd.Series(np.nan, index=base.index)
    sb = wide[cb].reindex(base.index) if cb in wide else pd.Series(np.nan, index=base.index)
    out = base.assign(country_a=ca, share_a=sa, country_b=cb, share_b=sb)
    fa, fb = sa.fillna(-1), sb.fillna(-1)
    out["leader"] = np.where((fa < 0) & (fb < 0), None, np.where(fa > fb, ca, np.where(fb > fa, cb, "tie")))
    out["joint_share"] = pd.concat([sa, sb], axis=1).sum(axis=1, min_count=1)
    out["joint_dominance"] = out["joint_share"].ge(joint_threshold - 1e-12)
    out["both_weak"] = sa.fillna(0).lt(weak_threshold) & sb.fillna(0).lt(weak_threshold)
    third = _top(ctry[~ctry["provider"].isin([ca, cb]) & ~ctry["provider_id"].isin(AGGREGATE_PROVIDERS)], 1)
    third = third.set_index("input_id")
    out["third_country"] = third["provider"].reindex(out.index)
    out["third_share"] = third["share"].reindex(out.index)
    out["year"] = ctry.groupby("input_id")["year"].max().reindex(out.index)
    order = nodes(path)["input_id"]
    out = out.reindex(order[order.isin(out.index)])
    return _attrs(out.reset_index(), thresholds={"joint": joint_threshold, "weak": weak_threshold})
