"""Event replay: what happened to trade after a real export restriction, year by year.

Compares the last full year before a restriction with the latest full year after it
(annual data: the start year holds months before and after the measure, so it is shown but
flagged partial). Reports the restricting economy's share of the importer's imports, the
importer's total imports, which suppliers gained share, and the change in world export
concentration (HHI of exporters' shares of world exports). Presets for real events, with
their HS6 codes and sources, are in :mod:`straits.security.presets`.

Sources, product by product: BACI where the loaded release holds the product and the year
before the start; otherwise the reporter data (:mod:`straits.security.event_reporter`),
the importer's own statistics first (Korea's customs lines: value, share and gainers) and
else the restricting economy's reported exports to it (value only). Each summary row says
which source, classification and code it used, so like is compared with like; products no
source covers are named, and a product carrying little of the event's trade is flagged
``minor`` so no summary generalises from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits import resolve
from straits.errors import DataNotLoadedError
from straits.params import Economy, Month, Options, Products, validate_params
from straits.provenance import Cited, Provenance, attach
from straits.reference.blocs import resolve_party
from straits.security._common import describe, party_code, party_table
from straits.security.comparable import footing
from straits.security.event_reporter import reporter_rows
from straits.security.presets import PRESETS, Preset, event_preset
from straits.security.shock import struct_lists
from straits.warehouse import security_sql as q

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

#: A covered product with less than this share of the event's pre-start value is "minor".
MINOR_SHARE = 0.10

ANNUAL_COLUMNS = [
    "year", "product", "code", "source", "period", "imports_kusd", "from_restricting_kusd",
    "restricting_share", "restricting_world_share", "world_export_hhi",
]
SUMMARY_COLUMNS = [
    "product", "code", "classification", "source", "side", "before_year", "after_year",
    "share_before", "share_after", "share_change_pp", "imports_before_kusd",
    "imports_after_kusd", "imports_change_pct", "from_restricting_before_kusd",
    "from_restricting_after_kusd", "from_restricting_change_pct", "world_hhi_before",
    "world_hhi_after", "world_hhi_diff", "top_gainers", "value_basis",
    "dataset", "description",
]
GAINER_COLUMNS = [
    "product", "code", "supplier", "share_before", "share_after", "share_change_pp",
    "value_before_kusd", "value_after_kusd",
]
COVERAGE_COLUMNS = ["product", "covered", "code", "source", "dataset", "value_before_kusd",
                    "value_share", "minor"]


@dataclass
class Event(Cited):
    """Result of :func:`event`.

    Attributes
    ----------
    annual : pandas.DataFrame
        year, product (HS6 heading), code (the series' own code: HS6 for BACI, an HSK line
        for Korean customs), source (``baci``/``reporter``), period (``before``, ``start
        (partial)``, ``after``), imports_kusd (importer's imports; empty where the source
        gives no total), from_restricting_kusd, restricting_share, restricting_world_share
        (BACI only), world_export_hhi (BACI only).
    summary : pandas.DataFrame
        One row per product line compared, before_year vs after_year of its own source:
        shares (0-1) and share_change_pp (percentage points), imports and imports_change_pct
        (percent), from_restricting values and their change (percent), world HHI before,
        after and world_hhi_diff (after - before, on the 0-1 scale), top_gainers (a list of
        ``{supplier, share_change_pp}``, largest gain first), value_basis (fob, cif or as
        the source gives it), dataset, description.
    gainers : pandas.DataFrame
        Suppliers other than the restricting one whose share rose: product, code, supplier,
        share_before, share_after, share_change_pp, value_before_kusd, value_after_kusd.
    coverage : pandas.DataFrame
        One row per preset product: covered, code, source, dataset, value_before_kusd (the
        restricting economy's sales to the importer in the year before), value_share (of
        the covered products' total) and minor (value_share < :data:`MINOR_SHARE`).
    provenance : Provenance
        Sources used, years, method and notes (coverage, floors, partial years).
    """

    preset: Preset
    exporter: str
    importer: str
    start: str
    products: list[str]
    missing: list[str]
    before_year: int
    after_year: int
    annual: pd.DataFrame
    summary: pd.DataFrame
    gainers: pd.DataFrame
    coverage: pd.DataFrame
    provenance: Provenance
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The preset's title (or a generated one for a custom event)."""
        return self.preset.title


@validate_params({"preset": Options(*PRESETS, none_ok=True), "importer": Economy(none_ok=True),
                  "exporter": Economy(none_ok=True), "products": Products(),
                  "start": Month()}, distinct=[("importer", "exporter")])
def event(
    wh: Warehouse,
    preset: str | None = None,
    *,
    importer: str | None = None,
    exporter: str | None = None,
    products: str | Sequence[str] | None = None,
    start: str | None = None,
) -> Event:
    """Replay a restriction on annual data: before/after shares, gainers, concentration.

    Parameters
    ----------
    wh : Warehouse
        The data.
    preset : str, optional
        A preset name (``jp-kr-2019``, ``cn-gallium-germanium-2023``, ``cn-graphite-2023``,
        ``cn-antimony-2024``); explicit arguments override its fields.
    importer : str, optional
        Importer (or bloc) observed; default the preset's, else Korea.
    exporter : str, optional
        Restricting economy.
    products : str or list of str, optional
        HS codes restricted.
    start : str, optional
        Month the measure took effect, ``YYYY-MM``.

    Returns
    -------
    Event
        ``.annual``, ``.summary``, ``.gainers``, ``.coverage`` (columns in :class:`Event`),
        ``.provenance`` and ``.notes``.

    Raises
    ------
    DataNotLoadedError
        No source covers any of the products in the year before the start (the message
        says what to ingest).

    Notes
    -----
    restricting_share = imports from the restricting economy / the importer's imports of
    the product; share_change_pp = (share_after - share_before) x 100; imports_change_pct =
    (after / before - 1) x 100; world_export_hhi = sum of squared exporter shares of world
    exports. BACI years are first put on one footing (:mod:`straits.security.comparable`).
    """
    p = event_preset(preset, exporter=exporter, products=products, start=start,
                     importer=importer, func="event")
    start_year = int(p.start[:4])
    group = [resolve_party(p.importer), resolve_party(p.exporter)]
    mi, mx = group[0].label, group[1].label
    notes: list[str] = list(p.notes)
    prods, missing = resolve.products(wh, list(p.products), func="event", strict=False)
    years = wh.years()
    parts: list[dict] = []
    if prods and start_year - 1 in years:
        parts.append(_baci(wh, group, prods, years, start_year, notes))
    else:
        missing = list(p.products) if prods else missing
    if missing:
        parts.append(reporter_rows(wh, importer=group[0], exporter=group[1], codes=missing,
                                   start_year=start_year, notes=notes))
    summary = pd.concat([x["summary"] for x in parts if len(x["summary"])] or
                        [pd.DataFrame(columns=SUMMARY_COLUMNS)], ignore_index=True)
    if summary.empty:
        raise DataNotLoadedError(
            f"No loaded data covers {', '.join(p.products)} for {mi} in {start_year - 1} "
            f"(the year before {p.start}): ingest a full CEPII BACI HS17 release covering "
            f"{start_year - 1}-{start_year + 1} (`straits fetch baci` or `straits ingest "
            "FILE`), or reporter files (`straits ingest`) that hold these products."
            + "".join(f" Note: {n}" for n in p.notes))
    summary = describe(summary, wh)[SUMMARY_COLUMNS]
    annual = pd.concat([x["annual"] for x in parts], ignore_index=True)[ANNUAL_COLUMNS]
    gainers = pd.concat([x["gainers"] for x in parts], ignore_index=True)[GAINER_COLUMNS]
    coverage = _coverage(p.products, summary)
    notes.extend(_coverage_notes(coverage))
    first = summary.iloc[0]
    datasets = sorted(set(summary["dataset"]))
    prov = Provenance(
        source="; ".join(datasets), dataset="baci" if datasets == [wh.citation()] else "mixed",
        years=tuple(sorted({int(y) for y in annual["year"]})),
        method=(f"{mx}'s share of {mi}'s imports in the last full year before {p.start} vs "
                "the latest full year after, each product from one source (BACI values, "
                "thousand USD FOB; reporter values as reported, in thousand USD); gainers = "
                "suppliers whose share rose; world HHI = sum of squared exporter shares of "
                "world exports (BACI only)."),
        notes=tuple(notes))
    result = [attach(df, prov) for df in (annual, summary, gainers, coverage)]
    return Event(p, mx, mi, p.start, prods, missing, int(first["before_year"]),
                 int(first["after_year"]), *result, provenance=prov, notes=notes)


def _baci(wh: Warehouse, group, prods: list[str], years: list[int], start_year: int,
          notes: list[str]) -> dict:
    """Annual rows, summary and gainers of the products BACI holds."""
    mi, mx = group[0].label, group[1].label
    foot = footing(wh, years, prods)
    pmap = party_table(group)
    sh = wh.arrow(q.supplier_shares(years=years, products=prods, importers=[party_code(group, 0)],
                                    pmap=pmap, comparable=foot.cut)).to_pandas()
    ex = wh.arrow(q.exporter_totals(years=years, products=prods, pmap=pmap,
                                    comparable=foot.cut)).to_pandas()
    before = start_year - 1
    after_years = [y for y in years if y > start_year]
    after = after_years[-1] if after_years else start_year
    notes.extend(foot.notes)
    if after_years:
        notes.append(f"BACI: {start_year} (start) is partial, so it is shown but not compared; "
                     f"before = {before}, after = {after}.")
    else:
        notes.append(f"BACI: {start_year} (start) is partial and no full year after it is "
                     f"loaded, so 'after' is the partial year {start_year}; before = "
                     f"{before}.")
    annual = _annual(sh, ex, mx, start_year)
    gainers = _gainers(sh, mx, before, after)
    summary = _summary(annual, gainers, prods, before, after)
    summary = summary.assign(code=summary["product"], classification="HS6 (BACI)",
                             source="baci", side="both", value_basis="fob",
                             dataset=wh.citation())
    annual = annual.assign(code=annual["product"], source="baci")
    gainers = gainers.assign(code=gainers["product"])
    if mi not in set(sh["importer"]):
        notes.append(f"BACI records no imports of {', '.join(prods)} by {mi}.")
    return {"annual": annual, "summary": summary, "gainers": gainers}


def _annual(sh: pd.DataFrame, ex: pd.DataFrame, mx: str, start_year: int) -> pd.DataFrame:
    tot = sh.groupby(["year", "product"], as_index=False)["import_kusd"].first()
    fx = sh[sh["supplier"] == mx].groupby(["year", "product"])["value_kusd"].sum()
    hhi = ex.groupby(["year", "product"])["world_export_hhi"].first()
    xw = ex[ex["exporter"] == mx].set_index(["year", "product"])["world_share"]
    key = pd.MultiIndex.from_frame(tot[["year", "product"]])
    out = tot.rename(columns={"import_kusd": "imports_kusd"})
    out["from_restricting_kusd"] = fx.reindex(key).fillna(0.0).to_numpy()
    out["restricting_share"] = out["from_restricting_kusd"] / out["imports_kusd"]
    out["restricting_world_share"] = xw.reindex(key).fillna(0.0).to_numpy()
    out["world_export_hhi"] = hhi.reindex(key).to_numpy()
    out["period"] = period_of(out["year"], start_year)
    return out.sort_values(["product", "year"]).reset_index(drop=True)


def period_of(year: pd.Series, start_year: int) -> np.ndarray:
    """``before``, ``start (partial)`` or ``after`` for each year."""
    return np.select([year < start_year, year == start_year], ["before", "start (partial)"],
                     "after")


def _gainers(sh: pd.DataFrame, mx: str, before: int, after: int) -> pd.DataFrame:
    two = sh[sh["year"].isin([before, after]) & (sh["supplier"] != mx)]
    return gainers_of(two, before, after)


def gainers_of(two: pd.DataFrame, before: int, after: int) -> pd.DataFrame:
    """Suppliers whose share rose from ``before`` to ``after``.

    ``two`` has year, product, supplier, share, value_kusd (the restricting economy already
    left out).
    """
    wide = two.pivot_table(index=["product", "supplier"], columns="year",
                           values=["share", "value_kusd"], aggfunc="sum", fill_value=0.0)
    cols = {("share", before): "share_before", ("share", after): "share_after",
            ("value_kusd", before): "value_before_kusd", ("value_kusd", after): "value_after_kusd"}
    out = pd.DataFrame({new: wide[old] if old in wide.columns else 0.0
                        for old, new in cols.items()}, index=wide.index).reset_index()
    out["share_change_pp"] = (out["share_after"] - out["share_before"]) * 100
    out = out[out["share_change_pp"] > 0].sort_values(["product", "share_change_pp"],
                                                      ascending=[True, False])
    return out.reset_index(drop=True)


def compare(annual: pd.DataFrame, gainers: pd.DataFrame, keys: pd.DataFrame, before: int,
            after: int, key: str = "product") -> pd.DataFrame:
    """Before/after columns of the summary from an annual table (one source).

    ``keys`` has one row per product line (column ``key``); ``annual`` its yearly rows.
    """
    a = annual.set_index([key, "year"])
    out = keys.assign(before_year=before, after_year=after).reset_index(drop=True)

    def pick(col: str, y: int) -> np.ndarray:
        idx = pd.MultiIndex.from_arrays([out[key], [y] * len(out)])
        return a[col].reindex(idx).to_numpy(dtype=float) if col in a else np.full(len(out), np.nan)

    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_before"] = pick("restricting_share", before)
        out["share_after"] = pick("restricting_share", after)
        out["share_change_pp"] = (out["share_after"] - out["share_before"]) * 100
        out["imports_before_kusd"] = pick("imports_kusd", before)
        out["imports_after_kusd"] = pick("imports_kusd", after)
        out["imports_change_pct"] = (out["imports_after_kusd"] / out["imports_before_kusd"]
                                     - 1) * 100
        out["from_restricting_before_kusd"] = pick("from_restricting_kusd", before)
        out["from_restricting_after_kusd"] = pick("from_restricting_kusd", after)
        out["from_restricting_change_pct"] = (out["from_restricting_after_kusd"]
                                              / out["from_restricting_before_kusd"] - 1) * 100
        out["world_hhi_before"] = pick("world_export_hhi", before)
        out["world_hhi_after"] = pick("world_export_hhi", after)
        out["world_hhi_diff"] = out["world_hhi_after"] - out["world_hhi_before"]
    top = gainers.groupby(key).head(3)
    lists = struct_lists(top, key, ["supplier", "share_change_pp"]) if len(top) else \
        pd.Series(dtype=object)
    out["top_gainers"] = out[key].map(lists).map(lambda v: v if isinstance(v, list) else [])
    return out


def _summary(annual: pd.DataFrame, gainers: pd.DataFrame, prods: list[str], before: int,
             after: int) -> pd.DataFrame:
    return compare(annual, gainers, pd.DataFrame({"product": prods}), before, after)


def _coverage(wanted: Sequence[str], summary: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for code in wanted:  # the preset's few products
        hit = summary[summary["product"].str.startswith(code) | summary["code"].str.startswith(code)]
        if hit.empty:
            rows.append({"product": code, "covered": False})
        for r in hit.itertuples(index=False):
            rows.append({"product": code, "covered": True, "code": r.code, "source": r.source,
                         "dataset": r.dataset,
                         "value_before_kusd": r.from_restricting_before_kusd})
    cov = pd.DataFrame(rows).reindex(columns=COVERAGE_COLUMNS)
    total = cov["value_before_kusd"].sum(min_count=1)
    cov["value_share"] = cov["value_before_kusd"] / total if total and total > 0 else np.nan
    cov["minor"] = cov["covered"].astype(bool) & (cov["value_share"].fillna(0) < MINOR_SHARE)
    cov["covered"] = cov["covered"].astype(bool)
    return cov[COVERAGE_COLUMNS]


def _coverage_notes(cov: pd.DataFrame) -> list[str]:
    notes = []
    lost = cov.loc[~cov["covered"], "product"].tolist()
    if lost:
        notes.append(f"Not covered by any loaded source: {', '.join(lost)}; the replay says "
                     "nothing about them.")
    for r in cov[cov["minor"]].itertuples(index=False):
        notes.append(f"{r.code} carries {r.value_share:.0%} of the covered products' trade "
                     "from the restricting economy in the year before; do not generalise "
                     "from it.")
    return notes
