"""The catalog records what each loaded year holds (issue 11 §6), recomputed from the raw CSVs."""

from __future__ import annotations

import pandas as pd
import pytest


def test_catalog_records_floor_and_quantities(session, baci_dir):
    cat = session.catalog().to_pandas()
    cat = cat[cat["dataset"] == "baci"].set_index("year")  # ETO and WIOD have rows too
    for year in range(2017, 2025):
        raw = pd.read_csv(baci_dir / f"BACI_HS17_Y{year}_V202601.csv", dtype={"q": str})
        row = cat.loc[year]
        assert row["rows"] == len(raw)
        assert row["min_value_kusd"] == pytest.approx(raw["v"].min())
        has_q = raw["q"].str.strip().replace({"NA": ""}).fillna("").ne("").any()
        assert bool(row["has_quantity"]) == has_q
    # the data README: 2017-2023 carry no quantities, 2024 does
    assert not cat.loc[2023, "has_quantity"] and cat.loc[2024, "has_quantity"]
