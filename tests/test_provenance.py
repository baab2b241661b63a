"""Provenance travels with results: pandas attrs, Arrow metadata, Parquet files."""

from __future__ import annotations

import pyarrow.parquet as pq

from straits.provenance import Provenance, attach, of, unit_of


def test_units_come_from_column_names():
    assert unit_of("value_kusd") == "thousand current USD"
    assert unit_of("quantity_t") == "metric tons"
    assert unit_of("weight_kg") == "kilograms"
    assert unit_of("share_change_pp") == "percentage points"
    assert unit_of("imports_change_pct") == "percent"
    assert unit_of("top_share") == "fraction (0-1)"
    assert unit_of("product") is None


def test_flows_carry_provenance_to_pandas_arrow_and_parquet(session, tmp_path):
    t = session.flows(year=2023, exporter="CHN", importer="KOR", product="811292", arrow=True)
    p = of(t)
    assert p.source.startswith("CEPII BACI HS17 V202601") and p.years == (2023,)
    assert p.units["value_kusd"] == "thousand current USD"
    df = session.flows(year=2023, exporter="CHN", importer="KOR", product="811292")
    assert of(df) == p and df.attrs["source"] == p.source
    path = tmp_path / "f.parquet"
    pq.write_table(t, path)
    assert of(pq.read_table(path)) == p


def test_bloc_rows_say_so(session):
    p = of(session.flows(year=2024, exporter="CHN", importer="EU27", product="850511"))
    assert any("members' rows" in n for n in p.notes)
    assert not of(session.flows(year=2024, exporter="CHN", importer="DEU",
                                product="850511")).notes


def test_attach_completes_units_and_keeps_given_ones():
    import pandas as pd

    df = attach(pd.DataFrame({"gap_kusd": [1.0], "x": [2]}),
                Provenance(source="s", units={"x": "widgets"}))
    assert of(df).units == {"gap_kusd": "thousand current USD", "x": "widgets"}
