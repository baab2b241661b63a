"""Korea Customs Service item-by-country monthly statistics (HSK 10-digit).

Layout: ``Item, Country, Year, Month, Export_dollar, Export_weight, Import_dollar,
Import_weight`` (US dollars; kilograms), one row per HSK item, partner and month, both
directions on one row. Each row becomes two normalised rows (import valued CIF and export
valued FOB, as Korean customs records them), classification ``HSK``, level 10, with the HS6
parent kept (the first six digits of HSK are the international HS6 code).

Partner names are customs' English short forms (``Swiss``, ``Rumania``, ``HongKong``,
``SouthAfrica``, ``Czech``, ``UK``); they resolve through the aliases of the reference
country table. The Netherlands appears both as ``Netherland`` and ``Netherlands``; rows that
map to the same partner, item and month are summed.

Rows with an empty ``Country``: the shared 2000-2021 sample has five, all in December 2000.
They are *not* totals (for silicon wafers, December 2000, the one non-zero such row holds
3,346,296 USD of imports against 30,217,846 USD summed over named partners), so they are a
partner whose name was lost. They are dropped with a :class:`DataQualityWarning` giving
their count and value; totals are always recomputed from named partners.

To add another customs layout (Japan's, China's), copy this module: a :class:`Layout`
subclass with its header columns and a ``parse`` that returns the normalised table, and list
the module in :data:`straits.sources.detect.LAYOUT_MODULES`.

References
----------
Korea Customs Service (관세청), trade statistics by item and country,
https://unipass.customs.go.kr (export/import statistics by HSK and country).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from straits.errors import DataQualityWarning
from straits.sources.bounds import KG, USD
from straits.sources.detect import (
    Layout,
    check_columns,
    check_range,
    check_unique,
    finish,
    hs_digits,
    map_countries,
    numbers,
)

KEY = ["reporter", "partner", "flow", "year", "month", "classification", "level", "code"]


class KoreaCustomsMonthly(Layout):
    """Korea Customs Service HSK10 x country x month file."""

    name = "customs-kor"
    required = ("Item", "Country", "Year", "Month", "Export_dollar", "Export_weight",
                "Import_dollar", "Import_weight")
    dataset = "Korea Customs Service trade statistics"

    def parse(self) -> pd.DataFrame:
        """Normalised rows (two per source row); see the module docstring."""
        p, df = self.path, self.read()
        check_columns(p, df, self.required)
        blank = df["Country"].str.strip() == ""
        if blank.any():
            lost = pd.to_numeric(df.loc[blank, "Import_dollar"], errors="coerce").sum()
            warnings.warn(
                f"{p.name}: {int(blank.sum())} rows with an empty Country (not totals; "
                f"{lost:,.0f} USD of imports) were dropped",
                DataQualityWarning, stacklevel=3,
            )
            df = df[~blank]
        year = numbers(p, df, "Year", blank_ok=False, integer=True)
        check_range(p, df, "Year", year, 1950, 2100)
        month = numbers(p, df, "Month", blank_ok=False, integer=True)
        check_range(p, df, "Month", month, 1, 12)
        code = hs_digits(p, df, "Item", level=10)
        raw_key = pd.DataFrame({"c": code, "n": df["Country"].str.strip(), "y": year,
                                "m": month})
        # the same spelling twice is an error; two spellings are summed
        check_unique(p, raw_key, df["line"], lambda i: "duplicate row (item, country, year, month)")
        partner = map_countries(p, df, "Country")
        base = pd.DataFrame({
            "reporter": "KOR", "partner": partner, "year": year, "month": month,
            "classification": "HSK", "level": 10, "code": code, "hs6": code.str.slice(0, 6),
            "line": df["line"],
        })
        parts = []
        for flow, col, basis in (("import", "Import", "cif"), ("export", "Export", "fob")):
            parts.append(base.assign(
                flow=flow, value_basis=basis,
                value_usd=numbers(p, df, f"{col}_dollar", blank_ok=False, **USD).to_numpy(),
                weight_kg=numbers(p, df, f"{col}_weight", **KG).to_numpy(),
            ))
        out = pd.concat(parts, ignore_index=True)
        out = out.groupby(KEY, as_index=False, dropna=False, sort=False).agg(
            hs6=("hs6", "first"), value_usd=("value_usd", "sum"),
            weight_kg=("weight_kg", "sum"), weights=("weight_kg", "count"),
            line=("line", "min"), value_basis=("value_basis", "first"),
        )
        out["weight_kg"] = out["weight_kg"].where(out["weights"] > 0, np.nan)
        return finish(out)
