"""The annual event replay on reporter data, for the products BACI does not hold.

For each code the loaded BACI release lacks, the replay takes the reporter series of
:func:`straits.warehouse.reporter_sql.shares` (one series per HS6, its most detailed
classification, monthly rows summed into years):

1. the importer's own import statistics (Korea's customs: each HSK line with its partners'
   values, so the restricting economy's share and the gainers follow); a source listing
   one partner only (Korea's imports from Japan alone) gives the value but no share;
2. otherwise the restricting economy's reported exports to the importer (China's
   Comtrade exports): its value, no share, no gainers.

Only complete years are compared (12 months, or an annual record): the before year is the
one before the start, the after year the latest complete year after it (else the partial
start year, said so). Values are converted to thousand USD as reported (CIF for imports,
FOB for exports) and never added to BACI's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from straits.reference.blocs import Party

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse


def _series(wh: Warehouse, *, reporter: str, flow: str, codes: Sequence[str],
            partners: Sequence[str] | None = None) -> pd.DataFrame:
    from straits.warehouse import reporter_sql

    return wh.arrow(reporter_sql.shares(reporter=reporter, flow=flow, products=list(codes),
                                        partners=partners, years=None)).to_pandas()


def reporter_rows(wh: Warehouse, *, importer: Party, exporter: Party, codes: Sequence[str],
                  start_year: int, notes: list[str]) -> dict:
    """Annual rows, summary rows and gainers from reporter data for ``codes`` (HS prefixes).

    Appends to ``notes`` which source each code came from and what it cannot show.
    """
    from straits.security.events import compare, gainers_of, period_of

    empty = {"annual": pd.DataFrame(), "summary": pd.DataFrame(), "gainers": pd.DataFrame()}
    if not wh.has_table("reporter_flows") or importer.is_bloc:
        if importer.is_bloc and wh.has_table("reporter_flows"):
            notes.append(f"Reporter data are per country; {importer.label} is a bloc, so "
                         f"{', '.join(codes)} stay uncovered.")
        return empty
    imp = importer.members[0]
    members = set(exporter.members)
    side_m = _series(wh, reporter=imp, flow="import", codes=codes).assign(side="importer")
    # a partner extract that does not list the restricting economy says nothing here
    usable = (side_m["source_partners"] > 1) | side_m["partner"].isin(members)
    side_m = side_m[side_m["code"].isin(set(side_m.loc[usable, "code"]))]
    got = {c for c in codes if side_m["hs6"].str.startswith(c).any()}
    rest = [c for c in codes if c not in got]
    frames = [side_m]
    if rest and not exporter.is_bloc:
        side_x = _series(wh, reporter=exporter.members[0], flow="export", codes=rest,
                         partners=[imp])
        frames.append(side_x.assign(side="exporter"))
    raw = pd.concat(frames, ignore_index=True)
    if raw.empty:
        return empty
    raw["value_kusd"] = raw["value_usd"] / 1000.0
    raw["total_kusd"] = raw["total_value_usd"] / 1000.0
    complete = raw[(raw["months"] == 0) | (raw["months"] == 12)]
    out = {"annual": [], "summary": [], "gainers": []}
    for code, g in raw.groupby("code", sort=True):  # a handful of product lines
        full = set(complete.loc[complete["code"] == code, "year"])
        before = start_year - 1
        if before not in full:
            notes.append(f"Reporter data for {code} lack the full year {before}; not compared.")
            continue
        later = sorted(y for y in full if y > start_year)
        after = later[-1] if later else start_year
        if after not in set(g["year"]):
            notes.append(f"Reporter data for {code} hold no year after {before}; not compared.")
            continue
        row = g.iloc[0]
        has_total = bool((g["source_partners"] > 1).all()) and row["side"] == "importer"
        fr = g[g["partner"].isin(members) if row["side"] == "importer" else
               g["partner"] == imp]
        per_year = pd.DataFrame({"year": sorted(set(g["year"]))})
        per_year["from_restricting_kusd"] = per_year["year"].map(
            fr.groupby("year")["value_kusd"].sum()).fillna(0.0)
        if has_total:
            per_year["imports_kusd"] = per_year["year"].map(g.groupby("year")["total_kusd"].first())
            per_year["restricting_share"] = (per_year["from_restricting_kusd"]
                                             / per_year["imports_kusd"])
        else:
            per_year["imports_kusd"] = float("nan")
            per_year["restricting_share"] = float("nan")
        per_year = per_year.assign(product=row["hs6"], code=code, source="reporter",
                                   restricting_world_share=float("nan"),
                                   world_export_hhi=float("nan"),
                                   period=period_of(per_year["year"], start_year))
        gain = pd.DataFrame()
        if has_total:
            two = g[g["year"].isin([before, after]) & ~g["partner"].isin(members)]
            two = two.rename(columns={"partner": "supplier", "value_share": "share"})
            gain = gainers_of(two.assign(product=code), before, after)
            gain = gain.assign(code=code, product=row["hs6"])
        summ = compare(per_year.assign(key=code), gain.assign(key=code) if len(gain) else
                       pd.DataFrame(columns=["key", "supplier", "share_change_pp"]),
                       pd.DataFrame({"key": [code]}), before, after, key="key")
        summ = summ.drop(columns="key").assign(
            product=row["hs6"], code=code, classification=row["classification"],
            source="reporter", side=row["side"], value_basis=str(row["value_basis"]),
            dataset=row["dataset"])
        out["annual"].append(per_year)
        out["summary"].append(summ)
        out["gainers"].append(gain)
        notes.append(_source_note(code, row, has_total, before, after, later))
    return {k: pd.concat(v, ignore_index=True) if v else pd.DataFrame() for k, v in out.items()}


def _source_note(code: str, row, has_total: bool, before: int, after: int,
                 later: list[int]) -> str:
    side = ("imports as the importer reports them" if row["side"] == "importer"
            else "the restricting economy's reported exports to the importer")
    line = (f"{code} ({row['classification']} line of HS6 {row['hs6']})" if len(code) > 6
            else code)
    what = "" if has_total else ("; values only (the source lists no other partners: no "
                                 "share, no gainers)")
    partial = "" if later else f"; {after} is the partial start year"
    return (f"{line}: not in BACI; from {row['dataset']}, {side} ({row['source']}), "
            f"{before} vs {after}{partial}{what}.")
