"""Reporter files (Comtrade classic/API, Korea customs): real totals, mapping, bad input."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import straits
from straits.errors import DataQualityWarning, InputFileError
from straits.sources.detect import detect_layout

KCS = "korea-customs-monthly/kcs_hs10_by_country_monthly_2000_2021.csv"
CN = "china-exports-monthly/comtrade_CHN_exports_hs6_monthly_2017_2024.csv"
KJ = "comtrade-kor-imports-from-jpn/comtrade_H5_KOR_imports_from_JPN_{}.csv"


@pytest.fixture(scope="module")
def kcs(shared) -> pd.DataFrame:
    return pd.read_csv(shared / KCS, keep_default_na=False)


def _sum(session, sql: str) -> float:
    return float(session.con.execute(sql).fetchall()[0][0])


def test_layouts_detected(shared):
    assert detect_layout(shared / KCS).name == "customs-kor"
    assert detect_layout(shared / KJ.format(2019)).name == "comtrade-classic"
    assert detect_layout(shared / CN) is None  # a derived table, not a Comtrade layout
    assert detect_layout(shared / "baci-critical-minerals") is None


def test_customs_totals_recomputed(session, kcs):
    named = kcs[kcs["Country"] != ""]
    src = "source = 'kcs_hs10_by_country_monthly_2000_2021.csv'"
    for flow, col in (("import", "Import_dollar"), ("export", "Export_dollar")):
        got = _sum(session, f"SELECT sum(value_usd) FROM reporter_flows WHERE {src} "
                            f"AND flow = '{flow}'")
        assert got == pytest.approx(named[col].sum(), rel=1e-12)
    # Japan -> Korea hydrogen fluoride, 2019, summed from the raw file
    hf = named[(named["Item"] == 2811111000) & (named["Country"] == "Japan")
               & (named["Year"] == 2019)]
    got = session.reporter_flows(reporter="KOR", partner="JPN", flow="import",
                                 product="2811111000", year=2019, monthly=True)
    assert got["value_usd"].sum() == hf["Import_dollar"].sum()
    assert got["weight_kg"].sum() == pytest.approx(hf["Import_weight"].sum())
    assert set(got["value_basis"]) == {"cif"} and set(got["hs6"]) == {"281111"}


def test_every_customs_partner_maps(session, kcs):
    names = set(kcs["Country"]) - {""}
    stored = session.query("SELECT DISTINCT partner FROM reporter_flows WHERE "
                           "classification = 'HSK'")["partner"]
    # Netherland and Netherlands are one partner: 49 ISO3 codes for 50 spellings
    assert len(names) == 50 and stored.nunique() == 49
    from straits.reference.lookup import resolve_country

    short = {"Swiss": "CHE", "Rumania": "ROU", "HongKong": "HKG", "SouthAfrica": "ZAF",
             "Czech": "CZE", "UK": "GBR", "Netherland": "NLD", "Netherlands": "NLD",
             "Taiwan": "TWN", "USA": "USA"}
    assert {n: resolve_country(n).iso3 for n in short} == short


def test_empty_country_rows_are_not_totals(kcs, tmp_path, shared):
    blank = kcs[kcs["Country"] == ""]
    assert len(blank) == 5 and set(blank["Year"]) == {2000} and set(blank["Month"]) == {12}
    wafers = kcs[(kcs["Item"] == 3818001000) & (kcs["Year"] == 2000) & (kcs["Month"] == 12)]
    named_sum = wafers.loc[wafers["Country"] != "", "Import_dollar"].sum()
    assert named_sum == 30_217_846  # sum over named partners
    assert blank["Import_dollar"].max() == 3_346_296  # != named_sum: not a total row
    with straits.open(tmp_path / "w.duckdb") as s, pytest.warns(DataQualityWarning,
                                                                  match="5 rows"):
        s.ingest(shared / KCS)


def test_comtrade_classic_totals_and_leading_zeros(session, shared):
    for year in (2018, 2019, 2020):
        raw = pd.read_csv(shared / KJ.format(year), dtype={"Commodity Code": str})
        got = _sum(session, f"SELECT sum(value_usd) FROM reporter_flows WHERE "
                            f"classification = 'H5' AND year = {year}")
        assert got == pytest.approx(raw["Trade Value (US$)"].sum(), rel=1e-12)
    horses = session.reporter_flows(reporter="KOR", partner="JPN", product="010121", year=2019)
    # first line of the 2019 file: "10121", 5437 USD, 450 kg
    assert horses[["code", "value_usd", "weight_kg"]].values.tolist() == [["010121", 5437.0,
                                                                           450.0]]


def test_china_api_copy_matches_original(session, shared):
    raw = pd.read_csv(shared / CN)
    kor = raw[(raw["partner_name"] == "South Korea") & (raw["hs6"] == 250410)
              & raw["period_dt"].str.startswith("2023")]
    got = session.reporter_flows(reporter="CHN", partner="KOR", product="250410", year=2023)
    assert len(got) == len(kor) == 12
    assert got["value_usd"].sum() == pytest.approx(kor["val"].sum())
    assert _sum(session, "SELECT count(*) FROM reporter_flows WHERE reporter = 'CHN'") == len(raw)


def test_ingest_api_layout_and_replace(tmp_path):
    f = tmp_path / "api.csv"
    f.write_text(
        "freqCode,refYear,refMonth,period,reporterISO,flowCode,partnerISO,partnerCode,cmdCode,"
        "primaryValue,cifvalue,netWgt\n"
        "M,2023,7,202307,KOR,M,JPN,392,281111,1000,1100,50\n"
        "M,2023,7,202307,KOR,M,W00,0,281111,5000,,\n"   # world total: dropped
        "M,2023,7,202307,KOR,M,CHN,156,TOTAL,9,,\n"     # aggregate: dropped
        "A,2023,52,2023,KOR,X,USA,842,10121,7,,\n"      # annual; code lost its zero
    )
    with straits.open(tmp_path / "a.duckdb") as s:
        for _ in range(2):  # a re-ingested file replaces its rows
            s.ingest(f)
        df = s.reporter_flows()
    assert df[["partner", "flow", "code", "value_usd", "value_basis"]].values.tolist() == [
        ["USA", "export", "010121", 7.0, "primary"],
        ["JPN", "import", "281111", 1100.0, "cif"],
    ]
    assert pd.isna(df["month"].iloc[0]) and df["month"].iloc[1] == 7


def test_duplicate_annual_rows_name_the_first_two_lines(tmp_path):
    f = tmp_path / "dup.csv"
    row = "A,2023,52,2023,KOR,X,USA,842,010121,7\n"
    f.write_text("freqCode,refYear,refMonth,period,reporterISO,flowCode,partnerISO,partnerCode,"
                 "cmdCode,primaryValue\n" + row + row)
    with straits.open(tmp_path / "d.duckdb") as s:
        with pytest.raises(InputFileError, match="dup.csv line 2: duplicate .* listed again on line 3$"):
            s.ingest(f)


CUSTOMS_HEAD = "Item,Country,Year,Month,Export_dollar,Export_weight,Import_dollar,Import_weight\n"
GOOD = "2811111000,Japan,2019,7,0,0,961061,529850\n"


@pytest.mark.parametrize("body, where, message", [
    (GOOD + "2811111000,Japan,2019,13,0,0,5,5\n", "line 3, column Month", "1-12"),
    (GOOD + "2811111000,Japan,2019,8,0,0,-5,5\n", "line 3, column Import_dollar", ">= 0"),
    (GOOD + "2811111000,Atlantis,2019,8,0,0,5,5\n", "line 3, column Country", "Atlantis"),
    (GOOD + "2811111000,Japan,2019,7,0,0,5,5\n", "line 2", "listed again on line 3"),
    (GOOD + "28111X,Japan,2019,8,0,0,5,5\n", "line 3, column Item", "10-digit"),
])
def test_bad_customs_rows_store_nothing(tmp_path, body, where, message):
    db = tmp_path / "b.duckdb"
    good = tmp_path / "good.csv"
    good.write_text(CUSTOMS_HEAD + GOOD)
    bad = tmp_path / "bad.csv"
    bad.write_text(CUSTOMS_HEAD + body)
    with straits.open(db) as s:
        s.ingest(good)
        before = s.query("SELECT * FROM reporter_flows ORDER BY flow")
        with pytest.raises(InputFileError, match=message) as err:
            s.ingest(bad)
        assert str(err.value).startswith(f"bad.csv {where}")
        after = s.query("SELECT * FROM reporter_flows ORDER BY flow")
        assert s.query("SELECT source FROM reporter_sources")["source"].tolist() == ["good.csv"]
    pd.testing.assert_frame_equal(before, after)


def test_unknown_layout_and_missing_column(tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n")
    missing = tmp_path / "missing.csv"
    missing.write_text(CUSTOMS_HEAD.replace(",Import_weight", "") + "2811111000,Japan,2019,7,0,0,1\n")
    with straits.open(tmp_path / "c.duckdb") as s:
        with pytest.raises(InputFileError, match="odd.csv line 1: unknown layout"):
            s.ingest(odd)
        with pytest.raises(InputFileError, match="column Import_weight: missing column"):
            s.ingest(missing)


def test_cli_ingest_and_reporter_flows(tmp_path, shared):
    from typer.testing import CliRunner

    from straits.cli.app import app

    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(shared / KJ.format(2019)), "--db", db])
    assert res.exit_code == 0, res.output
    assert "comtrade-classic" in res.output and "4,180 rows" in res.output
    res = runner.invoke(app, ["reporter-flows", "--product", "281111", "-f", "csv", "--db", db])
    assert res.exit_code == 0 and "KOR,JPN,import,2019,,H5,6,281111" in res.output
    res = runner.invoke(app, ["ingest", str(tmp_path), "--db", db])  # a folder: BACI path
    assert res.exit_code == 2


def test_embedded_copy_is_faithful(shared_root):
    shared = shared_root
    root = Path(straits.__file__).parent / "data" / "reporter"
    assert (root / Path(KCS).name).read_bytes() == (shared / KCS).read_bytes()
    assert (root / "SOURCE.md").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for year in (2018, 2019, 2020):
            a = pd.read_csv(root / Path(KJ.format(year)).name, dtype=str, keep_default_na=False)
            b = pd.read_csv(shared / KJ.format(year), dtype=str, keep_default_na=False)
            pd.testing.assert_frame_equal(a, b[a.columns])


def test_reporter_sql_transpiles_to_spark():
    from straits.warehouse import reporter_sql as q
    from straits.warehouse.backend import to_dialect

    for query in (q.reporter_flows(reporters=["KOR"], products=["2811", "2811111000"],
                                   years=[2019], monthly=True, limit=5),
                  q.monthly_supply("KOR", ["281111"]), q.monthly_imports_simple("KOR", None),
                  q.mirror_totals("KOR", "JPN", ["281111"], 2019), q.sources(),
                  q.monthly_catalog()):
        assert "SELECT" in to_dialect(query.sql, "spark")


def test_classic_monthly_rows_kept_and_dropped(tmp_path):
    head = ("Classification,Year,Period,Aggregate Level,Trade Flow,Reporter ISO,Partner Code,"
            "Partner ISO,Commodity Code,Netweight (kg),Trade Value (US$),"
            "CIF Trade Value (US$)\n")
    f = tmp_path / "classic.csv"
    f.write_text(head
                 + "H5,2019,201907,6,Import,KOR,392,JPN,281111,529850,961061,\n"
                 + "H5,2019,201907,6,Re-Import,KOR,392,JPN,281111,1,9,\n"     # dropped
                 + "H5,2019,201907,6,Import,KOR,0,WLD,281111,1,7924854,\n"    # World: dropped
                 + "H5,2019,201907,4,Import,KOR,392,JPN,2811,1,999,\n"         # heading: dropped
                 + "H5,2019,201907,6,Import,KOR,490,S19,281111,10,20,25\n")   # Taiwan, CIF
    with straits.open(tmp_path / "m.duckdb") as s:
        s.ingest(f)
        df = s.reporter_flows()
    assert df[["partner", "month", "value_usd", "value_basis"]].values.tolist() == [
        ["JPN", 7, 961061.0, "primary"], ["TWN", 7, 25.0, "cif"]]
    bad = tmp_path / "bad_period.csv"
    bad.write_text(head + "H5,2019,201913,6,Import,KOR,392,JPN,281111,1,2,\n")
    with straits.open(tmp_path / "m.duckdb") as s, pytest.raises(
            InputFileError, match="line 2, column Period: expected a value in 1-12"):
        s.ingest(bad)
