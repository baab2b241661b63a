"""The Atlas of Economic Complexity's published ECI, as embedded in the package.

``straits/data/atlas/atlas_eci_hs92_1995_2023.csv`` holds the Growth Lab's ECI (HS92) per
country and year, about 145 countries a year (see ``SOURCE.md`` beside it). Its
``eci_rank_hs92`` column does not always follow the ECI values of the same year (it comes
from another vintage of the Atlas), so :func:`eci_ranked` ranks by value within the file and
keeps the file's column as ``rank_published`` for reference only.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

ATLAS_FILE = "atlas/atlas_eci_hs92_1995_2023.csv"
ATLAS_CITATION = (
    "The Growth Lab at Harvard University, The Atlas of Economic Complexity (ECI, HS92), "
    "via the R package amwu-nrc/complexitydata (MIT)"
)


@lru_cache(maxsize=1)
def eci_ranked() -> pd.DataFrame:
    """Published ECI with a rank by value within each year of the file.

    Returns
    -------
    pandas.DataFrame
        ``year, iso3, eci, rank, n, rank_published``: ``rank`` 1 = highest ECI that year
        among the countries in the file (ties share the best rank), ``n`` how many
        countries the file ranks that year, ``rank_published`` the file's own column
        (another vintage; not consistent with ``eci``). Rows without an ECI are dropped.
    """
    src = resources.files("straits.data").joinpath(ATLAS_FILE)
    with src.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"location_code": str})
    df = df.rename(columns={"location_code": "iso3", "eci_hs92": "eci",
                            "eci_rank_hs92": "rank_published"})
    df = df.dropna(subset=["eci"])
    df["rank"] = df.groupby("year")["eci"].rank(ascending=False, method="min").astype(int)
    df["n"] = df.groupby("year")["eci"].transform("size").astype(int)
    df["year"] = df["year"].astype("int64")
    return df[["year", "iso3", "eci", "rank", "n", "rank_published"]].reset_index(drop=True)
