"""Regenerate src/straits/data/reporter/ from the shared real samples (maintainers only).

``python scripts/build_reporter_data.py ../shared/data``. Values are copied unchanged:
- Korea customs: the file as published (its own layout).
- Comtrade classic files: the columns the loader reads (free-text and empty columns dropped).
- China's monthly exports: the tabulated Comtrade API extract rewritten in Comtrade's API
  layout (reporter CHN, flowCode X, freqCode M), its derived unit value dropped.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

from straits.reference.lookup import resolve_country

OUT = Path(__file__).resolve().parents[1] / "src/straits/data/reporter"
CLASSIC = ["Classification", "Year", "Period", "Aggregate Level", "Trade Flow Code",
           "Trade Flow", "Reporter Code", "Reporter ISO", "Partner Code", "Partner ISO",
           "Commodity Code", "Netweight (kg)", "Trade Value (US$)", "CIF Trade Value (US$)",
           "FOB Trade Value (US$)", "Flag"]


def main(shared: str) -> None:
    root = Path(shared)
    OUT.mkdir(parents=True, exist_ok=True)
    kcs = root / "korea-customs-monthly/kcs_hs10_by_country_monthly_2000_2021.csv"
    shutil.copyfile(kcs, OUT / kcs.name)
    for f in sorted((root / "comtrade-kor-imports-from-jpn").glob("*.csv")):
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        df[CLASSIC].to_csv(OUT / f.name, index=False)
    cn = pd.read_csv(root / "china-exports-monthly/comtrade_CHN_exports_hs6_monthly_2017_2024.csv",
                     dtype=str, keep_default_na=False)
    period = pd.to_datetime(cn["period_dt"])
    iso = {n: resolve_country(n).iso3 for n in cn["partner_name"].unique()}
    api = pd.DataFrame({
        "freqCode": "M", "refYear": period.dt.year, "refMonth": period.dt.month,
        "period": period.dt.strftime("%Y%m"), "reporterCode": "156", "reporterISO": "CHN",
        "reporterDesc": "China", "flowCode": "X", "partnerISO": cn["partner_name"].map(iso),
        "partnerDesc": cn["partner_name"], "classificationCode": "HS", "cmdCode": cn["hs6"],
        "netWgt": cn["qty"], "primaryValue": cn["val"],
    })
    api.to_csv(OUT / "comtrade_api_CHN_exports_hs6_monthly_2017_2024.csv", index=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
