"""Monthly mirror: an importer's imports against the exporter's exports, by hand and fetched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import straits
from straits.errors import DataNotLoadedError
from straits.feed.mirror import monthly_mirror
from straits.warehouse import write
from straits.warehouse.backend import DuckDBBackend
from straits.warehouse.reporter_load import COLUMNS, ensure_schema


def _warehouse(tmp_path, imports, exports, *, hsk=None):
    """reporter_flows with KOR's monthly imports from JPN (CIF) and JPN's exports (FOB)."""
    frames = []
    for reporter, partner, flow, basis, values, cls, level, code in (
        ("KOR", "JPN", "import", "cif", imports, "HS", 6, "281111"),
        ("JPN", "KOR", "export", "fob", exports, "HS", 6, "281111"),
        ("KOR", "JPN", "import", "cif", hsk, "HSK", 10, "2811111000"),
    ):
        if values is None:
            continue
        t = np.arange(len(values))
        frames.append(pd.DataFrame({
            "reporter": reporter, "partner": partner, "flow": flow, "year": 2020 + t // 12,
            "month": t % 12 + 1, "classification": cls, "level": level, "code": code,
            "hs6": "281111", "value_usd": values, "value_basis": basis, "weight_kg": np.nan,
            "source": f"{reporter}-{cls}.csv", "dataset": "test"}))
    df = pd.concat(frames)
    df = df[df["value_usd"] > 0]  # months without trade have no row, as in Comtrade
    with write.writing(tmp_path / "m.duckdb") as con:
        ensure_schema(con)
        con.register("df", df[COLUMNS])
        con.execute("INSERT INTO reporter_flows SELECT * FROM df")
    return DuckDBBackend.open(tmp_path / "m.duckdb")


def test_hand_computed_gaps_lag_and_flags(tmp_path):
    # Japan's exports E[t] = 1, 2, ..., 14 M USD (2020-01 .. 2021-02, FOB); Korea records
    # each month's shipments one month later with a 5% CIF margin, I[t] = 1.05 E[t-1],
    # except October 2020 (t = 9), which has no import record at all.
    e = 1e6 * np.arange(1, 15)
    i = np.r_[1e6, 1.05 * e[:-1]]
    i[9] = 0.0
    wh = _warehouse(tmp_path, i, e, hsk=i / 2)  # a partial HSK line, never added
    out = monthly_mirror(wh, "KOR", "JPN", "281111")
    assert out["lag_months"].unique().tolist() == [1]  # estimated: best-agreeing pairing
    assert out["period"].iloc[[0, -1]].tolist() == ["2020-01", "2021-02"]
    assert np.isnan(out["gap"].iloc[0])  # no export record a month before 2020-01
    gaps = out["gap"].to_numpy()[1:]
    assert gaps[8] == -1.0  # October 2020: 0 against 9 M USD exported in September
    np.testing.assert_allclose(np.delete(gaps, 8), 0.05)
    assert out["flag"].tolist() == [False] * 9 + [True] + [False] * 4
    # twelve-month sums from 2020-02: (1.05 * (78 - 9)) / 78 - 1, then 1.05 * 81 / 90 - 1
    assert np.isnan(out["gap_12m"].iloc[11])
    np.testing.assert_allclose(out["gap_12m"].iloc[12:], [1.05 * 69 / 78 - 1, 1.05 * 81 / 90 - 1])
    assert out[["import_basis", "export_basis"]].iloc[0].tolist() == ["cif", "fob"]
    assert out["import_source"].iloc[0] == "KOR-HS.csv"  # the HS6 line, not the HSK one
    notes = " ".join(out.attrs["provenance"]["notes"])
    assert "Lag 1 month(s) (estimated" in notes and "|gap| > 0.25" in notes
    fixed = monthly_mirror(wh, "KOR", "JPN", "281111", lag=0, start="2020-06", end="2020-07")
    assert fixed["period"].tolist() == ["2020-06", "2020-07"]
    np.testing.assert_allclose(fixed["gap"], [1.05 * 5 / 6 - 1, 1.05 * 6 / 7 - 1])


def test_missing_side_names_what_to_fetch(tmp_path):
    wh = _warehouse(tmp_path, None, 1e6 * np.ones(14))
    with pytest.raises(DataNotLoadedError, match="No monthly KOR's imports from JPN of 281111 "
                       "loaded; fetch both sides with `straits fetch comtrade --reporter KOR"):
        monthly_mirror(wh, "KOR", "JPN", "281111")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(1e3, 1e9), min_size=8, max_size=30), st.floats(0.5, 2.0))
def test_gap_is_the_scale_between_two_proportional_records(tmp_path_factory, values, scale):
    # imports = scale x exports, same months: lag 0 is estimated and every gap is scale - 1
    e = np.array(values)
    wh = _warehouse(tmp_path_factory.mktemp("h"), scale * e, e)
    out = monthly_mirror(wh, "KOR", "JPN", "281111")
    assert out["lag_months"].iloc[0] == 0
    np.testing.assert_allclose(out["gap"], scale - 1, rtol=1e-9, atol=1e-12)
    # the flag follows the computed gap (0.75 x 1000 / 1000 - 1 rounds just past -0.25)
    big = np.fmax(scale * e, e) >= 1e5
    np.testing.assert_array_equal(out["flag"], big & (out["gap"].abs() > 0.25).to_numpy())
    if abs(scale - 1) < 0.24:
        assert not out["flag"].any()


def test_cli_monthly_mirror_on_fetched_data(tmp_path):
    from typer.testing import CliRunner

    from straits.cli.app import app

    wh = _warehouse(tmp_path, np.r_[1e6, 1.05e6 * np.arange(1, 14)], 1e6 * np.arange(1, 15))
    wh.con.close()
    r = CliRunner().invoke(app, ["mirror", "--monthly", "--reporter", "KOR", "--partner", "JPN",
                                 "--product", "281111", "--db", str(tmp_path / "m.duckdb"),
                                 "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0].startswith("period,importer,exporter,product,import_usd")
    with straits.open(tmp_path / "m.duckdb", read_only=True) as s:
        assert len(s.monthly_mirror("KOR", "JPN", "281111")) == 14
