"""A bloc is one economy in every metric: each command with EU27 and KOR+JPN, recomputed.

The figures are recomputed with pandas from the raw CSVs in the package's embedded zip
(CEPII BACI HS17 V202601, 2024, 21,723 flows), without Straits code: flows are relabelled
so that every member of a named bloc carries the bloc's name, flows with both ends in the
same bloc are dropped, and the metric is computed on what is left. The EU27 member list is
written out here (as of 2020-02-01) rather than read from Straits' reference table.
"""

from __future__ import annotations

import io
import zipfile
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from straits.metrics.bilateral import bilateral, grubel_lloyd_by_product
from straits.metrics.complexity import complexity
from straits.metrics.concentration import concentration
from straits.metrics.rca import rca
from straits.metrics.shares import market_shares, totals
from straits.metrics.space import density

EU27 = ("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL "
        "PRT ROU SVK SVN ESP SWE").split()
BLOCS = {"EU27": EU27, "KOR+JPN": ["KOR", "JPN"]}
SMALL = {"min_headings": 2, "min_chapters": 1, "min_economies": 1}


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """2024 flows from the embedded zip with ISO3 labels (Taiwan's S19 read as TWN)."""
    z = resources.files("straits.data").joinpath("baci/BACI_HS17_V202601.zip")
    with z.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as zf:
        df = pd.read_csv(zf.open("BACI_HS17_Y2024_V202601.csv"), dtype={"k": str})
        codes = pd.read_csv(zf.open("country_codes_V202601.csv"), encoding="latin-1")
    df["k"] = df["k"].str.strip().str.zfill(6)
    iso = dict(zip(codes["country_code"], codes["country_iso3"].replace({"S19": "TWN"}),
                   strict=True))
    df["e"], df["m"] = df["i"].map(iso), df["j"].map(iso)
    return df


def merged(df: pd.DataFrame, *blocs: str) -> pd.DataFrame:
    """Members relabelled as their bloc; trade inside a bloc dropped."""
    out = df.copy()
    for b in blocs:
        out.loc[out["e"].isin(BLOCS[b]), "e"] = b
        out.loc[out["m"].isin(BLOCS[b]), "m"] = b
    return out[out["e"] != out["m"]]


@pytest.mark.parametrize("bloc", list(BLOCS))
def test_shares_of_a_bloc_market(wh, raw, bloc):
    ours = market_shares(wh, year=2024, importer=bloc)
    assert not set(ours["exporter"]) & set(BLOCS[bloc])       # no member supplies its bloc
    f = merged(raw, bloc)
    x = f[f["m"] == bloc].groupby(["k", "e"])["v"].sum().rename("v").reset_index()
    x["share"] = x["v"] / x.groupby("k")["v"].transform("sum")
    m = ours.merge(x, left_on=["product", "exporter"], right_on=["k", "e"], how="outer",
                   indicator=True)
    assert (m["_merge"] == "both").all() and len(m) > 100
    np.testing.assert_allclose(m["value_kusd"], m["v"], rtol=1e-9)
    np.testing.assert_allclose(m["share_x"], m["share_y"], rtol=1e-9)


@pytest.mark.parametrize("bloc", list(BLOCS))
def test_concentration_of_a_bloc_market(wh, raw, bloc):
    ours = concentration(wh, year=2024, importer=bloc).set_index("product")
    f = merged(raw, bloc)
    x = f[f["m"] == bloc].groupby(["k", "e"])["v"].sum()
    share = x / x.groupby(level="k").transform("sum")
    want = (share ** 2).groupby(level="k").sum()
    np.testing.assert_allclose(ours.loc[want.index, "hhi"], want, rtol=1e-9)
    top = share.reset_index().sort_values(["k", "v", "e"], ascending=[True, False, True])
    top = top.drop_duplicates("k").set_index("k")
    assert (ours.loc[top.index, "top_exporter"] == top["e"]).all()
    np.testing.assert_allclose(ours.loc[top.index, "top_share"], top["v"], rtol=1e-9)
    assert (ours.loc[want.index, "n_exporters"] == x.groupby(level="k").size()).all()
    assert not set(ours["top_exporter"]) & set(BLOCS[bloc])


def test_concentration_by_party(wh, raw):
    ours = concentration(wh, year=2024, importer="EU27,KOR+JPN", by_importer=True)
    assert set(ours["importer"]) == {"EU27", "KOR+JPN"}
    f = merged(raw, "EU27", "KOR+JPN")
    for b, g in ours.groupby("importer"):
        x = f[f["m"] == b].groupby(["k", "e"])["v"].sum()
        want = ((x / x.groupby(level="k").transform("sum")) ** 2).groupby(level="k").sum()
        np.testing.assert_allclose(g.set_index("product").loc[want.index, "hhi"], want,
                                   rtol=1e-9)


@pytest.mark.parametrize("bloc", list(BLOCS))
def test_rca_of_a_bloc(wh, raw, bloc):
    ours = rca(wh, year=2024, country=bloc)
    assert set(ours["country"]) == {bloc}
    f = merged(raw, bloc)
    x = f.groupby(["e", "k"])["v"].sum()
    xc, xp, xw = x.groupby(level="e").sum(), x.groupby(level="k").sum(), x.sum()
    mine = x.loc[bloc]
    want = (mine / xc[bloc]) / (xp[mine.index] / xw)
    got = ours.set_index("product")["rca"]
    assert sorted(got.index) == sorted(want.index)
    np.testing.assert_allclose(got.loc[want.index], want, rtol=1e-9)


