"""Input-output engine: hand-worked 3-sector table, real WIOD 2011 identities, extraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from straits._kernels import io as k
from straits.errors import DataNotLoadedError, ParameterError, UnknownCodeError
from straits.sources.wiod import MRIOTable, load_wiod
from straits.valuechain import io

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


def test_shock_on_any_mrio_table():
    df = io.io_shock(supplier="AAA", sector="c1", customer="BBB", cut=1.0, table=_tiny_table())
    # cut A[AAA.c1, BBB.c1] = A[0, 2]: rows BBB c1, BBB total, AAA c1, AAA c2, AAA total, WORLD
    assert df[["country", "industry"]].values.tolist() == [
        ["BBB", "c1"], ["BBB", "total"], ["AAA", "c1"], ["AAA", "c2"], ["AAA", "total"], ["WORLD", "total"]]
    A2 = A3.copy()
    A2[0, 2] = 0.0
    loss = X3 - np.linalg.solve(np.eye(3) - A2, F3)
    assert df["leontief_loss"].iloc[-1] == pytest.approx(loss.sum(), rel=1e-10)
    assert df.attrs["cut_flows_musd"] == pytest.approx(10.0)  # Z[0, 2]


@pytest.fixture(scope="module")
def wiod():
    return load_wiod(2011)


def test_real_table_layout(wiod, shared):
    raw = pd.read_parquet(shared / "wiod-2013" / "wiot_2011.parquet")
    assert wiod.Z.shape == (1435, 1435) and len(wiod.regions) == 41 and len(wiod.sectors) == 35
    assert wiod.Z[wiod.countries.index("KOR") + 13, 0] == raw.loc["KOR.c14", "AUS.c1"]
    np.testing.assert_array_equal(wiod.x, raw["output"].to_numpy(float))
    assert wiod.industry_names["c14"] == "Electrical and optical equipment"


def test_real_leontief_identity(wiod):
    c = io.core(wiod)
    assert io.core(wiod) is c  # cached
    np.testing.assert_allclose(c.L @ c.f, wiod.x, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(c.v @ c.G, wiod.x, rtol=1e-6, atol=1e-6)
    # f is the table's final demand up to the published integer rounding
    assert np.abs(c.f - wiod.Y.sum(axis=1)).max() <= 110
    assert (c.A.sum(axis=0) < 1).all()


def test_cut_zero_changes_nothing(wiod):
    df = io.io_shock(supplier="JPN", sector="c9", customer="KOR", cut=0.0)
    assert (df["leontief_loss"] == 0).all() and (df["ghosh_loss"] == 0).all()


@pytest.mark.parametrize("sup,sec,cus", [("JPN", "c9", "KOR"), ("JPN,CHN", "c9,c14", "KOR,TWN")])
def test_smw_equals_direct_resolve(wiod, sup, sec, cus):
    df = io.io_shock(supplier=sup, sector=sec, customer=cus, cut=0.5)
    c = io.core(wiod)
    rows = io._index(wiod, sup.split(","), sec.split(","))
    cols = io._index(wiod, cus.split(","), list(wiod.sectors))
    back = k.backward_extraction_direct(c, rows, cols, 0.5)
    fwd = k.forward_extraction_direct(c, rows, cols, 0.5)
    world = df[df["country"].eq("WORLD")].iloc[0]
    assert world["leontief_loss"] == pytest.approx(back.sum(), rel=1e-9)
    assert world["ghosh_loss"] == pytest.approx(fwd.sum(), rel=1e-9)
    np.testing.assert_allclose(k.backward_extraction_loss(c, rows, cols, 0.5), back, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(k.forward_extraction_loss(c, rows, cols, 0.5), fwd, rtol=1e-7, atol=1e-7)


def test_shock_rows_and_totals(wiod):
    df = io.io_shock(supplier="JPN", sector="c9", customer="KOR", cut=0.5)
    assert list(df.columns[:6]) == ["country", "industry", "industry_name", "output", "leontief_loss",
                                    "ghosh_loss"]
    assert len(df) == 2 * 35 + 2 + 1
    kor = df[df["country"].eq("KOR")]
    tot = kor[kor["industry"].eq("total")].iloc[0]
    assert tot["leontief_loss"] == pytest.approx(kor[kor["industry"].ne("total")]["leontief_loss"].sum())
    # the cut value: 0.5 * sum of JPN.c9 -> KOR.* flows in the raw table
    kor_cols = [i for i, r in enumerate(wiod.countries) if r == "KOR"]
    jpn_c9 = wiod.countries.index("JPN") + 8
    assert df.attrs["cut_flows_musd"] == pytest.approx(0.5 * wiod.Z[jpn_c9, kor_cols].sum())
    # demand-driven loss falls mostly on the supplier, supply-driven loss on the customer
    jpn = df[(df["country"] == "JPN") & (df["industry"] == "total")].iloc[0]
    assert jpn["leontief_loss"] > tot["leontief_loss"] and tot["ghosh_loss"] > jpn["ghosh_loss"]
    assert set(df.attrs["method"]) == {"leontief_loss", "ghosh_loss"}


def test_errors():
    with pytest.raises(ParameterError, match="'cut' parameter"):
        io.io_shock(supplier="JPN", sector="c9", customer="KOR", cut=1.5)
    with pytest.raises(UnknownCodeError, match="unknown industry"):
        io.io_shock(supplier="JPN", sector="c99", customer="KOR", cut=0.5)
    with pytest.raises(UnknownCodeError, match="not a region"):
        io.io_shock(supplier="XYZ", sector="c9", customer="KOR", cut=0.5)
    with pytest.raises(DataNotLoadedError, match="not embedded"):
        io.io_shock(year=2005, supplier="JPN", sector="c9", customer="KOR", cut=0.5)
    with pytest.raises(DataNotLoadedError, match="1995-2011"):
        load_wiod(2020)


def test_sector_and_country_spellings(wiod):
    assert io.resolve_sectors(wiod, "Chemicals and chemical products", name="s", func="f") == ["c9"]
    assert io.resolve_sectors(wiod, "14", name="s", func="f") == ["c14"]
    assert io.resolve_regions(wiod, "Korea, ROU, row", name="c", func="f") == ["KOR", "ROM", "RoW"]


def test_user_folder_year(shared):
    t = load_wiod(2005, path=shared / "wiod-2013")
    assert t.year == 2005 and t.Z.shape == (1435, 1435)


def test_foreign_input_reliance(wiod, shared):
    df = io.foreign_input_reliance(country="KOR", supplier="JPN,CHN")
    raw = pd.read_parquet(shared / "wiod-2013" / "wiot_2011.parquet")
    col = raw["KOR.c14"].iloc[:1435]
    inputs = col.sum()
    jpn = col[col.index.str.startswith("JPN.")].sum() / inputs
    foreign = col[~col.index.str.startswith("KOR.")].sum() / inputs
    row = df[(df["industry"] == "c14")].set_index("supplier")
    assert row.loc["JPN", "face_value"] == pytest.approx(jpn, rel=1e-12)
    assert row.loc["FOREIGN", "face_value"] == pytest.approx(foreign, rel=1e-12)
    # look-through sees indirect inputs too, and stays a fraction
    assert 0 < row.loc["FOREIGN", "look_through"] < 1
    assert set(df["supplier"]) == {"JPN", "CHN", "FOREIGN"}
    assert len(df) == 3 * 35 + 3


@given(cut1=st.floats(0, 1), cut2=st.floats(0, 1))
@settings(max_examples=40, deadline=None)
def test_losses_grow_with_the_cut(cut1, cut2):
    t = _tiny_table()
    lo, hi = sorted((cut1, cut2))
    a = io.io_shock(supplier="AAA", sector="c1,c2", customer="BBB", cut=lo, table=t).iloc[-1]
    b = io.io_shock(supplier="AAA", sector="c1,c2", customer="BBB", cut=hi, table=t).iloc[-1]
    assert -1e-9 <= a["leontief_loss"] <= b["leontief_loss"] + 1e-9
    assert -1e-9 <= a["ghosh_loss"] <= b["ghosh_loss"] + 1e-9


def test_malformed_wiod_file_rejected(tmp_path):
    from straits.errors import InputFileError

    pd.DataFrame({"AAA.c1": [1.0], "output": [2.0]}, index=pd.Index(["AAA.c2"], name="row")).to_parquet(
        tmp_path / "wiot_2001.parquet")
    with pytest.raises(InputFileError, match="wiot_2001.parquet: expected the first columns"):
        load_wiod(2001, path=tmp_path)
