"""Hand-computed cases on a tiny warehouse: screen, blocs, shock, mutual, shared dependence.

The tiny world, product 811292, year 2020 (values in thousand USD):

    CHN->KOR 60   USA->KOR 30   JPN->KOR 10   KOR->USA 20
    CHN->JPN 50   USA->JPN 50   CHN->USA 100
    DEU->FRA 40   USA->FRA 10   CHN->DEU 30   JPN->DEU 5

Exports: CHN 240, USA 90, DEU 40, KOR 20, JPN 15; world 405.
"""

from __future__ import annotations

import math

import pytest

from straits.errors import ParameterError, UnknownCodeError
from straits.provenance import of
from tests._tiny import tiny_warehouse

P = "811292"
FLOWS = [
    (156, 410, 60), (842, 410, 30), (392, 410, 10), (410, 842, 20),
    (156, 392, 50), (842, 392, 50), (156, 842, 100),
    (276, 251, 40), (842, 251, 10), (156, 276, 30), (392, 276, 5),
]
COUNTRIES = [(410, "KOR"), (392, "JPN"), (156, "CHN"), (842, "USA"), (276, "DEU"), (251, "FRA")]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    s = tiny_warehouse(tmp_path_factory.mktemp("tiny") / "tiny.duckdb", COUNTRIES,
                       {2020: [(e, m, P, v) for e, m, v in FLOWS]}, {P: "Gallium etc."})
    yield s
    s.close()


def test_screen_single_country(tiny):
    row = tiny.dependency("KOR").iloc[0]
    assert (row["top_supplier"], row["n_suppliers"]) == ("CHN", 3)
    assert row["import_kusd"] == pytest.approx(100)
    assert row["top_share"] == pytest.approx(0.6)                     # 60 / 100
    assert row["import_hhi"] == pytest.approx(0.36 + 0.09 + 0.01)     # 0.46
    # (240^2 + 90^2 + 40^2 + 20^2 + 15^2) / 405^2 = 67925 / 164025
    assert row["world_export_hhi"] == pytest.approx(67925 / 164025)
    assert row["import_export_ratio"] == pytest.approx(100 / 20)
    assert row["one_country_50"] and row["geodep"] and row["critical"]
    assert row["value_at_risk_kusd"] == pytest.approx(60)
    assert not row["no_own_exports"]


def test_screen_bloc_excludes_intra_bloc(tiny):
    row = tiny.dependency("EU27").iloc[0]
    # extra-EU imports: CHN->DEU 30, USA->FRA 10, JPN->DEU 5 = 45 (DEU->FRA 40 dropped)
    assert row["import_kusd"] == pytest.approx(45)
    assert row["top_supplier"] == "CHN" and row["top_share"] == pytest.approx(30 / 45)
    assert row["import_hhi"] == pytest.approx((900 + 100 + 25) / 2025)
    # EU exports only intra-EU (DEU->FRA) -> ratio undefined, no own exports
    assert math.isnan(row["import_export_ratio"]) and row["no_own_exports"]
    # world exports with the EU as one exporter and intra-EU dropped: 240, 90, 20, 15 = 365
    assert row["world_export_hhi"] == pytest.approx(66325 / 133225)
    assert row["geodep"]


def test_adhoc_bloc_label(tiny):
    df = tiny.dependency("KOR+JPN")
    # KOR+JPN imports: 100 + 100 minus JPN->KOR 10 = 190; CHN 110, USA 80
    row = df.iloc[0]
    assert row["import_kusd"] == pytest.approx(190)
    assert row["top_share"] == pytest.approx(110 / 190)
    assert row["n_suppliers"] == 2
    everyone = tiny.dependency_all(blocs=["KOR+JPN"])
    assert set(everyone["importer"]) == {"KOR+JPN", "USA", "DEU", "FRA"}


def test_shock_arithmetic(tiny):
    df = tiny.shock(exporter="CHN", importer="KOR", products=P)
    r = df.iloc[0]
    # exposed = 1.0 x 60; pool = 0.2 x (USA 50+10, DEU 40, JPN 5) = 12 + 8 + 1 = 21
    assert r["exposed_kusd"] == pytest.approx(60)
    assert r["pool_kusd"] == pytest.approx(21)
    assert r["covered_kusd"] == pytest.approx(21)
    assert r["gap_kusd"] == pytest.approx(39)
    assert r["gap_share"] == pytest.approx(0.39)                       # 39 / 100
    assert [x["supplier"] for x in r["top_substitutes"]] == ["USA", "DEU", "JPN"]
    assert [x["value_kusd"] for x in r["top_substitutes"]] == pytest.approx([12, 8, 1])
    world = df[df["importer"] == "WORLD"].iloc[0]                      # one importer: the same
    assert (world["covered_kusd"], world["gap_kusd"]) == pytest.approx((21, 39))
    prov = of(df)
    assert "0.2 x" in prov.method and prov.source == "tiny test world"


