"""The shared substitute pool of the shock (issue 11 §1): hand case, invariants, raw recompute.

Hand-computed world (product 811292, year 2020, thousand USD; docs/security.md works it):

    CHN->KOR 80  CHN->JPN 40  CHN->DEU 20  CHN->IND 50
    USA->KOR 20  USA->IND 100 USA->BRA 50
    AUS->JPN 60  AUS->IND 150
    BRA->DEU 30  BRA->USA 25
    KOR->JPN 10

R = {CHN}, M = {KOR, JPN, DEU}, cut 1, redirect 0.2. Exposed: KOR 80, JPN 40, DEU 20 (E = 140).
Substitutes are USA, AUS, BRA (KOR is in M). Exports outside M: USA 150, AUS 150, BRA 25;
pools 30, 30, 5 (P = 65). covered_m = exposed_m x 65/140: KOR 260/7, JPN 130/7, DEU 65/7.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from straits.errors import ParameterError
from straits.security.shock import allocate as allocate_arrow
from straits.security.shock import frame
from tests._tiny import tiny_warehouse

P = "811292"
COUNTRIES = [(156, "CHN"), (410, "KOR"), (392, "JPN"), (276, "DEU"), (842, "USA"), (36, "AUS"),
             (76, "BRA"), (699, "IND")]
FLOWS = [(156, 410, 80), (156, 392, 40), (156, 276, 20), (156, 699, 50),
         (842, 410, 20), (842, 699, 100), (842, 76, 50),
         (36, 392, 60), (36, 699, 150),
         (76, 276, 30), (76, 842, 25),
         (410, 392, 10)]


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    s = tiny_warehouse(tmp_path_factory.mktemp("pool") / "pool.duckdb", COUNTRIES,
                       {2020: [(e, m, P, v) for e, m, v in FLOWS]}, {P: "Gallium etc."})
    yield s
    s.close()


def test_three_importers_by_hand(three):
    df = three.shock(exporter="CHN", importer="KOR,JPN,DEU", products=P).set_index("importer")
    assert df.loc["KOR", "imports_kusd"] == pytest.approx(100)
    assert df.loc["JPN", "imports_kusd"] == pytest.approx(110)          # 40 + 60 + 10
    for m, exposed, imports in (("KOR", 80, 100), ("JPN", 40, 110), ("DEU", 20, 50)):
        r = df.loc[m]
        assert r["exposed_kusd"] == pytest.approx(exposed)
        assert r["pool_kusd"] == pytest.approx(65)
        assert r["covered_kusd"] == pytest.approx(exposed * 65 / 140)
        assert r["coverage_share"] == pytest.approx(65 / 140)
        assert r["gap_kusd"] == pytest.approx(exposed * 75 / 140)
        assert r["gap_share"] == pytest.approx(exposed * 75 / 140 / imports)
        assert r["n_substitutes"] == 3
    # top substitutes from the allocation: AUS and USA (30 each, by name), then BRA
    kor = df.loc["KOR", "top_substitutes"]
    assert [x["supplier"] for x in kor] == ["AUS", "USA", "BRA"]
    assert [x["value_kusd"] for x in kor] == pytest.approx([120 / 7, 120 / 7, 20 / 7])
    w = df.loc["WORLD"]
    assert (w["imports_kusd"], w["exposed_kusd"], w["covered_kusd"], w["gap_kusd"]) == \
        pytest.approx((260, 140, 65, 75))
    alloc = three.shock(exporter="CHN", importer="KOR,JPN,DEU", products=P, by="supplier")
    given_ = alloc.groupby("supplier")["allocated_kusd"].sum()
    assert given_.to_dict() == pytest.approx({"AUS": 30, "USA": 30, "BRA": 5})
    assert alloc.set_index(["supplier", "importer"]).loc[("USA", "DEU"), "allocated_kusd"] == \
        pytest.approx(65 / 7 * 30 / 65)


def test_one_importer_keeps_the_0_1_numbers(three):
    # 0.1: capacity = 0.2 x exports of every exporter but CHN and KOR to destinations but KOR
    r = three.shock(exporter="CHN", importer="KOR", products=P).iloc[0]
    pool = 0.2 * (100 + 50 + 60 + 150 + 30 + 25)                      # USA, AUS, BRA
    assert r["pool_kusd"] == pytest.approx(pool)
    assert r["covered_kusd"] == pytest.approx(min(80, pool))


def test_repetition_and_spelling_count_once(three):
    a = three.shock(exporter="CHN", importer="KOR,JPN,DEU", products=P)
    b = three.shock(exporter="China", importer="DEU,KR,Japan,KOR,410", products=P)
    key = ["importer", "product"]
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                  b.sort_values(key).reset_index(drop=True))


@pytest.mark.parametrize("kw", [
    {"importer": "KOR", "also_restricting": "KOR"},      # R and M overlap
    {"importer": "KOR,CHN"},                              # the exporter is affected
    {"importer": "KOR,KOR+JPN"},                          # one economy in two importers
    {"importer": ""}, {"importer": []}, {"importer": "KOR,,JPN"},
])
def test_overlaps_and_empties_are_errors(three, kw):
    with pytest.raises(ParameterError):
        three.shock(exporter="CHN", products=P, **{"importer": "KOR", **kw})


# -- invariants of the allocation, for any input -------------------------------------------

def allocate(imports, pools, **kw):
    """The allocation as pandas frames (the engine returns Arrow tables)."""
    return tuple(frame(t) for t in allocate_arrow(imports, pools, **kw))


@st.composite
def worlds(draw):
    n_m = draw(st.integers(1, 5))
    n_s = draw(st.integers(0, 6))
    prods = ["p1", "p2"]
    val = st.floats(0, 1e6, allow_nan=False, allow_infinity=False)
    rows = []
    for m in range(n_m):
        for p in prods:
            imp = draw(val)
            rows.append((f"M{m}", p, imp, draw(st.floats(0, 1)) * imp))
    imports = pd.DataFrame(rows, columns=["importer", "product", "imports_kusd",
                                          "from_restricting_kusd"])
    pools = pd.DataFrame([(f"S{s}", p, draw(val)) for s in range(n_s) for p in prods],
                         columns=["supplier", "product", "exports_outside_kusd"])
    return imports, pools


@settings(max_examples=150, deadline=None)
@given(w=worlds(), cut=st.floats(0, 1), redirect=st.floats(0, 1))
def test_allocation_meets_the_three_limits(w, cut, redirect):
    imports, pools = w
    table, alloc = allocate(imports, pools, cut=cut, redirect=redirect)
    rows = table[table["importer"] != "WORLD"]
    tol = 1e-9 * (1 + imports["imports_kusd"].sum() + pools["exports_outside_kusd"].sum())
    assert (rows["covered_kusd"] <= rows["exposed_kusd"] + tol).all()          # limit 1
    given_ = alloc.groupby(["product", "supplier"])["allocated_kusd"].sum()
    pool = (redirect * pools.set_index(["product", "supplier"])["exports_outside_kusd"])
    assert (given_ <= pool.reindex(given_.index) + tol).all()                  # limit 2
    by_p = rows.groupby("product")
    big_p = (redirect * pools.groupby("product")["exports_outside_kusd"].sum()).reindex(
        ["p1", "p2"]).astype(float).fillna(0.0)
    covered = by_p["covered_kusd"].sum()
    assert (covered <= big_p.reindex(covered.index) + tol).all()               # limit 3
    # and the pool is used as far as it can be: sum covered = min(E, P)
    want = np.minimum(by_p["exposed_kusd"].sum(), big_p.reindex(covered.index))
    np.testing.assert_allclose(covered, want, rtol=1e-9, atol=tol)
    assert ((rows["gap_kusd"] >= -tol) & (rows["gap_share"].fillna(0) <= 1 + 1e-9)).all()


@settings(max_examples=60, deadline=None)
@given(w=worlds(), c=st.lists(st.floats(0, 1), min_size=2, max_size=2),
       r=st.lists(st.floats(0, 1), min_size=2, max_size=2))
def test_allocation_is_monotone_in_cut_and_redirect(w, c, r):
    imports, pools = w
    lo_c, hi_c = sorted(c)
    lo_r, hi_r = sorted(r)

    def run(cut, redirect):
        t = allocate(imports, pools, cut=cut, redirect=redirect)[0]
        return t.set_index(["importer", "product"]).sort_index()

    tol = 1e-6 * (1 + imports["imports_kusd"].sum() + pools["exports_outside_kusd"].sum())
    a, b = run(lo_c, hi_r), run(hi_c, hi_r)
    assert (b["covered_kusd"] >= a["covered_kusd"] - tol).all()
    assert (b["gap_kusd"] >= a["gap_kusd"] - tol).all()
    a, b = run(hi_c, lo_r), run(hi_c, hi_r)
    assert (b["covered_kusd"] >= a["covered_kusd"] - tol).all()
    assert (b["gap_kusd"] <= a["gap_kusd"] + tol).all()


_SPELL = {"KOR": ["KOR", "KR", "Korea", "410"], "JPN": ["JPN", "Japan"], "USA": ["USA", "US"],
          "EU27": ["EU27"], "VNM": ["VNM", "Viet Nam"], "IND": ["IND", "India"]}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(list(_SPELL)).flatmap(lambda order: st.tuples(
    st.just(order), st.lists(st.sampled_from(order), max_size=4),
    st.lists(st.integers(0, 3), min_size=len(order) + 4, max_size=len(order) + 4))))
def test_real_shock_ignores_order_and_repetition(session, drawn):
    order, again, which = drawn
    names = [_SPELL[k][which[i] % len(_SPELL[k])] for i, k in enumerate([*order, *again])]
    base = session.shock(exporter="CHN", importer=",".join(_SPELL), products="850511,811292",
                         year=2024, redirect=0.5)
    got = session.shock(exporter="CHN", importer=",".join(names), products="850511,811292",
                        year=2024, redirect=0.5)
    key = ["importer", "product"]
    pd.testing.assert_frame_equal(base.sort_values(key).reset_index(drop=True),
                                  got.sort_values(key).reset_index(drop=True))


# -- recomputed from the raw CSVs ------------------------------------------------------------

TWELVE = "USA,EU27,JPN,KOR,VNM,IND,MEX,THA,TWN,PHL,MYS,TUR"


def test_twelve_importers_recomputed_from_the_csv(session, baci_dir):
    """The issue's 850511 case, redone with pandas from BACI_HS17_Y2024_V202601.csv."""
    from straits.reference.blocs import resolve_party

    raw = pd.read_csv(baci_dir / "BACI_HS17_Y2024_V202601.csv", dtype={"k": str})
    raw = raw[(raw["k"].str.zfill(6) == "850511") & (raw["i"] != raw["j"])]
    party = {}
    for label in TWELVE.split(","):
        for code in resolve_party(label).codes:
            party[code] = label
    d = raw.assign(pe=raw["i"].map(party), pm=raw["j"].map(party))
    d = d[d["pe"].isna() | (d["pe"] != d["pm"])]                      # intra-EU trade out
    mine = d[d["pm"].notna()]
    exposed = mine[mine["i"] == 156].groupby("pm")["v"].sum()
    imports = mine.groupby("pm")["v"].sum()
    subs = d[(d["i"] != 156) & d["pe"].isna() & d["pm"].isna()]
    pool = 0.5 * subs["v"].sum()
    ratio = min(1.0, pool / exposed.sum())
    df = session.shock(exporter="CHN", importer=TWELVE, products="850511", year=2024,
                       redirect=0.5).set_index("importer")
    for m in TWELVE.split(","):
        assert df.loc[m, "imports_kusd"] == pytest.approx(imports[m])
        assert df.loc[m, "exposed_kusd"] == pytest.approx(exposed[m])
        assert df.loc[m, "covered_kusd"] == pytest.approx(exposed[m] * ratio)
    assert df.loc["WORLD", "pool_kusd"] == pytest.approx(pool)
    # the shared pool is never over-used (0.1 claimed 2.6x what existed)
    assert df.loc["WORLD", "covered_kusd"] <= pool * (1 + 1e-12)


def test_arrow_and_pandas_results_agree(session):
    """The same screen and shock asked two ways: ``arrow=True`` (what the CLI writes) and
    the default DataFrame hold the same rows, values and provenance (real 2024 data)."""
    from straits.provenance import of

    for arrow_t, df in (
        (session.dependency("KOR", year=2024, arrow=True), session.dependency("KOR", year=2024)),
        *((session.shock(exporter="CHN", importer="KOR,JPN,EU27", products="8112,2504,8505",
                         by=by, arrow=True),
           session.shock(exporter="CHN", importer="KOR,JPN,EU27", products="8112,2504,8505",
                         by=by)) for by in ("importer", "supplier")),
    ):
        assert of(arrow_t) == of(df)
        assert arrow_t.column_names == list(df.columns)
        pd.testing.assert_frame_equal(frame(arrow_t), df, check_dtype=False)
    kor = session.dependency("KOR", year=2024, products="811292", arrow=True).to_pylist()[0]
    assert (kor["top_supplier"], kor["import_kusd"]) == ("CHN", pytest.approx(100011.284))
