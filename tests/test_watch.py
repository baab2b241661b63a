"""Early-warning rules: a hand-computed case, the 2019 backtest, and signal counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from straits.errors import ParameterError
from straits.security.watch import signals, watch

P0 = 2020 * 12  # 2020-01


def _series(supplier: str, values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"side": "importer", "product": "X", "supplier": supplier,
                         "period": [P0 + t for t in values], "value_usd": list(values.values())})


def test_hand_computed_rules():
    # A: 1000/month for 24 months, then 100 (t = 24..29); B: 1000 throughout;
    # C: nothing until t = 26, then 400.
    a = _series("A", {t: 1000.0 if t < 24 else 100.0 for t in range(30)})
    b = _series("B", {t: 1000.0 for t in range(30)})
    c = _series("C", {t: 400.0 for t in range(26, 30)})
    out = signals(pd.concat([a, b, c]), min_value_usd=300.0, min_share=0.1)
    got = out[["period", "supplier", "signal"]].values.tolist()
    assert got == [["2022-01", "A", "seasonal_drop"], ["2022-01", "B", "concentration"],
                   ["2022-03", "C", "new_supplier"]]
    drop, conc, new = (out.iloc[i] for i in range(3))
    # baseline = mean(v[11], v[12], v[13]) = 1000; change = 100 / 1000 - 1 = -90%;
    # share = 100 / (100 + 1000)
    assert (drop["baseline_usd"], drop["change_pct"]) == (1000.0, pytest.approx(-90))
    assert drop["share"] == pytest.approx(100 / 1100)
    # B's 3-month share at t = 24: 3000 / (1000 + 1000 + 100 + 3000) = 0.588 (was 0.5)
    assert conc["share"] == pytest.approx(3000 / 5100)
    assert conc["share_change_pp"] == pytest.approx((3000 / 5100 - 0.5) * 100)
    # C: 400 of 100 + 1000 + 400 = 26.7% of imports, nothing in the previous 12 months
    assert (new["value_usd"], new["share"]) == (400.0, pytest.approx(400 / 1500))
    assert "A: 0.0 M USD vs 0.0 M USD" in drop["detail"] and "-90%" in drop["detail"]


def test_stable_series_gives_no_signal():
    rng = np.random.default_rng(7)
    frames = [_series(s, {t: 1e6 * (1 + 0.2 * rng.standard_normal()) for t in range(48)})
              for s in ("A", "B", "C")]
    assert signals(pd.concat(frames)).empty


def test_backtest_flags_japan_hydrogen_fluoride(session):
    w = watch(session, "KOR", products="2811111000", start="2019-01", end="2019-08")
    jp = w[(w["supplier"] == "JPN") & (w["signal"] == "seasonal_drop")]
    assert jp["period"].tolist() == ["2019-07"]  # flagged in the first month
    row = jp.iloc[0]
    # July 2019: 961,061 USD vs mean(Jun, Jul, Aug 2018) = (6,434,607 + 5,337,606 +
    # 6,039,214) / 3 = 5,937,142.3 (values of the Korea customs file)
    assert row["value_usd"] == 961_061
    assert row["baseline_usd"] == pytest.approx((6_434_607 + 5_337_606 + 6_039_214) / 3,
                                                rel=1e-6)


def test_signals_per_product_year_stay_few(session):
    w = watch(session, "KOR")
    series = session.query(
        "SELECT DISTINCT code AS product, year FROM reporter_flows WHERE month IS NOT NULL "
        "AND (reporter = 'KOR' AND flow = 'import' OR partner = 'KOR' AND flow = 'export')")
    counts = (w.assign(year=w["period"].str[:4].astype(int)).groupby(["product", "year"])
              .size().reindex(pd.MultiIndex.from_frame(series[["product", "year"]]),
                              fill_value=0))
    table = counts.unstack("product").fillna(0).astype(int)
    print("\nwatch signals per product-year (KOR, real sample):\n", table.to_string())
    # 6 HS10 items x ~50 suppliers, 3 HS6 Chinese series; about one signal a product-year
    assert counts.mean() <= 1.5 and counts.max() <= 6
    assert set(w["signal"]) <= {"seasonal_drop", "concentration", "new_supplier"}
    assert list(w.columns) == ["period", "product", "classification", "supplier", "signal",
                               "value_usd", "baseline_usd", "change_pct", "share",
                               "share_change_pp", "detail"]
    # issue 11 §8: HSK lines keep their ten digits and say so; China's series are HS6
    hsk = w[w["product"].str.len() == 10]
    assert len(hsk) and (hsk["classification"] == "HSK").all()


@pytest.mark.parametrize("kw, match", [
    ({"drop_threshold": 1.5}, "drop_threshold"),
    ({"start": "2019-13"}, "start"),
    ({"cooldown": 0}, "cooldown"),
    ({"min_share": -0.1}, "min_share"),
])
def test_watch_parameters(session, kw, match):
    with pytest.raises(ParameterError, match=match):
        watch(session, "KOR", **kw)


def test_cli_watch():
    from typer.testing import CliRunner

    from straits.cli.app import app

    res = CliRunner().invoke(app, ["watch", "KOR", "--products", "281111", "--from",
                                   "2019-07", "--to", "2019-08", "-f", "csv"])
    assert res.exit_code == 0, res.output
    assert "2019-07,2811111000,HSK,JPN,seasonal_drop" in res.output


def test_rules_do_not_depend_on_the_currency_unit():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    rng = np.random.default_rng(3)
    frames = [_series(s, {t: float(v) for t, v in enumerate(
        rng.lognormal(12, 1, 40) * (rng.random(40) > 0.2))}) for s in "ABCD"]
    raw = pd.concat(frames)

    @settings(max_examples=15, deadline=None)
    @given(st.sampled_from([0.001, 0.5, 3.0, 1000.0]))
    def check(k):
        a = signals(raw, min_value_usd=1e5)
        b = signals(raw.assign(value_usd=raw["value_usd"] * k), min_value_usd=1e5 * k)
        cols = ["period", "product", "supplier", "signal"]
        assert len(a) == 18  # 16 drops, 2 concentration crossings: not a vacuous check
        assert a[cols].values.tolist() == b[cols].values.tolist()
        np.testing.assert_allclose(a["share"].astype(float), b["share"].astype(float))

    check()


def test_fast_path_equals_ranked_path(session, shared, tmp_path):
    """Korea's customs file alone takes the unranked query; the default warehouse (with
    China's exports too) the ranked one; the HS10 signals must be the same."""
    import warnings

    import straits

    with straits.open(tmp_path / "k.duckdb") as s, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s.ingest(shared / "korea-customs-monthly/kcs_hs10_by_country_monthly_2000_2021.csv")
        alone = s.watch("KOR")
    both = watch(session, "KOR")
    both = both[both["product"].str.len() == 10].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, both)