def test_shock_also_restricting_and_parameters(tiny):
    # issue 11 §1: R = CHN + USA, both cut: exposed = 60 + 30; pool = 0.2 x (DEU 40, JPN 5)
    r = tiny.shock(exporter="CHN", importer="KOR", products=P, also_restricting="USA").iloc[0]
    assert r["exposed_kusd"] == pytest.approx(90)
    assert r["pool_kusd"] == pytest.approx(9)                          # 8 + 1
    assert r["gap_kusd"] == pytest.approx(81)
    r = tiny.shock(exporter="CHN", importer="KOR", products=P, cut=0.5, redirect=1.0).iloc[0]
    assert r["exposed_kusd"] == pytest.approx(30)                      # 0.5 x 60
    assert r["pool_kusd"] == pytest.approx(105)                        # 60 + 40 + 5
    assert r["gap_kusd"] == pytest.approx(0)


def test_shock_bloc_and_several_importers(tiny):
    df = tiny.shock(exporter="CHN", importer="EU27,KOR", products=P).set_index("importer")
    # M = {EU27, KOR}: exposed EU 30 (of 45 extra-EU imports), KOR 60; E = 90. Substitutes
    # are USA and JPN (DEU and FRA are in M); their exports outside M: USA 50 (to JPN),
    # JPN 0 -> P = 0.2 x 50 = 10, shared pro rata: covered = exposed x 10 / 90
    eu, kor = df.loc["EU27"], df.loc["KOR"]
    assert eu["imports_kusd"] == pytest.approx(45)
    assert eu["pool_kusd"] == kor["pool_kusd"] == pytest.approx(10)
    assert eu["covered_kusd"] == pytest.approx(30 / 9)
    assert eu["gap_kusd"] == pytest.approx(30 - 30 / 9)
    assert eu["gap_share"] == pytest.approx((30 - 30 / 9) / 45)
    assert kor["gap_kusd"] == pytest.approx(60 - 60 / 9)
    assert df.loc["WORLD", "covered_kusd"] == pytest.approx(10)


@pytest.mark.parametrize("kw", [{"cut": 1.5}, {"cut": -0.1}, {"redirect": 2}, {"cut": "x"}])
def test_shock_bad_fractions(tiny, kw):
    with pytest.raises(ParameterError, match="must be a float in \\[0, 1\\]"):
        tiny.shock(exporter="CHN", importer="KOR", products=P, **kw)


def test_unknown_codes(tiny):
    with pytest.raises(UnknownCodeError):
        tiny.shock(exporter="CHN", importer="KOR", products="999999")
    with pytest.raises(UnknownCodeError):
        tiny.dependency("Atlantis")
    with pytest.raises(ParameterError):
        tiny.dependency("KOR", persistence=4)


def test_mutual_and_shared(tiny):
    m = tiny.mutual("KOR", "JPN")
    # JPN supplies 10 of KOR's 100 (rank 3): a 10% share meets MIN_SHARE = 0.10
    assert list(m.a_on_b["partner_rank"]) == [3] and m.b_on_a.empty
    bal = m.balance.set_index("importer")
    assert bal.loc["KOR", "dependent_kusd"] == pytest.approx(10)
    assert bal.loc["KOR", "net_dependent_kusd"] == pytest.approx(10)
    assert tiny.mutual("KOR", "JPN", min_share=0.11).a_on_b.empty       # 10% < 11%
    assert "10%" in m.method
    sd = tiny.shared_dependence("KOR", "JPN", on="CHN", redirect=1.0).iloc[0]
    # issue 11 §2: the shock R = {CHN}, M = {KOR, JPN}, cut 1. Exposed KOR 60, JPN 50.
    # Substitutes: USA, DEU (not CHN, KOR, JPN); exports outside M: USA 90 - 80 = 10 (FRA),
    # DEU 40 -> P = 50 with redirect 1, shared 60:50 -> KOR 300/11, JPN 250/11
    assert sd["pool_kusd"] == pytest.approx(50)
    assert sd["a_covered_kusd"] == pytest.approx(300 / 11)
    assert sd["a_coverage_share"] == pytest.approx(50 / 110)
    assert sd["b_covered_kusd"] == pytest.approx(250 / 11)
    # what each still gets from its other suppliers: KOR 30 + 10 (USA, JPN), JPN 50 (USA)
    assert (sd["a_other_kusd"], sd["b_other_kusd"]) == pytest.approx((40, 50))
    assert [x["supplier"] for x in sd["substitutes"]] == ["DEU", "USA"]
    assert [x["value_kusd"] for x in sd["substitutes"]] == pytest.approx([40, 10])
