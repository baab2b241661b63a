"""Monthly event replay and mirror on the embedded real samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from straits.errors import ParameterError
from straits.security.monthly import monthly_event

KCS = "korea-customs-monthly/kcs_hs10_by_country_monthly_2000_2021.csv"
CN = "china-exports-monthly/comtrade_CHN_exports_hs6_monthly_2017_2024.csv"


@pytest.fixture(scope="module")
def jp_kr(session):
    return session.monthly_event("jp-kr-2019")


def test_hydrogen_fluoride_collapse(jp_kr, shared):
    raw = pd.read_csv(shared / KCS, keep_default_na=False)
    hf = raw[(raw["Item"] == 2811111000) & (raw["Country"] != "")]
    jp = hf[hf["Country"] == "Japan"].set_index(["Year", "Month"])["Import_dollar"]
    total = hf.groupby(["Year", "Month"])["Import_dollar"].sum()
    # issue 11 §8: the series is the HSK line 2811111000 (part of HS6 281111), labelled so
    m = jp_kr.months[jp_kr.months["product"] == "2811111000"].set_index("period")
    assert (m["hs6"] == "281111").all() and (m["classification"] == "HSK").all()
    assert m.loc["2018-07", "offset"] == -12 and m.loc["2021-01", "offset"] == 18
    for period, (y, mo) in {"2019-06": (2019, 6), "2019-07": (2019, 7),
                            "2019-08": (2019, 8)}.items():
        assert m.loc[period, "value_usd"] == jp[(y, mo)]
        assert m.loc[period, "share"] == pytest.approx(jp[(y, mo)] / total[(y, mo)])
    # June 2019 5,293,070 USD (48.5% of Korea's imports) -> July 961,061 -> August 0
    assert (m.loc["2019-06", "value_usd"], m.loc["2019-08", "value_usd"]) == (5_293_070, 0)
    before = m[m["offset"] < 0]["value_usd"].mean()
    after = m[m["offset"] >= 1]["value_usd"].mean()
    assert after < 0.25 * before
    assert m["side"].eq("importer").all() and m["exporter"].eq("JPN").all()
    assert "No monthly data for 392099." in jp_kr.notes


def test_who_filled_the_gap(jp_kr):
    g = jp_kr.gainers[jp_kr.gainers["product"] == "2811111000"].set_index("supplier")
    # China and Taiwan held most of their value while imports fell: their shares rose
    assert list(g.index[:2]) == ["CHN", "TWN"]
    assert g.loc["CHN", "share_after"] > g.loc["CHN", "share_before"] + 0.15
    assert "JPN" not in g.index
    resist = jp_kr.gainers[jp_kr.gainers["product"] == "3707901010"]
    assert resist.iloc[0]["supplier"] == "BEL" and resist.iloc[0]["change_usd"] > 2e6


def test_graphite_drop_from_china_series(session, shared):
    ev = session.monthly_event("cn-graphite-2023")
    raw = pd.read_csv(shared / CN)
    kor = raw[(raw["partner_name"] == "South Korea") & (raw["hs6"] == 250410)].set_index(
        "period_dt")["val"]
    m = ev.months[ev.months["product"] == "250410"].set_index("period")
    assert m.loc["2023-11", "value_usd"] == kor["2023-11-01"] == 23_036_914
    assert m.loc["2023-12", "value_usd"] == kor["2023-12-01"] == 1_972_982
    assert m["side"].eq("exporter").all() and m["share"].isna().all()
    assert m.index.max() == "2024-12"  # the series ends there; no invented months
    before = m[m["offset"] < 0]["value_usd"].mean()
    after = m[m["offset"] >= 0]["value_usd"].mean()
    assert after < 0.5 * before
    assert ev.source == "UN Comtrade" and ev.gainers.empty


def test_monthly_event_parameters(session):
    with pytest.raises(ParameterError, match="months_before"):
        monthly_event(session, "jp-kr-2019", months_before=0)
    with pytest.raises(ParameterError, match="preset"):  # one validation idiom (§9)
        monthly_event(session, "nope")
    with pytest.raises(ParameterError, match="different economies"):
        monthly_event(session, "jp-kr-2019", importer="JPN")


def test_mirror_against_baci(session, shared):
    df = session.mirror("KOR", "CHN", "811292", 2023)
    imp = df[df["flow"] == "import"].iloc[0]
    raw = pd.read_csv(shared / CN)
    cn = raw[(raw["partner_name"] == "South Korea") & (raw["hs6"] == 811292)
             & raw["period_dt"].str.startswith("2023")]["val"].sum()
    assert imp["mirror_usd"] == pytest.approx(cn)
    baci = pd.read_csv(shared / "baci-critical-minerals/BACI_HS17_Y2023_V202601.csv",
                       dtype={"k": str})
    b = baci[(baci["i"] == 156) & (baci["j"] == 410) & (baci["k"] == "811292")]["v"].sum()
    assert imp["baci_usd"] == pytest.approx(b * 1000)
    assert np.isnan(imp["reporter_usd"])  # Korea's own 811292 series is not loaded


def test_mirror_kor_jpn_hf(session):
    df = session.mirror("KOR", "JPN", "281111", 2019)
    imp = df[df["flow"] == "import"].set_index("reporter_source")
    # Comtrade HS6 281111 (all lines) vs customs HSK 2811111000 (one line, 12 months)
    assert imp.loc["comtrade_H5_KOR_imports_from_JPN_2019.csv", "months"] == 0
    assert imp.loc["kcs_hs10_by_country_monthly_2000_2021.csv", "months"] == 12
    assert (imp.loc["comtrade_H5_KOR_imports_from_JPN_2019.csv", "reporter_usd"]
            > imp.loc["kcs_hs10_by_country_monthly_2000_2021.csv", "reporter_usd"])


def test_cli_mirror_and_event_monthly():
    from typer.testing import CliRunner

    from straits.cli.app import app

    runner = CliRunner()
    res = runner.invoke(app, ["mirror", "--reporter", "KOR", "--partner", "JPN", "--product",
                              "281111", "--year", "2019", "-f", "csv"])
    assert res.exit_code == 0, res.output
    assert "comtrade_H5_KOR_imports_from_JPN_2019.csv" in res.output
    res = runner.invoke(app, ["event", "--preset", "jp-kr-2019", "--monthly", "-f", "csv"])
    assert res.exit_code == 0, res.output
    assert "2019-08,1,2811111000,HSK,281111,JPN,KOR,0.0,0.0,6441457.0,0.0,importer" in res.output
    res = runner.invoke(app, ["event", "--preset", "cn-graphite-2023", "--monthly", "--view",
                              "gainers", "-f", "csv"])
    assert res.exit_code == 0 and res.output.startswith("product,classification,hs6,supplier,"
                                                        "before_usd")
    res = runner.invoke(app, ["event", "--monthly", "--exporter", "JPN", "--products",
                              "281111", "--start", "2019-07", "-f", "csv"])
    assert res.exit_code == 0 and "2019-07,0,2811111000,HSK,281111,JPN,KOR,961061.0" in res.output
