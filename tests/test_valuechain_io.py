"""Input-output engine: hand-worked 3-sector table, real WIOD 2011 identities, extraction.

The engine reads its tables from the warehouse: the hand-worked table is stored in a tiny
in-memory warehouse through the same loader as WIOD, the real 2011 table comes from the
default warehouse, and the raw parquet files in ../shared/data are the reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from straits import provenance
from straits._kernels import io as k
from straits.errors import DataNotLoadedError, InputFileError, ParameterError, UnknownCodeError
from straits.sources.wiod import MRIOTable, read_wiod
from straits.valuechain import io, iotable
from straits.warehouse.backend import DuckDBBackend, connect
from straits.warehouse.valuechain_load import load_mrio

# Hand-worked table (million USD). Rows supply, columns use; output x = (100, 200, 100).
Z3 = np.array([[20.0, 40.0, 10.0],
               [10.0, 20.0, 30.0],
               [30.0, 40.0, 10.0]])
X3 = np.array([100.0, 200.0, 100.0])
# A = Z / x_j:  column 1 /100, column 2 /200, column 3 /100
A3 = np.array([[0.2, 0.2, 0.1],
               [0.1, 0.1, 0.3],
               [0.3, 0.2, 0.1]])
# B = Z / x_i:  row 1 /100, row 2 /200, row 3 /100
B3 = np.array([[0.2, 0.4, 0.1],
               [0.05, 0.1, 0.15],
               [0.3, 0.4, 0.1]])
# I - A = [[.8,-.2,-.1],[-.1,.9,-.3],[-.3,-.2,.9]]
# det = .8(.81-.06) + .2(-.09-.09) - .1(.02+.27) = .6 - .036 - .029 = .535
# cofactors: C11=.75 C12=.18 C13=.29 C21=.20 C22=.69 C23=.22 C31=.15 C32=.25 C33=.70
# L = adj(I-A)/det = C^T / .535
L3 = np.array([[0.75, 0.20, 0.15],
               [0.18, 0.69, 0.25],
               [0.29, 0.22, 0.70]]) / 0.535
F3 = np.array([30.0, 140.0, 20.0])  # f = x - Z 1 = (100-70, 200-60, 100-80)
V3 = np.array([40.0, 100.0, 50.0])  # v = x - 1'Z = (100-60, 200-100, 100-50)


def test_hand_worked_core():
    c = k.compute_core(Z3, X3)
    np.testing.assert_allclose(c.A, A3, rtol=1e-12)
    np.testing.assert_allclose(c.B, B3, rtol=1e-12)
    np.testing.assert_allclose(c.L, L3, rtol=1e-12)
    # row 1 of L f: (.75*30 + .20*140 + .15*20)/.535 = 53.5/.535 = 100
    np.testing.assert_allclose(c.L @ F3, X3, rtol=1e-12)
    np.testing.assert_allclose(c.solve(F3), X3, rtol=1e-12)  # from the cached LU
    np.testing.assert_allclose(c.f, F3)
    np.testing.assert_allclose(c.v, V3)
    # G = x^-1 L x: G_12 = L_12 * 200 / 100 = 2 * .20 / .535
    assert c.G[0, 1] == pytest.approx(0.4 / 0.535, rel=1e-12)
    np.testing.assert_allclose(c.G, np.linalg.inv(np.eye(3) - B3), rtol=1e-12)
    np.testing.assert_allclose(V3 @ c.G, X3, rtol=1e-12)


def test_hand_worked_extraction_matches_direct():
    c = k.compute_core(Z3, X3)
    rows, cols = np.array([0]), np.array([1, 2])
    # cut 1: A[0, 1:] -> 0, x' = (I - A')^-1 f
    A2 = A3.copy()
    A2[0, 1:] = 0.0
    x2 = np.linalg.solve(np.eye(3) - A2, F3)
    np.testing.assert_allclose(k.backward_extraction_loss(c, rows, cols, 1.0), X3 - x2, rtol=1e-10)
    B2 = B3.copy()
    B2[0, 1:] = 0.0
    x2g = np.linalg.solve((np.eye(3) - B2).T, V3)
    np.testing.assert_allclose(k.forward_extraction_loss(c, rows, cols, 1.0), X3 - x2g, rtol=1e-10)


def _tiny_table() -> MRIOTable:
    return MRIOTable(Z=Z3, Y=F3[:, None], x=X3, countries=("AAA", "AAA", "BBB"),
                     industries=("c1", "c2", "c1"), industry_names={"c1": "Goods", "c2": "Services"},
                     fd_labels=("AAA.CONS_h",), unit="million USD", source="hand-worked", year=2000)


def _tiny_wh() -> DuckDBBackend:
    con = connect(None)
    load_mrio(con, [_tiny_table()], dataset="wiod", release="T", citation="hand-worked",
              sources=["tiny"])
    return DuckDBBackend(con)


@pytest.fixture(scope="module")
def tiny_wh():
    return _tiny_wh()


def test_tiny_table_round_trips_through_the_warehouse(tiny_wh):
    t = iotable.mrio_table(tiny_wh, final_demand=True)
    np.testing.assert_array_equal(t.Z, Z3)
    np.testing.assert_array_equal(t.x, X3)
    np.testing.assert_array_equal(t.Y, F3[:, None])
    assert t.countries == ("AAA", "AAA", "BBB") and t.industry_names["c2"] == "Services"
    assert iotable.mrio_table(tiny_wh) is iotable.mrio_table(tiny_wh)  # cached


def test_shock_on_any_mrio_table(tiny_wh):
    df = io.io_shock(tiny_wh, supplier="AAA", sector="c1", customer="BBB", cut=1.0)
    # cut A[AAA.c1, BBB.c1] = A[0, 2]: rows BBB c1, BBB total, AAA c1, AAA c2, AAA total, WORLD
    assert df[["country", "industry"]].values.tolist() == [
        ["BBB", "c1"], ["BBB", "total"], ["AAA", "c1"], ["AAA", "c2"], ["AAA", "total"], ["WORLD", "total"]]
    A2 = A3.copy()
    A2[0, 2] = 0.0
    loss = X3 - np.linalg.solve(np.eye(3) - A2, F3)
    assert df["leontief_loss_musd"].iloc[-1] == pytest.approx(loss.sum(), rel=1e-10)
    assert df.attrs["shock"]["cut_flows_musd"] == pytest.approx(10.0)  # Z[0, 2]
    prov = provenance.of(df)
    assert prov.dataset == "wiod" and prov.years == (2000,) and "hand-worked" in prov.source


@pytest.fixture(scope="module")
def wiod(wh):
    return iotable.mrio_table(wh, 2011, final_demand=True)


def test_real_table_layout(wiod, shared):
    raw = pd.read_parquet(shared / "wiod-2013" / "wiot_2011.parquet")
    assert wiod.Z.shape == (1435, 1435) and len(wiod.regions) == 41 and len(wiod.sectors) == 35
    assert wiod.Z[wiod.countries.index("KOR") + 13, 0] == raw.loc["KOR.c14", "AUS.c1"]
    np.testing.assert_array_equal(wiod.x, raw["output"].to_numpy(float))
    assert wiod.industry_names["c14"] == "Electrical and optical equipment"


def test_real_leontief_identity(wiod):
    c = iotable.core(wiod)
    assert iotable.core(wiod) is c  # cached
    np.testing.assert_allclose(c.L @ c.f, wiod.x, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(c.v @ c.G, wiod.x, rtol=1e-6, atol=1e-6)
    # f is the table's final demand up to the published integer rounding
    assert np.abs(c.f - wiod.Y.sum(axis=1)).max() <= 110
    assert (c.A.sum(axis=0) < 1).all()


def test_cut_zero_changes_nothing(wh):
    df = io.io_shock(wh, supplier="JPN", sector="c9", customer="KOR", cut=0.0)
    assert (df["leontief_loss_musd"] == 0).all() and (df["ghosh_loss_musd"] == 0).all()


@pytest.mark.parametrize("sup,sec,cus", [("JPN", "c9", "KOR"), ("JPN,CHN", "c9,c14", "KOR,TWN")])
def test_smw_equals_direct_resolve(wh, wiod, sup, sec, cus):
    df = io.io_shock(wh, supplier=sup, sector=sec, customer=cus, cut=0.5)
    c = iotable.core(wiod)
    rows = iotable.index_of(wiod, sup.split(","), sec.split(","))
    cols = iotable.index_of(wiod, cus.split(","), list(wiod.sectors))
    back = k.backward_extraction_direct(c, rows, cols, 0.5)
    fwd = k.forward_extraction_direct(c, rows, cols, 0.5)
    world = df[df["country"].eq("WORLD")].iloc[0]
    assert world["leontief_loss_musd"] == pytest.approx(back.sum(), rel=1e-9)
    assert world["ghosh_loss_musd"] == pytest.approx(fwd.sum(), rel=1e-9)
    np.testing.assert_allclose(k.backward_extraction_loss(c, rows, cols, 0.5), back, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(k.forward_extraction_loss(c, rows, cols, 0.5), fwd, rtol=1e-7, atol=1e-7)


def test_shock_rows_and_totals(wh, wiod):
    df = io.io_shock(wh, supplier="JPN", sector="c9", customer="KOR", cut=0.5)
    assert list(df.columns[:6]) == ["country", "industry", "industry_name", "output_musd",
                                    "leontief_loss_musd", "ghosh_loss_musd"]
    assert len(df) == 2 * 35 + 2 + 1
    kor = df[df["country"].eq("KOR")]
    tot = kor[kor["industry"].eq("total")].iloc[0]
    assert tot["leontief_loss_musd"] == pytest.approx(
        kor[kor["industry"].ne("total")]["leontief_loss_musd"].sum())
    # the cut value: 0.5 * sum of JPN.c9 -> KOR.* flows in the raw table
    kor_cols = [i for i, r in enumerate(wiod.countries) if r == "KOR"]
    jpn_c9 = wiod.countries.index("JPN") + 8
    assert df.attrs["shock"]["cut_flows_musd"] == pytest.approx(0.5 * wiod.Z[jpn_c9, kor_cols].sum())
    # demand-driven loss falls mostly on the supplier, supply-driven loss on the customer
    jpn = df[(df["country"] == "JPN") & (df["industry"] == "total")].iloc[0]
    assert jpn["leontief_loss_musd"] > tot["leontief_loss_musd"]
    assert tot["ghosh_loss_musd"] > jpn["ghosh_loss_musd"]
    assert "Leontief" in provenance.of(df).method and "Ghosh" in provenance.of(df).method


def test_errors(wh, tmp_path):
    with pytest.raises(ParameterError, match="'cut' parameter"):
        io.io_shock(wh, supplier="JPN", sector="c9", customer="KOR", cut=1.5)
    with pytest.raises(UnknownCodeError, match="unknown industry"):
        io.io_shock(wh, supplier="JPN", sector="c99", customer="KOR", cut=0.5)
    with pytest.raises(UnknownCodeError, match="not a region"):
        io.io_shock(wh, supplier="XYZ", sector="c9", customer="KOR", cut=0.5)
    with pytest.raises(ParameterError, match="'supplier' parameter"):
        io.io_shock(wh, supplier="", sector="c9", customer="KOR", cut=0.5)
    with pytest.raises(DataNotLoadedError, match="loaded WIOD years: 2011-2011"):
        io.io_shock(wh, year=2005, supplier="JPN", sector="c9", customer="KOR", cut=0.5)
    with pytest.raises(InputFileError, match="1995-2011"):
        read_wiod(tmp_path / "wiot_2020.parquet", 2020)


def test_sector_and_country_spellings(wiod):
    assert iotable.resolve_sectors(wiod, "Chemicals and chemical products", name="s", func="f") == ["c9"]
    assert iotable.resolve_sectors(wiod, "14", name="s", func="f") == ["c14"]
    assert iotable.resolve_regions(wiod, "Korea, ROU, row", name="c", func="f") == ["KOR", "ROM", "RoW"]


def test_user_year_ingested_and_used(tmp_path, shared):
    """A WIOD year the user ingests is what io_shock reads (year=None: the latest loaded)."""
    import shutil

    import straits

    for name in ("wiot_2005.parquet", "sectors.csv"):
        shutil.copy(shared / "wiod-2013" / name, tmp_path / name)
    raw = pd.read_parquet(tmp_path / "wiot_2005.parquet")
    with straits.open(tmp_path / "w.duckdb") as s:
        out = s.ingest(tmp_path / "wiot_2005.parquet")
        assert out[["dataset", "year"]].values.tolist() == [["wiod", 2005]]
        assert s.years("wiod") == [2005]
        df = s.io_shock(supplier="JPN", sector="c9", customer="KOR", cut=0.5)
        kor = [c for c in raw.columns if c.startswith("KOR.c")]
        assert df.attrs["shock"]["year"] == 2005
        assert df.attrs["shock"]["cut_flows_musd"] == pytest.approx(0.5 * raw.loc["JPN.c9", kor].sum())


def test_malformed_wiod_file_rejected_warehouse_intact(tmp_path, shared):
    import shutil

    import straits

    shutil.copy(shared / "wiod-2013" / "sectors.csv", tmp_path / "sectors.csv")
    raw = pd.read_parquet(shared / "wiod-2013" / "wiot_2005.parquet")
    raw.iloc[3, 5] = -1.0  # a negative intermediate flow
    raw.to_parquet(tmp_path / "wiot_2005.parquet")
    with straits.open(tmp_path / "w.duckdb") as s:
        before = s.con.execute("SELECT count(*) FROM releases").fetchall()
        with pytest.raises(InputFileError, match=r"wiot_2005.parquet, column .*: row AUS.c4"):
            s.ingest(tmp_path / "wiot_2005.parquet")
        assert s.con.execute("SELECT count(*) FROM releases").fetchall() == before
        assert s.years("wiod") == []


def test_foreign_input_reliance(wh, wiod, shared):
    df = io.foreign_input_reliance(wh, country="KOR", supplier="JPN,CHN")
    raw = pd.read_parquet(shared / "wiod-2013" / "wiot_2011.parquet")
    col = raw["KOR.c14"].iloc[:1435]
    inputs = col.sum()
    jpn = col[col.index.str.startswith("JPN.")].sum() / inputs
    foreign = col[~col.index.str.startswith("KOR.")].sum() / inputs
    row = df[(df["industry"] == "c14")].set_index("supplier")
    assert row.loc["JPN", "face_value_share"] == pytest.approx(jpn, rel=1e-12)
    assert row.loc["FOREIGN", "face_value_share"] == pytest.approx(foreign, rel=1e-12)
    # look-through sees indirect inputs too, and stays a fraction
    assert 0 < row.loc["FOREIGN", "look_through_share"] < 1
    assert set(df["supplier"]) == {"JPN", "CHN", "FOREIGN"}
    assert len(df) == 3 * 35 + 3


@given(cut1=st.floats(0, 1), cut2=st.floats(0, 1))
@settings(max_examples=40, deadline=None)
def test_losses_grow_with_the_cut(cut1, cut2):
    t = _tiny_table()
    lo, hi = sorted((cut1, cut2))
    a = io.shock_table(t, supplier="AAA", sector="c1,c2", customer="BBB", cut=lo).iloc[-1]
    b = io.shock_table(t, supplier="AAA", sector="c1,c2", customer="BBB", cut=hi).iloc[-1]
    assert -1e-9 <= a["leontief_loss_musd"] <= b["leontief_loss_musd"] + 1e-9
    assert -1e-9 <= a["ghosh_loss_musd"] <= b["ghosh_loss_musd"] + 1e-9


def test_malformed_wiod_layout_rejected(tmp_path):
    pd.DataFrame({"AAA.c1": [1.0], "output": [2.0]}, index=pd.Index(["AAA.c2"], name="row")).to_parquet(
        tmp_path / "wiot_2001.parquet")
    (tmp_path / "sectors.csv").write_text("code,name\nc1,Goods\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="wiot_2001.parquet: expected the first columns"):
        read_wiod(tmp_path / "wiot_2001.parquet", 2001)
