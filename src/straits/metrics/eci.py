"""The published Economic Complexity Index of the Atlas of Economic Complexity.

Straits computes ECI only on a product space large enough to rank economies
(:mod:`straits.metrics.complexity`); the embedded BACI extract is not. The Growth Lab's own
published ECI (HS92, 1995-2023, about 145 countries a year) is embedded in the package and
answers "how complex is Korea's economy" on the default data. Its rank column comes from
another vintage of the Atlas, so economies are ranked by the ECI value within the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from straits.errors import DataNotLoadedError, ParameterError
from straits.metrics import _common as c
from straits.params import validate_params
from straits.provenance import Provenance, attach
from straits.sources.atlas import ATLAS_CITATION, eci_ranked

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

COLUMNS = ["year", "country", "eci", "rank", "n_ranked"]
METHOD = ("Published ECI (Atlas of Economic Complexity, HS92); rank = position by ECI value "
          "among the countries in the file that year (1 = most complex), not the file's own "
          "rank column, which comes from another Atlas vintage")


@validate_params({"country": c.ECONOMIES, "year": c.YEARS})
def published_eci(wh: Warehouse | None = None, *, country: c.Spec = None,
                  year: c.Years = None) -> pd.DataFrame:
    """The Atlas's published ECI of each country, ranked by value within each year.

    Parameters
    ----------
    wh : Warehouse, optional
        Unused: the values are embedded in the package, not loaded in a warehouse. Taken
        so that every metric function has the same first argument.
    country : str or list, optional
        Countries to show (ISO3, names, BACI codes), ranked among all in the file. A bloc
        has no published ECI and is an error.
    year : int or list of int, optional
        Year(s) of the file (1995-2023); default its latest year.

    Returns
    -------
    pandas.DataFrame
        ``year, country, eci, rank, n_ranked``: ``rank`` 1 = highest ECI that year among
        the ``n_ranked`` countries in the file (ties share the best rank). Sorted by year
        and rank.
    """
    df = eci_ranked()
    have = sorted(df["year"].unique().tolist())
    yrs = [have[-1]] if year is None else ([year] if isinstance(year, int) else list(year))
    missing = [y for y in yrs if y not in have]
    if missing:
        raise DataNotLoadedError(
            f"published_eci: the Atlas ECI file covers {have[0]}-{have[-1]}; no year "
            f"{', '.join(map(str, missing))}.")
    df = df[df["year"].isin(yrs)]
    named = c.parties(country, param="country", func="published_eci")
    if named is not None:
        if named.blocs:
            raise ParameterError(
                f"The 'country' parameter of published_eci must name countries: the Atlas "
                f"publishes ECI per country, and {', '.join(named.blocs)} is a bloc. Name its "
                "members, or compute a bloc's ECI with `straits complexity --country` on a "
                "full BACI release.")
        df = df[df["iso3"].isin(list(named.labels))]
    out = df.rename(columns={"iso3": "country", "n": "n_ranked"})[COLUMNS]
    out = out.sort_values(["year", "rank", "country"])
    notes = ()
    if named is not None:
        absent = sorted(set(named.labels) - set(out["country"]))
        if absent:
            notes = (f"Not in the Atlas file for the year(s) asked: {', '.join(absent)}.",)
    prov = Provenance(source=ATLAS_CITATION, dataset="atlas", release="HS92 1995-2023",
                      years=tuple(int(y) for y in yrs), method=METHOD, notes=notes)
    return attach(out.reset_index(drop=True), prov)
