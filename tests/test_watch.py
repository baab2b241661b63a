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


def _synthetic_panel(items: int, partners: int, months: int, seed: int) -> pd.DataFrame:
    """Seeded synthetic monthly panel (bench/generate_watch.py's recipe, never real data):
    lognormal levels per series, 15% noise, some series collapsing or appearing."""
    rng = np.random.default_rng(seed)
    n = items * partners
    level = rng.lognormal(13, 1.5, n)[:, None] * rng.lognormal(0, 0.15, (n, months))
    t = np.arange(months)[None, :]
    level[rng.random(n) < 0.05] *= np.where(t >= months // 2, 0.05, 1.0)
    level[rng.random(n) < 0.05] *= t >= months // 3
    return pd.DataFrame({
        "product": np.repeat([f"{i:06d}" for i in range(items)], partners * months),
        "supplier": np.tile(np.repeat([f"S{j:02d}" for j in range(partners)], months), items),
        "period": np.tile(P0 + np.arange(months), n),
        "value_usd": level.reshape(-1)})


def test_signals_do_not_depend_on_row_order_chunks_or_split_rows():
    """The same panel asked four ways gives the same signals: grouped rows (the run-length
    encoding path, > 65,536 rows), shuffled rows (the hashing path), many Arrow chunks
    (the block loop crossing chunk boundaries), and every value split over two rows
    (halves add back exactly)."""
    import pyarrow as pa

    raw = _synthetic_panel(60, 30, 40, seed=5)  # 72,000 rows
    grouped = signals(raw)  # the counts the 0.1 implementation (one bincount) gave too
    assert grouped["signal"].value_counts().to_dict() == {
        "new_supplier": 15, "seasonal_drop": 12, "concentration": 3}
    shuffled = raw.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(signals(shuffled), grouped)
    chunked = pa.Table.from_batches(pa.Table.from_pandas(shuffled, preserve_index=False)
                                    .to_batches(max_chunksize=7_001))
    assert chunked.column("value_usd").num_chunks > 10
    pd.testing.assert_frame_equal(signals(chunked), grouped)
    half = raw.assign(value_usd=raw["value_usd"] / 2)
    pd.testing.assert_frame_equal(signals(pd.concat([half, half.iloc[::-1]])), grouped)


def test_panel_equals_a_direct_sum():
    """The dense panel holds, cell by cell, the sum of the rows of that product, supplier
    and month (nulls count as zero), and marks the months each product reports."""
    import pyarrow as pa

    from straits.security.watch import _panel

    rng = np.random.default_rng(9)
    rows = 5_000
    raw = pd.DataFrame({"product": rng.choice(["A", "B", "C", "D"], rows),
                        "supplier": rng.choice(["KOR", "JPN", "CHN"], rows),
                        "period": P0 + rng.integers(0, 30, rows),
                        "value_usd": rng.lognormal(10, 1, rows)})
    raw.loc[rng.random(rows) < 0.01, "value_usd"] = None
    p = _panel(pa.Table.from_pandas(raw, preserve_index=False).to_batches(1_000))
    want = raw.fillna({"value_usd": 0.0}).groupby(["product", "supplier", "period"])[
        "value_usd"].sum()
    got = pd.Series(p.V.reshape(-1), index=pd.MultiIndex.from_product(
        [range(len(p.V)), range(p.V.shape[1])]))
    got.index = pd.MultiIndex.from_arrays([
        p.prods[p.s_prod[got.index.get_level_values(0)]],
        p.sups[p.s_sup[got.index.get_level_values(0)]],
        got.index.get_level_values(1) + p.p0], names=want.index.names)
    got = got[got.index.isin(want.index)]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False,
                                   rtol=1e-12)
    months = raw.groupby("product")["period"].unique()
    for i, prod in enumerate(p.prods):
        assert set(np.flatnonzero(p.seen[i]) + p.p0) == set(months[prod])


def test_any_short_or_ragged_panel_gives_sound_signals():
    """Panels of any length (0.1 failed below 12 months) and ragged coverage: no error, and
    every signal keeps its rule: a drop is below (1 - 0.5) x its baseline, shares lie in
    [0, 1] (or are undefined: nothing imported that month), a signal's month lies inside
    its product's coverage (a month without rows there counts as zero)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(st.integers(1, 30), st.integers(1, 300), st.integers(0, 2**32 - 1))
    def check(months, rows, seed):
        rng = np.random.default_rng(seed)
        raw = pd.DataFrame({
            "product": rng.choice(["A", "B", "C"], rows),
            "supplier": rng.choice(["KOR", "JPN", "CHN", "USA"], rows),
            "period": P0 + rng.integers(0, months, rows),
            "value_usd": rng.lognormal(12, 2, rows) * (rng.random(rows) > 0.2)})
        out = signals(raw, min_value_usd=1e4)
        span = raw.groupby("product")["period"].agg(["min", "max"])
        lo, hi = (span.loc[out["product"], c].to_numpy() for c in ("min", "max"))
        assert ((out["_p"] >= lo) & (out["_p"] <= hi)).all()
        drops = out[out["signal"] == "seasonal_drop"]
        assert (drops["value_usd"] < 0.5 * drops["baseline_usd"]).all()
        assert (out["share"].between(0, 1) | out["share"].isna()).all()
        if months < 13:
            assert out.query("signal != 'new_supplier'").empty  # baselines need 13 months

    check()