def test_totals_of_blocs(wh, raw):
    ours = totals(wh, year=2024, level="total", country="EU27,KOR+JPN").set_index("country")
    f = merged(raw, "EU27", "KOR+JPN")
    for b in BLOCS:
        assert ours.loc[b, "exports_kusd"] == pytest.approx(f.loc[f["e"] == b, "v"].sum())
        assert ours.loc[b, "imports_kusd"] == pytest.approx(f.loc[f["m"] == b, "v"].sum())
    by_p = totals(wh, year=2024, country="KOR+JPN").set_index("product")["exports_kusd"]
    want = f[f["e"] == "KOR+JPN"].groupby("k")["v"].sum()
    np.testing.assert_allclose(by_p.loc[want.index], want, rtol=1e-9)


def test_bilateral_of_two_blocs(wh, raw):
    ours = bilateral(wh, "EU27", "KOR+JPN", year=2024).set_index(["index", "direction"])
    f = merged(raw, "EU27", "KOR+JPN")
    a, b = "EU27", "KOR+JPN"
    xw = f["v"].sum()
    x_a, x_b = f[f.e == a].groupby("k").v.sum(), f[f.e == b].groupby("k").v.sum()
    m_a, m_b = f[f.m == a].groupby("k").v.sum(), f[f.m == b].groupby("k").v.sum()
    ab, ba = f[(f.e == a) & (f.m == b)].v.sum(), f[(f.e == b) & (f.m == a)].v.sum()
    tii = (ab / x_a.sum()) / (m_b.sum() / xw)
    assert ours.loc[("trade_intensity", f"{a}->{b}"), "value"] == pytest.approx(tii)
    tii_ba = (ba / x_b.sum()) / (m_a.sum() / xw)
    assert ours.loc[("trade_intensity", f"{b}->{a}"), "value"] == pytest.approx(tii_ba)
    idx = x_a.index.union(m_b.index)
    xa, mb = x_a.reindex(idx, fill_value=0), m_b.reindex(idx, fill_value=0)
    tc = 100 * (1 - (mb / mb.sum() - xa / xa.sum()).abs().sum() / 2)
    assert ours.loc[("complementarity", f"{a}->{b}"), "value"] == pytest.approx(tc)
    idx = x_a.index.union(x_b.index)
    xa, xb = x_a.reindex(idx, fill_value=0), x_b.reindex(idx, fill_value=0)
    es = 100 * np.minimum(xa / xa.sum(), xb / xb.sum()).sum()
    assert ours.loc[("export_similarity", "both"), "value"] == pytest.approx(es)
    pab = f[(f.e == a) & (f.m == b)].groupby("k").v.sum()
    pba = f[(f.e == b) & (f.m == a)].groupby("k").v.sum()
    idx = pab.index.union(pba.index)
    pab, pba = pab.reindex(idx, fill_value=0), pba.reindex(idx, fill_value=0)
    gl = 1 - (pab - pba).abs().sum() / (pab + pba).sum()
    assert ours.loc[("grubel_lloyd", "both"), "value"] == pytest.approx(gl)
    assert ab + ba == pytest.approx((pab + pba).sum())
    per = grubel_lloyd_by_product(wh, a, b, year=2024).set_index("product")
    np.testing.assert_allclose(per.loc[idx, "exports_kusd"], pab, rtol=1e-9)


def test_complexity_with_a_bloc_matches_ecomplexity(wh, raw):
    """ECI with EU27 as one economy equals the Growth Lab's on the relabelled matrix."""
    ecomplexity = pytest.importorskip("ecomplexity")
    import warnings

    f = merged(raw, "EU27")
    long = f.groupby(["e", "k"], as_index=False)["v"].sum()
    long.columns = ["loc", "prod", "val"]
    long.insert(0, "year", 2024)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gl = ecomplexity.ecomplexity(long, {"time": "year", "loc": "loc", "prod": "prod",
                                            "val": "val"}, verbose=False,
                                     check_logsupermodularity=False)
    gl = gl.groupby("loc")["eci"].first()
    ours = complexity(wh, year=2024, country="EU27,KOR,CHN", **SMALL).countries
    assert set(ours["country"]) == {"EU27", "KOR", "CHN"}
    got = ours.set_index("country")["eci"]
    np.testing.assert_allclose(got.to_numpy(), gl.loc[got.index].to_numpy(), atol=1e-6)
    d = density(wh, year=2024, country="EU27", **SMALL)
    assert set(d["country"]) == {"EU27"} and len(d) == 30


def test_cli_commands_with_blocs(session):
    from straits.cli.app import app

    runner = CliRunner()

    def csv(*args):
        res = runner.invoke(app, [*args, "--format", "csv"])
        assert res.exit_code == 0, res.output
        return pd.read_csv(io.StringIO(res.stdout), dtype={"product": str})

    for bloc, members in BLOCS.items():
        sh = csv("shares", "--product", "811292", "--importer", bloc)
        assert len(sh) and not set(sh["exporter"]) & set(members)
        conc = csv("concentration", "--importer", bloc)
        assert not set(conc["top_exporter"]) & set(members)
        r = csv("rca", "--country", bloc)
        assert set(r["country"]) == {bloc}
    b = csv("bilateral", "EU27", "KOR+JPN")
    assert set(b["direction"]) == {"EU27->KOR+JPN", "KOR+JPN->EU27", "both"}
    res = runner.invoke(app, ["shares", "--product", "811292", "--importer", "EU27", "-f", "table"])
    assert "EU27 is one economy" in res.stdout
