"""Reading reporter data back: filtered rows, and mirror comparisons with BACI.

Reporter statistics (what one customs office recorded) differ from the partner's mirror
record and from BACI's reconciled value for the same flow: imports are valued CIF and
exports FOB, timing and partner attribution differ, and national lines may cover only part
of an HS6 code. :func:`mirror` lays the three side by side with their gaps; nothing is
ever added across them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from straits import resolve
from straits.errors import DataNotLoadedError, check_param
from straits.reference.lookup import parse_products, resolve_country
from straits.warehouse import queries, reporter_sql

MIRROR_COLUMNS = ["year", "reporter", "partner", "product", "flow", "reporter_usd",
                  "reporter_source", "months", "mirror_usd", "mirror_source", "baci_usd",
                  "gap_mirror", "gap_baci"]


def _iso(spec: str | None) -> list[str] | None:
    if spec is None:
        return None
    items = spec.replace("+", ",").split(",") if isinstance(spec, str) else list(spec)
    return [resolve_country(i.strip()).iso3 for i in items if str(i).strip()]


def require_reporter_data(
    s, message: str = "No reporter data loaded; `straits ingest` a Comtrade or customs file."
) -> None:
    """Raise :class:`DataNotLoadedError` with ``message`` when no reporter file is loaded."""
    from straits.warehouse.reporter_load import has_reporter_data

    if not has_reporter_data(s.con):
        raise DataNotLoadedError(message)


def product_codes(spec: str | Sequence[str] | None) -> list[str] | None:
    """HS prefixes, then national codes, from a spec such as ``'2811,370790,2811111000'``.

    Codes of up to six digits are normalised HS prefixes; longer ones (HS8, HS10) are kept
    as given. ``None`` when nothing is named.
    """
    items = spec.split(",") if isinstance(spec, str) else list(spec or ())
    items = [str(i).strip() for i in items if str(i).strip()]
    short = parse_products([i for i in items if len(i) <= 6]) or []
    return short + [i for i in items if len(i) > 6] or None


def reporter_flows(s, *, reporter: str | None = None, partner: str | None = None,
                   flow: str | None = None, product: str | None = None,
                   year: int | list[int] | None = None, monthly: bool | None = None,
                   limit: int | None = None) -> pd.DataFrame:
    """Stored reporter rows (Comtrade, customs), filtered.

    Parameters
    ----------
    s : Session
        Open session.
    reporter, partner : str, optional
        Countries (ISO3, names; ``'KOR,JPN'`` for several).
    flow : {'import', 'export'}, optional
        Direction as the reporter records it.
    product : str, optional
        HS prefixes (``'2811,370790'``) or national codes (``'2811111000'``).
    year : int or list of int, optional
        Years.
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
    check_param("flow", "reporter_flows", flow in (None, "import", "export"),
                "'import', 'export' or None", flow)
    require_reporter_data(s)
    years = None if year is None else ([int(year)] if isinstance(year, int | str) else
                                       [int(y) for y in year])
    return s.query(reporter_sql.reporter_flows(
        reporters=_iso(reporter), partners=_iso(partner), flow=flow, products=product_codes(product),
        years=years, monthly=monthly, limit=limit))


def mirror(s, reporter: str, partner: str, product: str, year: int) -> pd.DataFrame:
    """Reporter value, the partner's mirror value and BACI for one flow pair and year.

    Parameters
    ----------
    s : Session
        Open session.
    reporter, partner : str
        The two economies.
    product : str
        HS6 code (or a shorter HS prefix).
    year : int
        Year.

    Returns
    -------
    pandas.DataFrame
        One row per direction (reporter's imports from, and exports to, the partner) and
        reporter-side source: year, reporter, partner, product, flow, reporter_usd,
        reporter_source, months (monthly rows summed; 0 for annual data), mirror_usd (the
        partner's record of the same flow, summed over its sources), mirror_source,
        baci_usd (BACI value_kusd * 1000, FOB), gap_mirror = reporter_usd / mirror_usd - 1,
        gap_baci = reporter_usd / baci_usd - 1 (a CIF/FOB margin plus reporting gaps for
        imports).
    """
    check_param("year", "mirror", isinstance(year, int | np.integer), "an int year", year)
    require_reporter_data(s)
    r, p = resolve_country(reporter), resolve_country(partner)
    prods = parse_products(product)
    check_param("product", "mirror", bool(prods), "an HS code", product)
    rows = s.query(reporter_sql.mirror_totals(r.iso3, p.iso3, prods, int(year)))
    hs6, _ = resolve.products(s, prods, func="mirror", strict=False)
    out = []
    for flow, other in (("import", "export"), ("export", "import")):
        own = rows[(rows["reporter"] == r.iso3) & (rows["flow"] == flow)]
        mir = rows[(rows["reporter"] == p.iso3) & (rows["flow"] == other)]
        exporter, importer = (p, r) if flow == "import" else (r, p)
        baci = s.query(queries.flows_total(years=[int(year)], exporters=exporter.codes,
                                           importers=importer.codes, products=hs6 or ["-"],
                                           by=()))
        baci_usd = baci["value_kusd"].iloc[0] * 1000 if len(baci) else np.nan
        mirror_usd = mir["value_usd"].sum() if len(mir) else np.nan
        base = {"year": int(year), "reporter": r.iso3, "partner": p.iso3,
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
    return df[MIRROR_COLUMNS]
