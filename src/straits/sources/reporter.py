"""Reading reporter data back: filtered rows, partner shares, mirror comparisons with BACI.

Reporter statistics (what one customs office recorded) differ from the partner's mirror
record and from BACI's reconciled value for the same flow: imports are valued CIF and
exports FOB, timing and partner attribution differ, and national lines may cover only part
of an HS6 code. :func:`mirror` lays the three side by side with their gaps; nothing is
ever added across them. :func:`reporter_shares` gives each partner's share of one
reporter's imports or exports, by year or by month, in value and in weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from straits import resolve
from straits.errors import DataNotLoadedError
from straits.params import (
    Codes,
    Economies,
    Economy,
    Interval,
    Options,
    YearSpec,
    split_list,
    validate_params,
)
from straits.provenance import Provenance, attach
from straits.reference.lookup import parse_products, resolve_country
from straits.warehouse import queries, reporter_sql
from straits.warehouse.protocol import resolve_year

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

MIRROR_COLUMNS = ["year", "reporter", "partner", "product", "flow", "reporter_usd",
                  "reporter_source", "months", "mirror_usd", "mirror_source", "baci_usd",
                  "gap_mirror", "gap_baci"]
SHARE_COLUMNS = ["reporter", "flow", "period", "code", "classification", "level", "hs6",
                 "partner", "value_usd", "weight_kg", "total_value_usd", "total_weight_kg",
                 "value_share", "weight_share", "rank", "months", "complete", "source",
                 "dataset", "value_basis"]
NO_REPORTER_DATA = "No reporter data loaded; `straits ingest` a Comtrade or customs file."


def _iso(spec: str | Sequence[str] | None) -> list[str] | None:
    """ISO3 codes of the economies named (a bloc's members); None stays None."""
    if spec is None:
        return None
    out: list[str] = []
    for party in resolve.parties(spec):
        out.extend(m for m in party.members if m not in out)
    return out


def require_reporter_data(wh: Warehouse, message: str = NO_REPORTER_DATA) -> None:
    """Raise :class:`DataNotLoadedError` with ``message`` when no reporter file is loaded."""
    if not wh.has_table("reporter_flows"):
        raise DataNotLoadedError(message)


def has_monthly_data(wh: Warehouse) -> bool:
    """True when monthly reporter series are loaded (the event replay can go monthly)."""
    return wh.has_table("reporter_flows") and bool(
        wh.arrow(reporter_sql.has_monthly()).column("monthly")[0].as_py())


def reporter_sources(wh: Warehouse) -> pd.DataFrame:
    """Reporter files loaded: source, layout, dataset, reporters, rows, value, periods."""
    require_reporter_data(wh)
    df = wh.arrow(reporter_sql.sources()).to_pandas()
    return attach(df, Provenance(source="; ".join(sorted(df["dataset"].unique())),
                                 dataset="reporter", method="Reporter files as loaded."))


def product_codes(spec: str | Sequence[str] | None) -> list[str] | None:
    """HS prefixes, then national codes, from a spec such as ``'2811,370790,2811111000'``.

    Codes of up to six digits are normalised HS prefixes; longer ones (HS8, HS10) are kept
    as given. ``None`` when nothing is named.
    """
    items = split_list(spec) or []
    items = [i for i in items if i]
    short = parse_products([i for i in items if len(i) <= 6]) or []
    return short + [i for i in items if len(i) > 6] or None


def _provenance(df: pd.DataFrame, method: str, notes: Sequence[str] = ()) -> Provenance:
    years = tuple(sorted({int(y) for y in df["year"]})) if "year" in df and len(df) else ()
    cites = sorted(set(df["dataset"])) if "dataset" in df and len(df) else []
    return Provenance(source="; ".join(cites) or "reporter data", dataset="reporter",
                      years=years, method=method, notes=tuple(notes))


@validate_params({"reporter": Economies(none_ok=True), "partner": Economies(none_ok=True),
                  "flow": Options("import", "export", none_ok=True),
                  "product": Codes(), "year": YearSpec(many=True),
                  "limit": Interval(int, 1, None, none_ok=True)})
def reporter_flows(wh: Warehouse, *, reporter: str | Sequence[str] | None = None,
                   partner: str | Sequence[str] | None = None, flow: str | None = None,
                   product: str | Sequence[str] | None = None,
                   year: int | Sequence[int] | None = None, monthly: bool | None = None,
                   limit: int | None = None) -> pd.DataFrame:
    """Stored reporter rows (Comtrade, customs), filtered.

    Parameters
    ----------
    wh : Warehouse
        The data.
    reporter, partner : str, optional
        Economies (ISO3, names; ``'KOR,JPN'`` for several).
    flow : {'import', 'export'}, optional
        Direction as the reporter records it.
    product : str, optional
        HS prefixes (``'2811,370790'``) or national codes (``'2811111000'``).
    year : int or list of int, optional
        Years; default every year held (the rows are listed as stored).
    monthly : bool, optional
        True for monthly rows only, False for annual rows only.
    limit : int, optional
        Maximum rows.

    Returns
    -------
    pandas.DataFrame
        reporter, partner, flow, year, month, classification, level, code, hs6, value_usd
        (as reported), value_basis, weight_kg, source, dataset.
    """
    require_reporter_data(wh)
    years = None if year is None else ([year] if isinstance(year, int) else list(year))
    df = wh.arrow(reporter_sql.reporter_flows(
        reporters=_iso(reporter), partners=_iso(partner), flow=flow and flow.lower(),
        products=product_codes(product), years=years, monthly=monthly, limit=limit)).to_pandas()
    return attach(df, _provenance(df, "Reporter rows as stored: USD as reported (value_basis "
                                      "says CIF or FOB), kilograms."))


@validate_params({"reporter": Economy(), "product": Codes(),
                  "partner": Economies(none_ok=True), "flow": Options("import", "export"),
                  "by": Options("year", "month"), "year": YearSpec(many=True)},
                 distinct=[("reporter", "partner")])
def reporter_shares(wh: Warehouse, reporter: str, *, product: str | Sequence[str] | None = None,
                    partner: str | Sequence[str] | None = None, flow: str = "import",
                    by: str = "year", year: int | Sequence[int] | None = None) -> pd.DataFrame:
    """Each partner's share of a reporter's imports (or exports), by year or month.

    Parameters
    ----------
    wh : Warehouse
        The data (reporter files loaded with ``straits ingest``).
    reporter : str
        The reporting economy (``KOR``).
    product : str or list of str, optional
        HS prefixes or national codes (``2811111000``); default every product reported.
    partner : str or list of str, optional
        Partners to list (shares stay shares of the reporter's total over all partners).
    flow : {"import", "export"}
        The direction as the reporter records it.
    by : {"year", "month"}
        ``year`` sums monthly rows into years; ``month`` keeps the monthly rows.
    year : int or list of int, optional
        Years; default the latest year the reporter's series hold.

    Returns
    -------
    pandas.DataFrame
        reporter, flow, period (``2019`` or ``2019-07``), code (the series' own code: an
        HSK line keeps its ten digits), classification, level, hs6, partner, value_usd,
        weight_kg, total_value_usd, total_weight_kg, value_share, weight_share (0-1), rank
        (1 = largest partner), months (months the series holds that year; 0 for annual
        data), complete (12 months, or annual data), source, dataset, value_basis; sorted
        by period, code, rank. With its :class:`~straits.provenance.Provenance`.

    Notes
    -----
    One series per HS6 (the most detailed classification the reporter gives), so a customs
    HS10 line and a Comtrade HS6 total are never added up. Totals are the sums over the
    partners the source lists; where it lists one partner only (a partner extract) the
    totals and shares are empty. value_share = value_usd / total_value_usd; weight_share
    likewise in kilograms (empty where the reporter gives no weight).
    """
    require_reporter_data(wh)
    rep = resolve_country(reporter).iso3
    years = None if year is None else ([year] if isinstance(year, int) else list(year))
    t = wh.arrow(reporter_sql.shares(reporter=rep, flow=flow.lower(),
                                     products=product_codes(product), partners=_iso(partner),
                                     years=years, by=by.lower())).to_pandas()
    if t.empty:
        raise DataNotLoadedError(
            f"No {flow} rows reported by {rep}" + (f" for {product}" if product else "")
            + (f" in {year}" if year is not None else "") + "; see `straits reporter-sources`.")
    if years is None:
        t = t[t["year"] == t["year"].max()]
    t["complete"] = (t["months"] == 0) | (t["months"] == 12)
    if by.lower() == "month":
        t["period"] = t["year"].astype(str) + "-" + t["month"].astype(int).astype(str).str.zfill(2)
    else:
        t["period"] = t["year"].astype(str)
    t = t.assign(reporter=rep, flow=flow.lower())
    notes = []
    single = sorted(set(t.loc[t["source_partners"] <= 1, "source"]))
    if single:
        notes.append(f"{', '.join(single)} list(s) one partner only: values, no shares.")
    if not t["complete"].all():
        notes.append("Years with fewer than 12 months are marked complete = False.")
    out = t[SHARE_COLUMNS].reset_index(drop=True)
    return attach(out, _provenance(t, (
        f"Partner shares of {rep}'s {flow}s as {rep} reports them (USD; kg), by {by}: "
        "value_share = partner value / sum over the partners the source lists; one series "
        "per HS6, its most detailed classification."), notes))


@validate_params({"reporter": Economy(), "partner": Economy(), "product": Codes(none_ok=False),
                  "year": YearSpec()}, distinct=[("reporter", "partner")])
def mirror(wh: Warehouse, reporter: str, partner: str, product: str,
           year: int | None = None) -> pd.DataFrame:
    """Reporter value, the partner's mirror value and BACI for one flow pair and year.

    Parameters
    ----------
    wh : Warehouse
        The data.
    reporter, partner : str
        The two economies.
    product : str
        HS6 code (or a shorter HS prefix, or a national code).
    year : int, optional
        Year; default the latest loaded BACI year.

    Returns
    -------
    pandas.DataFrame
        One row per direction (reporter's imports from, and exports to, the partner) and
        reporter-side source: year, reporter, partner, product, flow, reporter_usd,
        reporter_source, months (monthly rows summed; 0 for annual data), mirror_usd (the
        partner's record of the same flow, summed over its sources), mirror_source,
        baci_usd (BACI value_kusd * 1000, FOB), gap_mirror = reporter_usd / mirror_usd - 1,
        gap_baci = reporter_usd / baci_usd - 1 (a CIF/FOB margin plus reporting gaps for
        imports). Gaps are fractions (0.1 = 10% above).
    """
    require_reporter_data(wh)
    y = resolve_year(wh, year)
    r, p = resolve_country(reporter), resolve_country(partner)
    prods = product_codes(product) or []
    rows = wh.arrow(reporter_sql.mirror_totals(r.iso3, p.iso3, prods, y)).to_pandas()
    hs6, _ = resolve.products(wh, sorted({c[:6] for c in prods}), func="mirror", strict=False)
    out = []
    for flow, other in (("import", "export"), ("export", "import")):  # two directions
        own = rows[(rows["reporter"] == r.iso3) & (rows["flow"] == flow)]
        mir = rows[(rows["reporter"] == p.iso3) & (rows["flow"] == other)]
        exporter, importer = (p, r) if flow == "import" else (r, p)
        baci = wh.arrow(queries.flows_total(years=[y], exporters=exporter.codes,
                                            importers=importer.codes, products=hs6 or [],
                                            by=())).to_pandas()
        baci_usd = baci["value_kusd"].iloc[0] * 1000 if len(baci) and hs6 else np.nan
        mirror_usd = mir["value_usd"].sum() if len(mir) else np.nan
        base = {"year": y, "reporter": r.iso3, "partner": p.iso3,
                "product": ",".join(prods), "flow": flow, "mirror_usd": mirror_usd,
                "mirror_source": ", ".join(mir["source"]) or None, "baci_usd": baci_usd}
        if own.empty:
            out.append(base | {"reporter_usd": np.nan, "reporter_source": None, "months": 0})
        for row in own.itertuples():  # one per reporter-side source (a handful)
            out.append(base | {"reporter_usd": row.value_usd, "reporter_source": row.source,
                               "months": int(row.months)})
    df = pd.DataFrame(out)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["gap_mirror"] = df["reporter_usd"] / df["mirror_usd"] - 1.0
        df["gap_baci"] = df["reporter_usd"] / df["baci_usd"] - 1.0
    cites = sorted(set(rows["dataset"])) + [wh.citation()]
    return attach(df[MIRROR_COLUMNS], Provenance(
        source="; ".join(cites), dataset="reporter", years=(y,),
        method="gap = reporter_usd / other - 1; imports are CIF, BACI is FOB; months: "
               "monthly rows summed (0 = annual data)."))
