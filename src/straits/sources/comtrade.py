"""UN Comtrade files: the classic bulk CSV layout and the current API layout.

Both layouts carry reporter-side statistics: what one country's customs recorded, imports
usually valued CIF and exports FOB, in US dollars, with net weight in kilograms. They are
stored apart from BACI (which reconciles both sides and values everything FOB).

- Classic bulk CSV (35 columns, ``Classification, Year, Period, ..., Commodity Code, ...,
  Trade Value (US$), CIF Trade Value (US$), FOB Trade Value (US$), Flag``). ``Commodity Code``
  often lost its leading zero (``10121``); it is padded back.
- API CSV as returned by the official ``comtradeapicall`` client (``reporterCode,
  reporterISO, partnerCode, partnerISO, flowCode, cmdCode, period, refYear, refMonth,
  freqCode, primaryValue, cifvalue, fobvalue, netWgt, qty, ...``). Annual rows carry
  ``refMonth = 52``; they are stored with an empty month.

Rows kept: imports and exports (re-imports and re-exports are dropped), HS6 lines (2- and
4-digit aggregates and ``TOTAL`` are dropped), real partners (``World``, code 0, is dropped:
totals are recomputed from partners), and for API files the totals over second partner,
customs procedure and transport mode when those breakdowns are present.

References
----------
United Nations Statistics Division, UN Comtrade Database, https://comtradeplus.un.org;
"UN Comtrade API user guide" (comtradeapicall package documentation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from straits.errors import InputFileError
from straits.sources.bounds import KG, USD
from straits.sources.detect import (
    Layout,
    check_columns,
    check_range,
    finish,
    hs_digits,
    map_countries,
    numbers,
)

_WORLD = {"0", "W00", "WLD", "World", "world"}


def _value_basis(flow: pd.Series, primary: pd.Series, cif: pd.Series, fob: pd.Series):
    """CIF for imports and FOB for exports where the file gives them, else the primary value."""
    use_cif = (flow == "import") & cif.notna()
    use_fob = (flow == "export") & fob.notna()
    value = np.where(use_cif, cif, np.where(use_fob, fob, primary))
    basis = np.where(use_cif, "cif", np.where(use_fob, "fob", "primary"))
    return value, basis


def _period(path, df: pd.DataFrame, period_col: str) -> pd.Series:
    """Month from a ``YYYY`` or ``YYYYMM`` period; NULL for annual periods."""
    text = df[period_col].str.strip()
    ok = text.str.fullmatch(r"\d{4}(\d{2})?")
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise InputFileError(path, f"expected a period YYYY or YYYYMM, got {text.iloc[i]!r}",
                             line=int(df["line"].iloc[i]), column=period_col)
    month = pd.to_numeric(text.str.slice(4, 6).replace("", None), errors="coerce")
    check_range(path, df, period_col, month, 1, 12)
    return month


class ComtradeClassic(Layout):
    """UN Comtrade classic bulk CSV (the 35-column layout of the legacy download)."""

    name = "comtrade-classic"
    required = ("Classification", "Year", "Period", "Trade Flow", "Reporter ISO",
                "Partner ISO", "Commodity Code", "Trade Value (US$)")
    dataset = "UN Comtrade"

    def parse(self) -> pd.DataFrame:
        """Normalised rows; see the module docstring for what is kept."""
        p, df = self.path, self.read()
        check_columns(p, df, self.required)
        flow = df["Trade Flow"].str.strip().str.lower()
        keep = flow.isin(["import", "export"])
        partner_code = df.get("Partner Code", df["Partner ISO"]).str.strip()
        keep &= ~(partner_code.isin(_WORLD) | df["Partner ISO"].str.strip().isin(_WORLD))
        codes = hs_digits(p, df, "Commodity Code", level=6, aggregates_ok=True)
        keep &= codes.str.len() == 6
        df, flow, codes = df[keep], flow[keep], codes[keep]
        year = numbers(p, df, "Year", blank_ok=False, integer=True)
        check_range(p, df, "Year", year, 1950, 2100)
        month = _period(p, df, "Period")
        primary = numbers(p, df, "Trade Value (US$)", blank_ok=False, **USD)
        cif = _optional(p, df, "CIF Trade Value (US$)", **USD)
        fob = _optional(p, df, "FOB Trade Value (US$)", **USD)
        value, basis = _value_basis(flow, primary, cif, fob)
        out = pd.DataFrame({
            "reporter": map_countries(p, df, "Reporter ISO", "Reporter"),
            "partner": map_countries(p, df, "Partner ISO", "Partner"),
            "flow": flow, "year": year, "month": month,
            "classification": df["Classification"].str.strip(), "level": 6, "code": codes,
            "hs6": codes, "value_usd": value, "value_basis": basis,
            "weight_kg": _optional(p, df, "Netweight (kg)", **KG), "line": df["line"],
        })
        return finish(out)


class ComtradeAPI(Layout):
    """UN Comtrade API CSV (``comtradeapicall`` data frames written to CSV)."""

    name = "comtrade-api"
    required = ("reporterISO", "partnerISO", "flowCode", "cmdCode", "refYear", "freqCode",
                "primaryValue")
    dataset = "UN Comtrade"

    def parse(self) -> pd.DataFrame:
        """Normalised rows; see the module docstring for what is kept."""
        p, df = self.path, self.read()
        check_columns(p, df, self.required)
        flow = df["flowCode"].str.strip().map({"M": "import", "X": "export"})
        keep = flow.notna()
        keep &= ~df["partnerISO"].str.strip().isin(_WORLD)
        if "partnerCode" in df:
            keep &= ~df["partnerCode"].str.strip().isin(_WORLD)
        for col, total in (("partner2Code", {"0", ""}), ("customsCode", {"C00", ""}),
                           ("motCode", {"0", ""})):
            if col in df:
                keep &= df[col].str.strip().isin(total)
        cmd = df["cmdCode"].str.strip()
        keep &= ~cmd.str.fullmatch(r"\d{1,4}|TOTAL")  # chapter/heading aggregates
        df, flow = df[keep], flow[keep]
        codes = hs_digits(p, df, "cmdCode", level=6)
        year = numbers(p, df, "refYear", blank_ok=False, integer=True)
        check_range(p, df, "refYear", year, 1950, 2100)
        freq = df["freqCode"].str.strip().str.upper()
        if "refMonth" in df:
            month = numbers(p, df, "refMonth", blank_ok=True, integer=True)
            month = month.where(freq == "M")
            check_range(p, df, "refMonth", month, 1, 12)
        else:
            month = _period(p, df, "period").where(freq == "M")
        primary = numbers(p, df, "primaryValue", blank_ok=False, **USD)
        cif, fob = _optional(p, df, "cifvalue", **USD), _optional(p, df, "fobvalue", **USD)
        value, basis = _value_basis(flow, primary, cif, fob)
        cls = df["classificationCode"].str.strip() if "classificationCode" in df else "HS"
        out = pd.DataFrame({
            "reporter": map_countries(p, df, "reporterISO", "reporterDesc"),
            "partner": map_countries(p, df, "partnerISO", "partnerDesc"),
            "flow": flow, "year": year, "month": month, "classification": cls, "level": 6,
            "code": codes, "hs6": codes, "value_usd": value, "value_basis": basis,
            "weight_kg": _optional(p, df, "netWgt", **KG), "line": df["line"],
        })
        return finish(out)


def _optional(path, df: pd.DataFrame, column: str, **bound) -> pd.Series:
    """A numeric column that may be absent or blank (NaN then)."""
    if column not in df:
        return pd.Series(np.nan, index=df.index)
    return numbers(path, df, column, blank_ok=True, **bound)
