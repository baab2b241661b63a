"""ETO Advanced Semiconductor Supply Chain dataset (CSET), read from its published CSVs.

A separate dataset with its own licence (CC BY-NC 4.0, non-commercial): it never enters the
trade warehouse, and every table built from it carries :data:`ETO_ATTRIBUTION`. Shares are
converted from percent to fractions 0-1 here; blank shares stay missing (NaN), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from straits.errors import InputFileError

ETO_ATTRIBUTION = (
    "Emerging Technology Observatory, CSET (Georgetown University), Advanced Semiconductor "
    "Supply Chain Dataset (eto.tech); licence CC BY-NC 4.0, non-commercial use only"
)
ETO_MISSING_NOTE = (
    "Blank shares in the ETO data are missing (NaN), never zero; ETO rounds 0-1% up to 1%, so "
    "shares of an input may sum to more than 100%."
)
FILES = {
    "inputs": ["input_id", "input_name", "type", "stage_name", "stage_id", "year",
               "market_share_chart_global_market_size_info"],
    "stages": ["stage_id", "stage_name", "market_share_chart_global_market_size_info"],
    "sequence": ["input_id", "goes_into_id", "is_type_of_id"],
    "providers": ["provider_name", "provider_id", "provider_type", "country"],
    "provision": ["provider_id", "provided_id", "share_provided", "year", "source"],
}
# Providers that are groups, not one country: never a "top country".
AGGREGATE_PROVIDERS = frozenset({"P5", "P312"})  # "Various countries", "Europe"


@dataclass(frozen=True, eq=False)
class EtoData:
    """The five ETO tables; ``provision.share`` is a fraction 0-1 (NaN where blank)."""

    inputs: pd.DataFrame
    stages: pd.DataFrame
    sequence: pd.DataFrame
    providers: pd.DataFrame
    provision: pd.DataFrame
    folder: Path


def embedded_dir() -> Path:
    """Folder of the embedded ETO files."""
    return Path(str(resources.files("straits.data").joinpath("eto")))


def _read(folder: Path, name: str) -> pd.DataFrame:
    file = folder / f"{name}.csv"
    if not file.exists():
        raise InputFileError(file, "file not found (expected the ETO CSV layout)")
    df = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in FILES[name] if c not in df.columns]
    if missing:
        raise InputFileError(file, f"missing column(s) {', '.join(missing)}", line=1)
    return df


@lru_cache(maxsize=2)
def load_eto(path: str | Path | None = None) -> EtoData:
    """Load the ETO dataset (the embedded copy by default).

    Parameters
    ----------
    path : str or Path, optional
        Folder holding ``inputs.csv, stages.csv, sequence.csv, providers.csv, provision.csv``.

    Returns
    -------
    EtoData
        ``provision`` gains ``share`` (= share_provided / 100, NaN where blank) and integer
        ``year``; ``providers`` is one row per ``provider_id`` (ETO lists aliases as extra rows).
    """
    folder = Path(path) if path is not None else embedded_dir()
    t = {name: _read(folder, name) for name in FILES}
    prov = t["provision"]
    share = pd.to_numeric(prov["share_provided"], errors="coerce")
    bad = share.isna() & prov["share_provided"].notna() | (share < 0) | (share > 100)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputFileError(folder / "provision.csv", f"expected a percent in [0, 100], got "
                             f"{prov['share_provided'].iloc[i]!r}", line=i + 2, column="share_provided")
    prov = prov.assign(share=share / 100.0, year=pd.to_numeric(prov["year"], errors="coerce").astype("Int64"))
    providers = t["providers"].drop_duplicates("provider_id", keep="first").reset_index(drop=True)
    return EtoData(inputs=t["inputs"], stages=t["stages"], sequence=t["sequence"],
                   providers=providers, provision=prov, folder=folder)
