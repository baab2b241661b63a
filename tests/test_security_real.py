"""Security engine on the embedded BACI extract, recomputed independently from the CSVs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from straits.cli.app import app
from straits.security.dependency import COLUMNS

runner = CliRunner()


@pytest.fixture(scope="module")
def baci(baci_dir):
    """year, i, j, k (6-char), v from the shared CSVs, with ISO3 columns (TWN for 490)."""
    frames = [pd.read_csv(baci_dir / f"BACI_HS17_Y{y}_V202601.csv", dtype={"k": str})
              for y in (2022, 2023, 2024)]
    df = pd.concat(frames)
    df["k"] = df["k"].str.zfill(6)
    iso = pd.read_csv(baci_dir / "country_codes_V202601.csv").set_index("country_code")
    iso = iso["country_iso3"].replace({"S19": "TWN"})
    df["ei"], df["mi"] = df["i"].map(iso), df["j"].map(iso)
    return df[df["i"] != df["j"]]


def screen_row(baci: pd.DataFrame, iso3: str, product: str, year: int) -> dict:
    """The dependency row recomputed with pandas, following the definitions literally."""
    d = baci[(baci["t"] == year) & (baci["k"] == product)]
    imp = d[d["mi"] == iso3].groupby("ei")["v"].sum()
    sh = imp / imp.sum()
    wx = d.groupby("ei")["v"].sum()
    ws = wx / wx.sum()
    exports = wx.get(iso3, 0.0)
    ratio = imp.sum() / exports if exports > 0 else np.inf
    hhi, whhi = float((sh**2).sum()), float((ws**2).sum())
    return {"import_kusd": imp.sum(), "top_supplier": sh.idxmax(), "top_share": sh.max(),
            "n_suppliers": len(imp), "import_hhi": hhi, "world_export_hhi": whhi,
            "ratio": ratio, "geodep": hhi > 0.4 and whhi > 0.4 and ratio > 1}


def test_korea_811292_2023(session, baci):
    df = session.dependency("KOR", year=2023)
    assert list(df.columns[: len(COLUMNS)]) == COLUMNS
    row = df.set_index("product").loc["811292"]
    ref = screen_row(baci, "KOR", "811292", 2023)
    assert row["top_supplier"] == ref["top_supplier"] == "CHN"
    assert row["top_share"] == pytest.approx(ref["top_share"])        # 68495.858 / 76444.598
    assert row["top_share"] == pytest.approx(68495.858 / 76444.598)
    for col in ("import_kusd", "import_hhi", "world_export_hhi"):
        assert row[col] == pytest.approx(ref[col]), col
    assert row["n_suppliers"] == ref["n_suppliers"]
    assert row["import_export_ratio"] == pytest.approx(ref["ratio"])
    assert bool(row["one_country_50"]) and bool(row["critical"])
    assert bool(row["geodep"]) == ref["geodep"]
    assert df["value_at_risk_kusd"].is_monotonic_decreasing
    assert "CEPII BACI HS17 V202601" in df.attrs["source"]


def test_every_korean_product_2024(session, baci):
    df = session.dependency("KOR", year=2024).set_index("product")
    for product in df.index:
        ref = screen_row(baci, "KOR", product, 2024)
        assert df.at[product, "top_supplier"] == ref["top_supplier"]
        assert df.at[product, "import_hhi"] == pytest.approx(ref["import_hhi"])
        assert bool(df.at[product, "geodep"]) == ref["geodep"], product


def test_persistence_counts_years(session, baci):
    df = session.dependency("KOR", year=2024, persistence=2).set_index("product")
    for product in df.index[:10]:
        n = sum(product in set(baci[(baci["t"] == y) & (baci["mi"] == "KOR")]["k"])
                and screen_row(baci, "KOR", product, y)["geodep"] for y in (2022, 2023, 2024))
        assert df.at[product, "geodep_years"] == n
        assert bool(df.at[product, "geodep"]) == (n >= 2)


def test_all_importers_matches_single(session):
    everyone = session.dependency_all(year=2024)
    kor = everyone[everyone["importer"] == "KOR"].drop(columns="importer")
    one = session.dependency("KOR", year=2024).drop(columns="description")
    pd.testing.assert_frame_equal(kor.reset_index(drop=True), one, check_like=True,
                                  check_dtype=False)


def test_shock_real_korea_gallium(session, baci):
    df = session.shock(exporter="CHN", importer="KOR", products="811292", year=2024,
                       redirect=0.2)
    r = df.iloc[0]
    d = baci[(baci["t"] == 2024) & (baci["k"] == "811292")]
    from_chn = d[(d["ei"] == "CHN") & (d["mi"] == "KOR")]["v"].sum()
    alt = d[~d["ei"].isin(["CHN", "KOR"]) & (d["mi"] != "KOR")].groupby("ei")["v"].sum()
    cap = 0.2 * alt.sum()
    assert r["exposed_kusd"] == pytest.approx(from_chn)
    assert r["pool_kusd"] == pytest.approx(cap)
    gap = from_chn - min(from_chn, cap)
    assert r["gap_kusd"] == pytest.approx(gap)
    imports = d[d["mi"] == "KOR"]["v"].sum()
    assert r["gap_share"] == pytest.approx(gap / imports)
    assert r["top_substitutes"][0]["supplier"] == (0.2 * alt).idxmax()


def thin(d: pd.DataFrame, k: int) -> pd.DataFrame:
    """Keep each importer's top k suppliers and each exporter's top k customers per product."""
    rm = d.groupby(["t", "j", "k"])["v"].rank(ascending=False, method="first")
    re = d.groupby(["t", "i", "k"])["v"].rank(ascending=False, method="first")
    return d[(rm <= k) | (re <= k)]


def test_event_gallium_share(session, baci):
    e = session.event("cn-gallium-germanium-2023")
    assert (e.before_year, e.after_year) == (2022, 2024)
    assert any("partial" in n for n in e.notes)
    # issue 11 §6: 2022 keeps each importer's top 6 suppliers and each exporter's top 6
    # customers per product; 2024 is cut the same way before the years are compared
    assert any("top 6" in n and "2024 was cut the same way" in n for n in e.notes)
    s = e.summary.iloc[0]
    cut = thin(baci[baci["k"] == "811292"], 6)
    for year, col in ((2022, "share_before"), (2024, "share_after")):
        d = cut[(cut["t"] == year) & (cut["mi"] == "KOR")]
        assert s[col] == pytest.approx(d[d["ei"] == "CHN"]["v"].sum() / d["v"].sum())
    assert s["share_change_pp"] == pytest.approx((s["share_after"] - s["share_before"]) * 100)
    assert set(e.annual["period"]) == {"before", "start (partial)", "after"}
    assert s["source"] == "baci" and e.coverage["covered"].all()


def test_event_falls_back_to_reporter_data(session):
    e = session.event("cn-graphite-2023")
    assert e.products == ["250490"] and set(e.missing) == {"250410", "380110", "380190"}
    by = e.summary.set_index("code")
    # 250410 and 380110 come from China's reported exports to Korea (no share), 250490 from
    # BACI; 380190 no source holds
    assert by.loc["250410", "source"] == by.loc["380110", "source"] == "reporter"
    assert by.loc["250410", "side"] == "exporter" and np.isnan(by.loc["250410", "share_before"])
    assert by.loc["250410", "from_restricting_change_pct"] < 0        # the monthly story
    cov = e.coverage.set_index("product")
    assert not cov.loc["380190", "covered"] and cov.loc["250490", "minor"]
    assert any("Not covered" in n and "380190" in n for n in e.notes)
    assert any("250490" in n and "do not generalise" in n for n in e.notes)
    jk = session.event("jp-kr-2019")                                   # every preset answers
    assert set(jk.summary["code"]) == {"2811111000", "3707901010", "392099"}
    hf = jk.summary.set_index("code").loc["2811111000"]
    assert hf["classification"] == "HSK" and (hf["before_year"], hf["after_year"]) == (2018, 2020)


def test_mutual_shared_real(session, baci):
    m = session.mutual("KOR", "JPN", year=2023)
    assert set(m.products["direction"]) <= {"KOR on JPN", "JPN on KOR"}
    d = baci[(baci["t"] == 2023) & (baci["mi"] == "KOR") & (baci["k"] == "711021")]
    row = m.a_on_b.set_index("product").loc["711021"]
    assert row["partner_share"] == pytest.approx(d[d["ei"] == "JPN"]["v"].sum() / d["v"].sum())
    sd = session.shared_dependence("KOR", "JPN", on="CHN", year=2023).set_index("product")
    # issue 11 §3: dependence = a share of at least MIN_SHARE (not a top-3 rank)
    assert (sd["a_on_share"] >= 0.1).all() and (sd["b_on_share"] >= 0.1).all()
    assert ((sd["a_coverage_share"] >= 0) & (sd["a_coverage_share"] <= 1)).all()


def run(*args):
    return runner.invoke(app, list(args))


def test_cli_commands(session):
    r = run("dependency", "KOR", "--year", "2023", "--products", "811292", "-f", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["top_supplier"] == "CHN"
    r = run("shock", "--exporter", "CHN", "--importer", "KOR,JPN", "--products", "811292",
            "--year", "2024", "-f", "csv")
    assert r.exit_code == 0 and r.stdout.startswith("importer,product,imports_kusd")
    for args in (("mutual", "KOR", "JPN", "--year", "2023"),
                 ("shared-dependence", "KOR", "JPN", "--on", "CHN", "--year", "2023"),
                 ("event", "--preset", "cn-antimony-2024"),
                 ("event", "--exporter", "CHN", "--products", "811292", "--start", "2023-08",
                  "--importer", "JPN", "--view", "gainers", "-f", "csv")):
        r = run(*args)
        assert r.exit_code == 0, (args, r.output)
    r = run("event", "--preset", "cn-antimony-2024", "-f", "table")
    assert "partial" in r.stdout and "CEPII BACI" in r.stdout


@pytest.mark.parametrize("args", [
    ("shock", "--exporter", "CHN", "--importer", "KOR", "--products", "811292", "--cut", "1.5"),
    ("shock", "--exporter", "CHN", "--importer", "KOR", "--products", "811292",
     "--redirect", "-1"),
    ("shock", "--exporter", "ZZZ", "--importer", "KOR", "--products", "811292"),
    ("dependency", "KOR", "--year", "1999"),
    ("dependency", "KOR", "--products", "999999"),
    ("event", "--preset", "no-such"),
    ("event", "--exporter", "CHN", "--products", "811292", "--start", "2023-13",
     "--importer", "KOR"),
])
def test_cli_errors_exit_2(session, args):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert "Error:" in r.output


def test_screen_bounds(session):
    df = session.dependency_all(year=2024)
    assert ((df["import_hhi"] >= 1 / df["n_suppliers"] - 1e-12) & (df["import_hhi"] <= 1 + 1e-12)).all()
    assert ((df["top_share"] > 0) & (df["top_share"] <= 1 + 1e-12)).all()
    assert (df["critical"] == (df["one_country_50"] | df["geodep"])).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1), redirect=st.floats(0, 1))
def test_shock_properties(session, cut, redirect):
    df = session.shock(exporter="CHN", importer="KOR,JPN", products="811292,250490",
                       year=2024, cut=cut, redirect=redirect)
    df = df[df["importer"] != "WORLD"]
    assert (df["covered_kusd"] <= df["exposed_kusd"] + 1e-9).all()
    assert (df["gap_kusd"] >= -1e-9).all()
    assert ((df["gap_share"] >= -1e-12) & (df["gap_share"] <= 1 + 1e-12)).all()
    assert np.allclose(df["covered_kusd"] + df["gap_kusd"], df["exposed_kusd"])


def test_security_sql_transpiles_to_spark():
    from straits.reference.blocs import resolve_party
    from straits.security._common import party_table
    from straits.warehouse import security_sql as q
    from straits.warehouse.backend import to_dialect

    eu = party_table([resolve_party("EU27")])
    for query in (q.dependency_screen(years=[2023, 2024], year=2024, products=["811292"],
                                      importers=[-1], pmap=eu, persistence=2,
                                      comparable=(6, None)),
                  q.supplier_shares(years=[2024], products=None, importers=[410],
                                    pmap=party_table([])),
                  q.shock_pools(year=2024, products=["811292"], restricting=[156],
                                affected=[410])):
        assert "SELECT" in to_dialect(query.sql, "spark")


def test_eu27_extra_bloc_real(session, baci):
    from straits.reference.blocs import resolve_party

    eu = set(resolve_party("EU27").members)
    assert len(eu) == 27
    row = session.dependency("EU27", year=2024, products="811292").iloc[0]
    d = baci[(baci["t"] == 2024) & (baci["k"] == "811292")]
    extra = d[d["mi"].isin(eu) & ~d["ei"].isin(eu)]
    by = extra.groupby("ei")["v"].sum()
    assert row["import_kusd"] == pytest.approx(by.sum())
    assert row["top_supplier"] == by.idxmax()
    assert row["top_share"] == pytest.approx(by.max() / by.sum())
    exports = d[d["ei"].isin(eu) & ~d["mi"].isin(eu)]["v"].sum()
    assert row["import_export_ratio"] == pytest.approx(by.sum() / exports)


def test_adhoc_bloc_is_sum_minus_internal(session, baci):
    df = session.dependency("KOR+JPN", year=2023).set_index("product")
    d = baci[baci["t"] == 2023]
    kj = {"KOR", "JPN"}
    ext = d[d["mi"].isin(kj) & ~d["ei"].isin(kj)].groupby("k")["v"].sum()
    pd.testing.assert_series_equal(df["import_kusd"].sort_index(),
                                   ext.loc[df.index].sort_index(), check_names=False)


def test_cli_blocs_option_counts_eu27_as_one_supplier(session):
    import io

    args = ["dependency", "KOR", "--year", "2024", "--products", "850511", "--format", "csv"]
    plain = pd.read_csv(io.StringIO(CliRunner().invoke(app, args).stdout), dtype={"product": str})
    bloc = pd.read_csv(io.StringIO(CliRunner().invoke(app, [*args, "--blocs", "EU27"]).stdout),
                       dtype={"product": str})
    assert bloc.import_kusd.iloc[0] == pytest.approx(plain.import_kusd.iloc[0])
    assert bloc.n_suppliers.iloc[0] < plain.n_suppliers.iloc[0]
