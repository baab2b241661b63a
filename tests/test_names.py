"""Names people type: product aliases in English, Korean and Japanese, country names, suggestions."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from straits.cli.app import app
from straits.reference import products
from straits.reference.lookup import norm, parse_products, resolve_country

runner = CliRunner()
REF = Path(__file__).resolve().parents[1] / "src" / "straits" / "reference"


def run(*args: str):
    return runner.invoke(app, list(args))


# -- the alias table ------------------------------------------------------------------------

def _aliases() -> list[dict]:
    with (REF / "product_aliases.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_alias_table_codes_exist_in_hs2022_and_every_row_has_a_source():
    hs = {r["hscode"] for r in csv.DictReader((REF / "hs2022.csv").open(encoding="utf-8"))}
    rows = _aliases()
    for r in rows:
        for code in r["products"].split("|"):
            assert code in hs, (r["alias"], code)
        assert r["lang"] in ("en", "ko", "ja") and r["scope"] in ("exact", "broader")
        assert r["source"].strip(), r["alias"]
    keys = [norm(r["alias"]) for r in rows]
    assert len(keys) == len(set(keys)), "an alias must name one set of codes"


def test_alias_codes_match_the_shared_nomenclature(shared):
    path = shared / "hs-nomenclature" / "harmonized-system.csv"
    hs = {r["hscode"] for r in csv.DictReader(path.open(encoding="utf-8"))}
    assert {c for r in _aliases() for c in r["products"].split("|")} <= hs


@pytest.mark.parametrize("name", [
    "photoresist", "hydrogen fluoride", "fluorinated polyimide", "neon", "rare gases",
    "gallium", "germanium", "natural graphite", "artificial graphite", "antimony",
    "rare-earth magnets", "lithium", "cobalt", "nickel", "DRAM", "NAND flash", "silicon wafers",
])
def test_every_named_product_has_names_in_three_languages(name):
    alias = products.find(name)
    assert alias is not None
    langs = {a.lang for a in products.aliases() if a.products == alias.products}
    assert {"en", "ko", "ja"} <= langs, name


@pytest.mark.parametrize("names,codes", [
    (("photoresist", "포토레지스트", "フォトレジスト"), ["370790"]),
    (("hydrogen fluoride", "불화수소", "フッ化水素"), ["281111"]),
    (("fluorinated polyimide", "플루오린 폴리이미드", "フッ化ポリイミド"), ["392099"]),
    (("neon", "네온", "ネオン"), ["280429"]),
    (("gallium", "갈륨", "ガリウム"), ["811292"]),
    (("graphite", "흑연", "黒鉛"), ["250410", "250490", "380110"]),
    (("natural graphite", "천연흑연", "天然黒鉛"), ["250410", "250490"]),
    (("artificial graphite", "인조흑연", "人造黒鉛"), ["380110"]),
    (("rare earth magnets", "희토류 자석", "レアアース磁石"), ["850511"]),
    (("DRAM", "디램", "ＤＲＡＭ"), ["854232"]),
    (("silicon wafers", "실리콘 웨이퍼", "シリコンウェハー"), ["381800"]),
])
def test_aliases_in_three_languages_give_the_same_codes(names, codes):
    for name in names:
        assert parse_products(name) == codes, name


def test_broader_and_several_codes_are_stated():
    photoresist = products.find("photoresist")
    assert photoresist.scope == "broader" and "370790" in photoresist.describe()
    graphite = products.find("graphite")
    assert graphite.describe().startswith("graphite = 3 HS codes 250410, 250490, 380110")


# -- in commands ----------------------------------------------------------------------------

def _csv(r) -> pd.DataFrame:
    assert r.exit_code == 0, r.output
    return pd.read_csv(io.StringIO(r.stdout), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("query,code", [
    ("photoresist", "370790"), ("neon", "280429"), ("포토레지스트", "370790"),
    ("フッ化水素", "281111"), ("gallium", "811292"), ("희토류 자석", "850511"),
])
def test_product_command_finds_aliases(session, query, code):
    df = _csv(run("product", query))
    hit = df[df["product"] == code].iloc[0]
    assert hit["alias"] and hit["scope"] in ("exact", "broader")


def test_product_command_graphite_lists_its_three_codes_first(session):
    df = _csv(run("product", "graphite"))
    assert df["product"].tolist()[:3] == ["250410", "250490", "380110"]
    assert set(df["alias"].iloc[:3]) == {"graphite"}
    assert df.loc[df["product"] == "250490", "source"].iloc[0] == "BACI HS17"  # loaded
    assert df.loc[df["product"] == "250410", "source"].iloc[0] == "HS2022"  # not in the extract


def test_flows_by_name_equals_flows_by_code(session, baci_dir):
    by_code = _csv(run("flows", "--year", "2023", "--exporter", "CHN", "--importer", "KOR",
                       "--product", "811292"))
    for name in ("gallium", "갈륨", "ガリウム"):
        assert _csv(run("flows", "--year", "2023", "--exporter", "CHN", "--importer", "KOR",
                        "--product", name)).equals(by_code)
    raw = pd.read_csv(baci_dir / "BACI_HS17_Y2023_V202601.csv", dtype={"k": str})
    want = raw[(raw.i == 156) & (raw.j == 410) & (raw.k == "811292")].v.sum()
    assert float(by_code["value_kusd"].iloc[0]) == pytest.approx(want)


def test_graphite_alias_in_an_engine_uses_the_loaded_codes(session):
    # 250410 and 380110 are not in the embedded extract: the name still works, with 250490
    got = session.flows(year=2024, exporter="CHN", importer="KOR", product="흑연")
    assert set(got["product"]) == {"250490"}
    r = run("flows", "--year", "2024", "--exporter", "CHN", "--importer", "KOR",
            "--product", "graphite", "-f", "table")
    assert "graphite = 3 HS codes 250410, 250490, 380110" in r.stdout


def test_every_engine_accepts_names(session):
    a = session.dependency("KOR", year=2024, products="gallium")
    b = session.dependency("KOR", year=2024, products="811292")
    assert a["product"].tolist() == b["product"].tolist() == ["811292"]
    rca = _csv(run("rca", "--country", "JPN", "--product", "ガリウム", "--year", "2024"))
    assert rca["product"].tolist() == ["811292"]


# -- suggestions ----------------------------------------------------------------------------

def test_unknown_product_suggests_names_and_the_lookup_command(session):
    r = run("flows", "--product", "galium")
    assert r.exit_code == 2
    assert "gallium (811292)" in r.output and "`straits product galium`" in r.output
    r = run("product", "photoresit")
    assert r.exit_code == 0 and "photoresist (370790)" in r.output


def test_unknown_country_suggests_codes_and_the_lookup_command(session):
    r = run("flows", "--exporter", "Kroea")
    assert r.exit_code == 2
    assert "KOR (Rep. of Korea)" in r.output and "`straits country Kroea`" in r.output


# -- country names --------------------------------------------------------------------------

@pytest.mark.parametrize("name,iso3", [
    ("한국", "KOR"), ("대한민국", "KOR"), ("韓国", "KOR"), ("大韓民国", "KOR"),
    ("South Korea", "KOR"), ("Republic of Korea", "KOR"), ("Corea", "KOR"), ("Korea", "KOR"),
    ("일본", "JPN"), ("日本", "JPN"), ("중국", "CHN"), ("中国", "CHN"), ("대만", "TWN"),
    ("台湾", "TWN"), ("북한", "PRK"), ("北朝鮮", "PRK"), ("미국", "USA"), ("米国", "USA"),
    ("ドイツ", "DEU"), ("독일", "DEU"), ("베트남", "VNM"), ("Côte d’Ivoire", "CIV"),
])
def test_country_names_in_three_languages(name, iso3):
    assert resolve_country(name).iso3 == iso3


def test_country_names_work_in_commands(session):
    by_name = _csv(run("flows", "--year", "2023", "--exporter", "中国", "--importer", "한국",
                       "--product", "811292"))
    assert by_name[["exporter", "importer"]].values.tolist() == [["CHN", "KOR"]]
    df = _csv(run("country", "韓国"))
    assert df.iloc[0][["iso3", "name_ko", "name_ja"]].tolist() == ["KOR", "대한민국", "韓国"]


def test_code_fast_path_agrees_with_the_full_index():
    from straits.reference import lookup

    for key, codes in lookup._code_index().items():
        assert lookup._index()[norm(key)][0] == codes[0], key


def test_kana_voicing_marks_are_kept():
    assert norm("ガリウム") != norm("カリウム")  # gallium is not potassium
    assert norm("Côte d'Ivoire") == "cotedivoire" and norm("rare-earth magnets") == norm(
        "rare earth magnets")
