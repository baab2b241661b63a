"""Event replay: what happened to trade after a real export restriction, year by year.

Compares the last full year before a restriction with the latest full year after it
(annual data: the start year holds months before and after the measure, so it is shown but
flagged partial). Reports the restricting economy's share of the importer's imports, the
importer's total imports, which suppliers gained share, and the change in world export
concentration (HHI of exporters' shares of world exports). Presets for real events, with
their HS6 codes and sources, are in :mod:`straits.security.presets`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits.errors import DataNotLoadedError, ParameterError
from straits.reference.blocs import resolve_party
from straits.security._common import descriptions, party_code, party_tables, resolve_products
from straits.security.presets import get_preset
from straits.warehouse import security_sql as q

if TYPE_CHECKING:
    from straits.session import Session

ANNUAL_COLUMNS = [
    "year", "product", "period", "imports_kusd", "from_restricting_kusd", "restricting_share",
    "restricting_world_share", "world_export_hhi",
]
SUMMARY_COLUMNS = [
    "product", "before_year", "after_year", "share_before", "share_after", "share_change",
    "imports_before_kusd", "imports_after_kusd", "imports_change", "world_hhi_before",
    "world_hhi_after", "world_hhi_change", "top_gainers", "description",
]
GAINER_COLUMNS = [
    "product", "supplier", "share_before", "share_after", "share_change", "value_before_kusd",
    "value_after_kusd",
]


@dataclass
class Event:
    """Result of :func:`event`.

    Attributes
    ----------
    annual : pandas.DataFrame
        year, product, period (``before``, ``start (partial)``, ``after``), imports_kusd
        (importer's imports of the product), from_restricting_kusd, restricting_share,
        restricting_world_share (restricting economy's share of world exports),
        world_export_hhi.
    summary : pandas.DataFrame
        Per product, ``before_year`` vs ``after_year``: share_before/after/change (fractions
        and their difference), imports_before/after_kusd, imports_change (relative),
        world_hhi_before/after/change, top_gainers (``"VNM +0.123"``: share change),
        description.
    gainers : pandas.DataFrame
        Suppliers other than the restricting one whose share of the importer's imports
        rose: product, supplier, share_before, share_after, share_change,
        value_before_kusd, value_after_kusd.
    notes : list of str
        Loaded and missing products, the partial start year, preset caveats.
    """

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
    title: str = ""
    method: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)


_START = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def _parse_start(start: str | None) -> tuple[str, int]:
    m = _START.match(str(start or "").strip())
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        raise ParameterError(
            f"The 'start' parameter of event must be a month like '2023-08'. Got {start!r} "
            "instead."
        )
    return str(start).strip(), int(m.group(1))


def event(
    s: Session,
    preset: str | None = None,
    *,
    importer: str | None = None,
    exporter: str | None = None,
    products: str | Sequence[str] | None = None,
    start: str | None = None,
) -> Event:
    """Replay a restriction on annual flows: before/after shares, gainers, concentration.

    Parameters
    ----------
    s : Session
        Open warehouse.
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
        ``.annual``, ``.summary``, ``.gainers`` (columns in :class:`Event`) and ``.notes``.

    Raises
    ------
    DataNotLoadedError
        None of the products is loaded (the message says which release to ingest), or no
        full year before the start is loaded.

    Notes
    -----
    restricting_share = imports from the restricting economy / the importer's imports of the
    product; share_change = share_after - share_before (fractions); world_export_hhi =
    sum of squared exporter shares of world exports.
    """
    notes: list[str] = []
    title = ""
    if preset is not None:
        p = get_preset(preset)
        exporter = exporter or p.exporter
        importer = importer or p.importer
        products = products or list(p.products)
        start = start or p.start
        title = p.title
        notes.extend(p.notes)
    importer = importer or "KOR"
    if not exporter or not products or not start:
        raise ParameterError("event needs a preset, or --exporter, --products and --start.")
    start, start_year = _parse_start(start)
    prods, missing = resolve_products(s, products, func="event", strict=False)
    years = s.years()
    if not prods:
        raise DataNotLoadedError(
            f"None of the event's products ({', '.join(missing)}) are in the loaded data; "
            f"ingest a full CEPII BACI HS17 release covering {start_year - 1}-{start_year + 1} "
            "(`straits fetch baci` or `straits ingest FILE`) and pass --db."
            + "".join(f" Note: {n}" for n in notes)
        )
    if start_year - 1 not in years:
        raise DataNotLoadedError(
            f"Year {start_year - 1}, the last full year before {start}, is not loaded "
            f"(loaded: {years[0]}-{years[-1]})."
        )
    parties = [resolve_party(importer), resolve_party(exporter)]
    mi, mx = parties[0].label, parties[1].label
    mapping, labels = party_tables(parties)
    sh = s.query(q.supplier_shares(years=years, products=prods, importers=[party_code(parties, 0)],
                                   mapping=mapping, labels=labels))
    ex = s.query(q.exporter_totals(years=years, products=prods, mapping=mapping, labels=labels))
    before = start_year - 1
    after_years = [y for y in years if y > start_year]
    after = after_years[-1] if after_years else start_year
    annual = _annual(sh, ex, mx, start_year)
    gainers = _gainers(sh, mx, before, after)
    summary = _summary(s, annual, gainers, prods, before, after)
    notes.insert(0, f"Products loaded: {', '.join(prods)}"
                 + (f"; not in the loaded data: {', '.join(missing)}." if missing else "."))
    if after_years:
        notes.append(f"Annual data: {start_year} (start {start}) is partial, so it is shown "
                     f"but not compared; before = {before}, after = {after}.")
    else:
        notes.append(f"Annual data: {start_year} (start {start}) is partial and no full year "
                     f"after it is loaded, so 'after' is the partial year {start_year}; "
                     f"before = {before}.")
    method = (f"{mx}'s share of {mi}'s imports (BACI values, thousand USD) in {before} vs "
              f"{after}; gainers = suppliers whose share rose; world HHI = sum of squared "
              "exporter shares of world exports.")
    return Event(mx, mi, start, prods, missing, before, after, annual, summary, gainers,
                 title, method, s.citation(), notes)


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
    out["period"] = np.select([out["year"] < start_year, out["year"] == start_year],
                              ["before", "start (partial)"], "after")
    return out[ANNUAL_COLUMNS].sort_values(["product", "year"]).reset_index(drop=True)


def _gainers(sh: pd.DataFrame, mx: str, before: int, after: int) -> pd.DataFrame:
    two = sh[sh["year"].isin([before, after]) & (sh["supplier"] != mx)]
    wide = two.pivot_table(index=["product", "supplier"], columns="year",
                           values=["share", "value_kusd"], aggfunc="sum", fill_value=0.0)
    cols = {("share", before): "share_before", ("share", after): "share_after",
            ("value_kusd", before): "value_before_kusd", ("value_kusd", after): "value_after_kusd"}
    out = pd.DataFrame({new: wide[old] if old in wide.columns else 0.0
                        for old, new in cols.items()}, index=wide.index).reset_index()
    out["share_change"] = out["share_after"] - out["share_before"]
    out = out[out["share_change"] > 0].sort_values(["product", "share_change"],
                                                    ascending=[True, False])
    return out[GAINER_COLUMNS].reset_index(drop=True)


def _summary(s: Session, annual: pd.DataFrame, gainers: pd.DataFrame, prods: list[str],
             before: int, after: int) -> pd.DataFrame:
    a = annual.set_index(["product", "year"])
    out = pd.DataFrame({"product": prods, "before_year": before, "after_year": after})

    def pick(col: str, y: int) -> np.ndarray:
        idx = pd.MultiIndex.from_arrays([out["product"], [y] * len(out)])
        return a[col].reindex(idx).to_numpy()

    out["share_before"] = pick("restricting_share", before)
    out["share_after"] = pick("restricting_share", after)
    out["share_change"] = out["share_after"] - out["share_before"]
    out["imports_before_kusd"] = pick("imports_kusd", before)
    out["imports_after_kusd"] = pick("imports_kusd", after)
    out["imports_change"] = out["imports_after_kusd"] / out["imports_before_kusd"] - 1
    out["world_hhi_before"] = pick("world_export_hhi", before)
    out["world_hhi_after"] = pick("world_export_hhi", after)
    out["world_hhi_change"] = out["world_hhi_after"] - out["world_hhi_before"]
    top = gainers.groupby("product").head(3)
    label = top["supplier"] + " +" + top["share_change"].round(3).astype(str)
    out["top_gainers"] = out["product"].map(label.groupby(top["product"]).agg("; ".join))
    out["top_gainers"] = out["top_gainers"].fillna("")
    out["description"] = out["product"].map(descriptions(s))
    return out[SUMMARY_COLUMNS]
