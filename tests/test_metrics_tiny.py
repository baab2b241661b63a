"""Hand-computed metrics on a tiny 3-country x 3-product warehouse (values in thousand USD).

Year 2020 flows:

    KOR->JPN 811292 10   KOR->CHN 811292 30   KOR->JPN 280429 30
    JPN->KOR 811292 20   JPN->CHN 850511 40
    CHN->KOR 850511 50   CHN->JPN 850511 30   CHN->KOR 280429 10

Export matrix (280429, 811292, 850511): KOR (30, 40, 0) = 70, JPN (0, 20, 40) = 60,
CHN (10, 0, 80) = 90; world (40, 60, 120) = 220. Year 2021 repeats 2020 with every value
doubled (so shares, RCA and every index are unchanged).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from straits.errors import DataNotLoadedError, ParameterError, UnknownCodeError
from straits.metrics.bilateral import bilateral, grubel_lloyd_by_product
from straits.metrics.complexity import complexity, density, outlook, proximity
from straits.metrics.concentration import concentration
from straits.metrics.rca import rca
from straits.metrics.shares import market_shares, totals
from tests._tiny import tiny_warehouse

FLOWS = [
    (410, 392, "811292", 10), (410, 156, "811292", 30), (410, 392, "280429", 30),
    (392, 410, "811292", 20), (392, 156, "850511", 40),
    (156, 410, "850511", 50), (156, 392, "850511", 30), (156, 410, "280429", 10),
]
COUNTRIES = [(410, "KOR"), (392, "JPN"), (156, "CHN")]
PRODUCTS = {"280429": "rare gases", "811292": "gallium, germanium", "850511": "magnets"}
#: the 3 x 3 space is far below the product-space guard; these hand cases lower it
SMALL = {"min_headings": 2, "min_chapters": 1, "min_economies": 1}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    flows = {year: [(e, m, p, v * scale) for e, m, p, v in FLOWS] for year, scale in ((2020, 1), (2021, 2))}
    s = tiny_warehouse(tmp_path_factory.mktemp("tiny-metrics") / "tiny.duckdb", COUNTRIES, flows,
                       PRODUCTS)
    yield s
    s.close()


def test_rca_by_hand(tiny):
    r = rca(tiny, year=2020).set_index(["country", "product"])["rca"]
    assert r["KOR", "811292"] == pytest.approx((40 / 70) / (60 / 220))   # 44/21
    assert r["KOR", "280429"] == pytest.approx((30 / 70) / (40 / 220))   # 33/14
    assert r["JPN", "850511"] == pytest.approx((40 / 60) / (120 / 220))  # 11/9
    assert r["CHN", "280429"] == pytest.approx((10 / 90) / (40 / 220))   # 11/18
    assert ("CHN", "811292") not in r.index                              # no exports
    one = rca(tiny, year=2020, country="KOR", product="811292")
    assert list(one.columns) == ["year", "country", "product", "rca", "rsca"]
    assert one["rsca"].iloc[0] == pytest.approx((44 / 21 - 1) / (44 / 21 + 1))


def test_rca_year_range_and_hs4(tiny):
    both = rca(tiny, year=[2020, 2021])
    assert sorted(both["year"].unique()) == [2020, 2021]
    a = both[both.year == 2020]["rca"].to_numpy()
    np.testing.assert_allclose(a, both[both.year == 2021]["rca"].to_numpy())  # values doubled
    h2 = rca(tiny, year=2020, level="hs2").set_index(["country", "product"])["rca"]
    # HS2 28 = 280429, 81 = 811292, 85 = 850511: same numbers at HS2
    assert h2["KOR", "81"] == pytest.approx(44 / 21)


def test_totals_by_hand(tiny):
    t = totals(tiny, year=2020, level="total", country="KOR").iloc[0]
    assert (t["exports_kusd"], t["imports_kusd"]) == (70, 80)   # 10+30+30; 20+50+10
    by_p = totals(tiny, year=2020, country="JPN").set_index("product")
    assert by_p.loc["850511", "imports_kusd"] == 30 and by_p.loc["850511", "exports_kusd"] == 40


def test_market_shares_by_hand(tiny):
    s = market_shares(tiny, year=2020, product="850511")
    assert list(s.columns) == ["year", "product", "exporter", "value_kusd", "share"]
    assert s["exporter"].tolist() == ["CHN", "JPN"]
    np.testing.assert_allclose(s["share"], [80 / 120, 40 / 120])
    k = market_shares(tiny, year=2020, product="811292", importer="CHN")
    assert k["exporter"].tolist() == ["KOR"] and k["share"].iloc[0] == 1.0
    # pooled market KOR + JPN, 811292: JPN->KOR 20 and KOR->JPN 10
    pooled = market_shares(tiny, year=2020, product="811292", importer=["KOR", "JPN"])
    np.testing.assert_allclose(pooled["share"], [2 / 3, 1 / 3])
    assert len(market_shares(tiny, year=2020, top=1)) == 3      # one per product


def test_concentration_by_hand(tiny):
    raw = concentration(tiny, year=2020)
    assert list(raw.columns) == ["year", "product", "total_kusd", "hhi", "top_exporter",
                                 "top_share", "n_exporters"]
    c = raw.set_index("product")
    assert c.loc["280429", "hhi"] == pytest.approx(0.75**2 + 0.25**2)     # 30/40, 10/40
    assert c.loc["811292", "hhi"] == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    assert (c.loc["850511", "top_exporter"], c.loc["850511", "n_exporters"]) == ("CHN", 2)
    assert c.loc["850511", "total_kusd"] == 120
    kor = concentration(tiny, year=2020, importer="KOR").set_index("product")
    assert kor.loc["811292", "hhi"] == 1.0                               # only JPN
    by = concentration(tiny, year=2020, by_importer=True)
    assert set(by["importer"]) == {"KOR", "JPN", "CHN"}
    # pooled market KOR, JPN: 850511 is CHN->KOR 50 + CHN->JPN 30, one supplier
    pooled = concentration(tiny, year=2020, importer="KOR,JPN").set_index("product")
    assert (pooled.loc["850511", "hhi"], pooled.loc["850511", "n_exporters"]) == (1.0, 1)
    assert pooled.loc["811292", "hhi"] == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    each = concentration(tiny, year=2020, importer="KOR,JPN", by_importer=True)
    assert each.set_index(["importer", "product"]).loc[("JPN", "850511"), "total_kusd"] == 30


def test_bilateral_by_hand(tiny):
    b = bilateral(tiny, "KOR", "JPN", year=2020).set_index(["index", "direction"])["value"]
    # X_KOR 70, X_JPN 60, X_w 220; KOR->JPN 40, JPN->KOR 20; JPN imports 70, KOR imports 80
    assert b["trade_intensity", "KOR->JPN"] == pytest.approx((40 / 70) / (70 / 220))
    assert b["trade_intensity", "JPN->KOR"] == pytest.approx((20 / 60) / (80 / 220))
    # KOR exports (3/7, 4/7, 0) vs JPN imports (3/7, 1/7, 3/7): half-sum 3/7
    assert b["complementarity", "KOR->JPN"] == pytest.approx(100 * (1 - 3 / 7))
    # JPN exports (0, 1/3, 2/3) vs KOR imports (1/8, 1/4, 5/8): (1/8 + 1/12 + 1/24)/2 = 1/8
    assert b["complementarity", "JPN->KOR"] == pytest.approx(87.5)
    assert b["export_similarity", "both"] == pytest.approx(100 / 3)       # min: 0, 1/3, 0
    # 811292: 10 vs 20, 280429: 30 vs 0 -> 1 - (10 + 30) / (30 + 30)
    assert b["grubel_lloyd", "both"] == pytest.approx(1 / 3)
    gl = grubel_lloyd_by_product(tiny, "KOR", "JPN", year=2020).set_index("product")
    assert gl.loc["811292", "grubel_lloyd"] == pytest.approx(2 / 3)
    assert gl.loc["280429", "grubel_lloyd"] == 0
    assert "850511" not in gl.index
    two = bilateral(tiny, "KOR", "JPN", year=[2020, 2021])
    assert len(two) == 12 and sorted(two["year"].unique()) == [2020, 2021]


def test_complexity_by_hand(tiny):
    # M (280429, 811292, 850511): KOR (1,1,0), JPN (0,1,1), CHN (0,0,1); div (2,2,1),
    # ubi (1,2,2). M~cc = [[3/4,1/4,0],[1/4,1/2,1/4],[0,1/2,1/2]]: trace 7/4, det 1/16, so
    # l2 = (3 + sqrt5)/8 with eigenvector (-(1+sqrt5)/4, (sqrt5-1)/4, 1); flipped to follow
    # diversity, standardised: ECI = ((3+sqrt5)/4, (sqrt5-3)/4, -sqrt5/2).
    r5 = math.sqrt(5)
    countries, products = complexity(tiny, year=2020, **SMALL)
    e = countries.set_index("country")["eci"]
    assert e["KOR"] == pytest.approx((3 + r5) / 4)
    assert e["JPN"] == pytest.approx((r5 - 3) / 4)
    assert e["CHN"] == pytest.approx(-r5 / 2)
    assert countries["rank"].tolist() == [1, 2, 3]
    p = products.set_index("product")["pci"]
    assert p["850511"] == pytest.approx(-r5 / 2)                     # CHN's only product
    assert e["KOR"] == pytest.approx((p["280429"] + p["811292"]) / 2)  # ECI = mean PCI
    assert list(products.columns) == ["year", "product", "pci", "ubiquity"]
    avg = complexity(tiny, year=[2020, 2021], average=True, **SMALL).countries
    assert avg["year"].unique().tolist() == [2021]
    np.testing.assert_allclose(avg.set_index("country")["eci"][e.index], e)
    fit = complexity(tiny, year=2020, method="fitness", **SMALL).countries
    assert fit.columns.tolist() == ["year", "country", "fitness", "rank", "diversity"]


def test_space_functions(tiny):
    ph = proximity(tiny, year=2020, **SMALL).set_index(["product_1", "product_2"])["proximity"]
    assert ph["280429", "811292"] == 0.5 and ph["811292", "850511"] == 0.5   # 1 / max(u)
    assert ("280429", "850511") not in ph.index
    d = density(tiny, year=2020, country="CHN", **SMALL).set_index("product")
    # CHN has 850511 only; phi row sums 280429: 1.5, 811292: 2, 850511: 1.5
    assert d.loc["811292", "density"] == pytest.approx(0.5 / 2)
    assert d.loc["850511", "mcp"] == 1 and d.loc["850511", "cog"] == 0
    o = outlook(tiny, year=2020, **SMALL)
    assert o["coi"].mean() == pytest.approx(0, abs=1e-12)


def test_shortcuts_and_errors(tiny):
    assert tiny.rca(year=2020, country="KOR").shape[0] == 2
    assert tiny.market_shares(year=2020, product="850511").shape[0] == 2
    assert tiny.concentration(year=2020).shape[0] == 3
    assert tiny.bilateral("KOR", "JPN", year=2020).shape[0] == 6
    assert tiny.complexity(year=2020, **SMALL).countries.shape[0] == 3
    with pytest.raises(ParameterError, match="'level' parameter of rca"):
        rca(tiny, year=2020, level="hs5")
    with pytest.raises(ParameterError, match="'method' parameter of complexity"):
        complexity(tiny, year=2020, method="pagerank", **SMALL)
    with pytest.raises(ParameterError, match="'top' parameter"):
        market_shares(tiny, year=2020, top=0)
    with pytest.raises(ParameterError, match="'threshold'"):
        complexity(tiny, year=2020, threshold=-1, **SMALL)
    with pytest.raises(DataNotLoadedError):
        concentration(tiny, year=1999)
    with pytest.raises(UnknownCodeError):
        bilateral(tiny, "KOR", "Atlantis", year=2020)


def test_blocs_are_one_economy(tiny):
    # bloc B = KOR+JPN: its own trade (KOR->JPN 10 + 30, JPN->KOR 20 = 60) is internal and
    # left out everywhere, the world totals included: world exports 220 - 60 = 160, by
    # product 280429: 10 (CHN), 811292: 30 (B), 850511: 120 (B 40, CHN 80). B exports
    # KOR->CHN 30 + JPN->CHN 40 = 70, all to CHN; CHN imports 70 of the 160.
    b = bilateral(tiny, "KOR+JPN", "CHN", year=2020).set_index(["index", "direction"])["value"]
    assert b["trade_intensity", "KOR+JPN->CHN"] == pytest.approx(1 / (70 / 160))
    assert b.attrs["source"] == "tiny test world"
    with pytest.raises(ParameterError, match="'a' parameter of bilateral"):
        bilateral(tiny, "KOR,JPN", "CHN", year=2020)
    r = rca(tiny, year=2020, country="KOR+JPN").set_index("product")["rca"]
    assert r.index.tolist() == ["811292", "850511"]                     # one exporter
    assert r["811292"] == pytest.approx((30 / 70) / (30 / 160))          # 16/7
    assert r["850511"] == pytest.approx((40 / 70) / (120 / 160))         # 16/21
    sh = market_shares(tiny, year=2020, importer="KOR+JPN")
    assert sh["exporter"].unique().tolist() == ["CHN"]                   # never KOR or JPN
    assert sh.set_index("product")["value_kusd"].to_dict() == {"280429": 10, "850511": 80}
    conc = concentration(tiny, year=2020, importer="KOR+JPN").set_index("product")
    assert conc["top_exporter"].tolist() == ["CHN", "CHN"] and (conc["hhi"] == 1).all()
    t = totals(tiny, year=2020, level="total", country="KOR+JPN").iloc[0]
    assert (t["country"], t["exports_kusd"], t["imports_kusd"]) == ("KOR+JPN", 70, 90)
    # as exporters to CHN, KOR and JPN stay two economies when not named as a bloc
    cn = market_shares(tiny, year=2020, importer="CHN")
    assert dict(zip(cn["exporter"], cn["value_kusd"], strict=True)) == {"JPN": 40, "KOR": 30}
    # in the product space B is one row: RCA (-, 16/7, 16/21) -> M = (0, 1, 0)
    d = density(tiny, year=2020, country="KOR+JPN", **SMALL)
    assert d["country"].unique().tolist() == ["KOR+JPN"]
    assert d.set_index("product")["mcp"].to_dict() == {"280429": 0, "811292": 1, "850511": 0}
    with pytest.raises(UnknownCodeError):
        density(tiny, year=2020, country="Atlantis", **SMALL)
    with pytest.raises(ParameterError, match="do not overlap"):
        market_shares(tiny, year=2020, importer="KOR+JPN,JPN")


def test_product_space_guard(tiny):
    with pytest.raises(DataNotLoadedError, match="too small to rank economies"):
        complexity(tiny, year=2020)
    with pytest.raises(DataNotLoadedError, match="ingest a full BACI release|Ingest a full"):
        density(tiny, year=2020)
    res = complexity(tiny, year=2020, **SMALL)
    from straits.provenance import of

    assert any("guard lowered" in n for n in of(res.countries).notes)
