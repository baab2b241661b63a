"""Metrics on the embedded real data, recomputed independently from the shared BACI CSVs.

CEPII BACI HS17 V202601 extract (30 critical-material HS6 codes, all countries). Each test
reads the CSV with pandas and recomputes the figure without Straits code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from straits.errors import DataNotLoadedError
from straits.metrics.bilateral import bilateral
from straits.metrics.complexity import complexity
from straits.metrics.concentration import concentration
from straits.metrics.rca import rca
from straits.metrics.shares import market_shares, totals

#: the extract's 30 products are below the product-space guard; these checks lower it
SMALL = {"min_headings": 2, "min_chapters": 1, "min_economies": 1}


@pytest.fixture(scope="module")
def csv2024(baci_dir):
    df = pd.read_csv(baci_dir / "BACI_HS17_Y2024_V202601.csv", dtype={"k": str})
    df["k"] = df["k"].str.zfill(6)
    codes = pd.read_csv(baci_dir / "country_codes_V202601.csv")
    iso = dict(zip(codes["country_code"], codes["country_iso3"].replace({"S19": "TWN"}),
                   strict=True))
    df["exp"], df["imp"] = df["i"].map(iso), df["j"].map(iso)
    return df


def test_world_shares_match_csv(session, csv2024):
    ours = market_shares(session, year=2024)
    by = csv2024.groupby(["k", "exp"], as_index=False)["v"].sum()
    by["share"] = by["v"] / by.groupby("k")["v"].transform("sum")
    m = ours.merge(by, left_on=["product", "exporter"], right_on=["k", "exp"], how="outer",
                   indicator=True)
    assert (m["_merge"] == "both").all()
    np.testing.assert_allclose(m["value_kusd"], m["v"], rtol=1e-9)
    np.testing.assert_allclose(m["share_x"], m["share_y"], rtol=1e-9)
    assert ours.groupby("product")["share"].sum().to_numpy() == pytest.approx(1.0)
    top = market_shares(session, year=2024, product="811292", top=1).iloc[0]
    g = by[by["k"] == "811292"].sort_values("v").iloc[-1]
    assert (top["exporter"], top["share"]) == (g["exp"], pytest.approx(g["share"]))


def test_world_hhi_matches_csv(session, csv2024):
    ours = concentration(session, year=2024).set_index("product")
    by = csv2024.groupby(["k", "i"])["v"].sum()
    sh = by / by.groupby(level="k").transform("sum")
    want = (sh**2).groupby(level="k").sum()
    assert len(ours) == len(want) == 30
    np.testing.assert_allclose(ours.loc[want.index, "hhi"], want, rtol=1e-9)
    n = by.groupby(level="k").size()
    assert (ours.loc[n.index, "n_exporters"] == n).all()


def test_korea_import_hhi_matches_csv(session, csv2024):
    ours = concentration(session, year=2024, importer="KOR").set_index("product")
    kor = csv2024[csv2024["j"] == 410].groupby(["k", "i"])["v"].sum()
    want = ((kor / kor.groupby(level="k").transform("sum")) ** 2).groupby(level="k").sum()
    np.testing.assert_allclose(ours.loc[want.index, "hhi"], want, rtol=1e-9)


def test_rca_matches_csv(session, csv2024):
    ours = rca(session, year=2024, country="KOR").set_index("product")["rca"]
    x = csv2024.groupby(["i", "k"])["v"].sum()
    xc = x.groupby(level="i").sum()
    xp = x.groupby(level="k").sum()
    kor = x.loc[410]
    want = (kor / xc[410]) / (xp[kor.index] / x.sum())
    np.testing.assert_allclose(ours.loc[want.index], want, rtol=1e-9)


def test_totals_and_bilateral_match_csv(session, csv2024):
    t = totals(session, year=2024, level="total", country="KOR").iloc[0]
    assert t["exports_kusd"] == pytest.approx(csv2024.loc[csv2024.i == 410, "v"].sum())
    assert t["imports_kusd"] == pytest.approx(csv2024.loc[csv2024.j == 410, "v"].sum())
    b = bilateral(session, "KOR", "JPN", year=2024).set_index(["index", "direction"])["value"]
    v = csv2024
    want = (v[(v.i == 410) & (v.j == 392)].v.sum() / v[v.i == 410].v.sum()) / (
        v[v.j == 392].v.sum() / v.v.sum())
    assert b["trade_intensity", "KOR->JPN"] == pytest.approx(want)
    xk = v[v.i == 410].groupby("k").v.sum()
    xj = v[v.i == 392].groupby("k").v.sum()
    xk, xj = xk.reindex(xk.index.union(xj.index), fill_value=0), xj.reindex(
        xk.index.union(xj.index), fill_value=0)
    es = 100 * np.minimum(xk / xk.sum(), xj / xj.sum()).sum()
    assert b["export_similarity", "both"] == pytest.approx(es)


def test_every_year_in_one_call(session):
    years = session.years()
    sh = market_shares(session, year=years, product="811292")
    assert sorted(sh["year"].unique()) == years
    assert sh.groupby("year")["share"].sum().to_numpy() == pytest.approx(1.0)
    conc = concentration(session, year=years)
    assert conc.groupby("year").size().min() >= 25
    assert conc["hhi"].between(0, 1).all()
    r = rca(session, year=years[-2:], country="KOR", product="811292")
    assert r["year"].tolist() == years[-2:]
    cx = complexity(session, year=years[-2:], **SMALL).countries
    assert sorted(cx["year"].unique()) == years[-2:]


def test_complexity_on_real_extract_is_consistent(session):
    with pytest.raises(DataNotLoadedError, match="30 HS6 products|too small"):
        complexity(session, year=2024)   # 30 products: refused by default (issue 11 sec. 7)
    countries, products = complexity(session, year=2024, **SMALL)
    assert countries["eci"].mean() == pytest.approx(0, abs=1e-9)
    assert countries["eci"].std(ddof=0) == pytest.approx(1)
    assert np.corrcoef(countries["eci"], countries["diversity"])[0, 1] > 0
    assert products["product"].str.len().eq(6).all() and len(products) == 30
