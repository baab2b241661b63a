"""Published Economic Complexity Index values (Atlas of Economic Complexity, Growth Lab).

The embedded file ``straits/data/atlas/atlas_eci_hs92_1995_2023.csv`` holds ECI per country
and year. Its ``eci_rank_hs92`` column does not always follow the ECI values of the same year
(another Atlas vintage), so :func:`eci_ranked` ranks by value within the file instead.
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
    """ECI with a rank by value within each year of the file.

    Returns
    -------
    pandas.DataFrame
        year, iso3, eci, rank (1 = highest ECI that year, ties share the best rank),
        n (countries in the file that year), rank_published (the file's own column).
    """
    src = resources.files("straits.data").joinpath(ATLAS_FILE)
    with src.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"location_code": str})
    df = df.rename(columns={"location_code": "iso3", "eci_hs92": "eci",
                            "eci_rank_hs92": "rank_published"})
    df = df.dropna(subset=["eci"])
    df["rank"] = df.groupby("year")["eci"].rank(ascending=False, method="min").astype(int)
    df["n"] = df.groupby("year")["eci"].transform("size").astype(int)
    return df[["year", "iso3", "eci", "rank", "n", "rank_published"]].reset_index(drop=True)
