"""Report framework: sections, languages, numbers equal to the engines and to the raw CSVs."""

from __future__ import annotations

import csv
import json
import re
from importlib import resources

import pytest
from typer.testing import CliRunner

from straits.cli.app import app
from straits.errors import ParameterError, StraitsError
from straits.report.build import build_report, compute, make_context, output_paths
from straits.report.i18n import Tr
from straits.report.model import Missing
from straits.report.sections import SECTIONS


@pytest.fixture(scope="module")
def docs(session):
    return build_report(session, "KOR", "JPN", langs=("en", "ko", "ja"))


def _baci_total(baci_dir, year: int, i: int, j: int) -> float:
    with open(baci_dir / f"BACI_HS17_Y{year}_V202601.csv", newline="") as fh:
        return sum(float(r["v"]) for r in csv.DictReader(fh)
                   if int(r["i"]) == i and int(r["j"]) == j)


def test_eleven_sections_in_order_with_toc(docs):
    html = docs["en"]
    keys = re.findall(r'data-section="([a-z]+)"', html)
    assert keys == [m.KEY for m in SECTIONS] and len(keys) == 11
    assert html.count('<nav class="toc"') == 1
    for key in keys:  # every TOC entry points at its section
        assert re.search(rf'href="#s\d+-{key}"', html)


def test_self_contained_no_external_reference(docs):
    for html in docs.values():
        assert "<style>" in html and "<link" not in html and "<script" not in html
        assert not re.search(r'(src|href)="(https?:)?//', html)
        assert html.count("<svg") >= 2


def test_headline_numbers_match_raw_baci(docs, baci_dir):
    # Korea (410) -> Japan (392) and back, 2024, summed from the raw CSV rows
    kj = _baci_total(baci_dir, 2024, 410, 392)
    jk = _baci_total(baci_dir, 2024, 392, 410)
    assert round(kj) == 95058 and round(jk) == 161118
    html = docs["en"]
    assert f"{kj / 1000:,.1f}" in html and f"{jk / 1000:,.1f}" in html  # table, million USD
    assert "$95.1M" in html and "$161.1M" in html                      # finding, compact
    assert "9,506만 달러" in docs["ko"] and "9,506万ドル" in docs["ja"]


def test_bilateral_series_equal_trade_summary(session):
    ctx = make_context(session, "KOR", "JPN")
    data = compute(ctx)
    ts = session.trade_summary("KOR", "JPN")
    ab = ts[ts["direction"] == "KOR->JPN"].set_index("year")["value_kusd"]
    assert data["bilateral"]["ab"] == [pytest.approx(ab.get(y, 0.0)) for y in data["bilateral"]["years"]]
    assert data["headline"]["cur"]["ab"] == pytest.approx(ab[2024])
    assert data["headline"]["prev_year"] == 2023
    # on the embedded data every section renders, unless its engine is not installed
    assert [k for k, v in data.items() if isinstance(v, Missing) and v.kind != "engine"] == []


def test_atlas_rank_by_value_not_published_column(docs, shared):
    rows = list(csv.DictReader(open(shared / "atlas-complexity" / "atlas_eci_hs92_1995_2023.csv")))
    y23 = [r for r in rows if r["year"] == "2023" and r["eci_hs92"]]
    kor = next(float(r["eci_hs92"]) for r in y23 if r["location_code"] == "KOR")
    rank = 1 + sum(float(r["eci_hs92"]) > kor for r in y23)
    assert (kor, rank, len(y23)) == (2.107, 4, 145)  # file's own column says 6
    assert f"{rank} / {len(y23)}" in docs["en"] and "2.107" in docs["en"]


def test_languages_use_cldr_names_and_own_labels(docs):
    assert "South Korea" in docs["en"] and 'lang="en"' in docs["en"]
    assert "대한민국" in docs["ko"] and "일본" in docs["ko"] and "목차" in docs["ko"]
    assert "韓国" in docs["ja"] and "日本" in docs["ja"] and "目次" in docs["ja"]
    assert "Contents" not in docs["ko"] and "Contents" not in docs["ja"]


def test_locale_tables_have_the_same_keys():
    tables = {lang: json.loads(resources.files("straits.report").joinpath(
        f"locales/{lang}.json").read_text("utf-8")) for lang in ("en", "ko", "ja")}
    assert set(tables["en"]) - {"money.man", "money.oku"} == set(tables["ko"]) - {
        "money.man", "money.oku"} == set(tables["ja"]) - {"money.man", "money.oku"}
    for table in tables.values():  # placeholders must agree across languages
        for key, text in table.items():
            assert set(re.findall(r"{(\w+)}", text)) <= set(
                re.findall(r"{(\w+)}", tables["en"].get(key, text))) | {"v"}, key


def test_missing_engine_or_data_renders_a_box(session, monkeypatch):
    from straits.errors import DataNotLoadedError
    from straits.report.sections import chips, io

    def no_engine(ctx):
        raise ModuleNotFoundError("No module named 'straits.valuechain.io'",
                                  name="straits.valuechain.io")

    def no_data(ctx):
        raise DataNotLoadedError("No ETO tables loaded.")

    monkeypatch.setattr(io, "compute", no_engine)
    monkeypatch.setattr(chips, "compute", no_data)
    docs = build_report(session, langs=("en", "ko"))
    block = _section(docs["en"], "io")
    assert "Not available." in block and "straits.valuechain.io" in block
    assert "No ETO tables loaded" in _section(docs["en"], "chips")
    assert "표시할 수 없음" in _section(docs["ko"], "io")
    # the other sections still render, and the methods page drops the unused sources
    assert "<svg" in _section(docs["en"], "bilateral")
    assert "World Input-Output" not in _section(docs["en"], "methods")


def test_bad_language_and_year(session):
    with pytest.raises(ParameterError, match="'lang'"):
        Tr("fr")
    with pytest.raises(StraitsError, match="not loaded"):
        build_report(session, year=1990)


def test_output_paths(tmp_path):
    out = tmp_path / "report.html"
    assert output_paths(out, ("en",)) == {"en": out}
    assert output_paths(out, ("en", "ko"))["ko"] == tmp_path / "report.ko.html"


def test_cli_lang_all_writes_three_files(tmp_path, session):
    res = CliRunner().invoke(app, ["report", "KOR", "JPN", "--lang", "all",
                                   "--out", str(tmp_path / "report.html")])
    assert res.exit_code == 0, res.output
    for lang in ("en", "ko", "ja"):
        text = (tmp_path / f"report.{lang}.html").read_text("utf-8")
        assert f'lang="{lang}"' in text


def test_cli_makes_the_output_folder(tmp_path, session):
    out = tmp_path / "new" / "folder" / "r.html"
    res = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    blocked = tmp_path / "file"
    blocked.write_text("x")
    res = CliRunner().invoke(app, ["report", "--out", str(blocked / "r.html")])
    assert res.exit_code == 2 and "cannot create its folder" in res.output


def test_cli_errors_cleanly(tmp_path, monkeypatch):
    r = CliRunner().invoke(app, ["report", "--lang", "xx", "--out", str(tmp_path / "r.html")])
    assert r.exit_code == 2 and "lang" in r.output
    import straits.report.pdf as pdf

    monkeypatch.setenv("STRAITS_CHROMIUM", str(tmp_path / "nope"))
    monkeypatch.setattr(pdf, "SYSTEM_CHROMIUM", ())
    r = CliRunner().invoke(app, ["report", "--pdf", "--out", str(tmp_path / "r.html")])
    assert r.exit_code == 2 and "Chromium" in r.output
    assert not (tmp_path / "r.html").exists()


def _section(html: str, key: str) -> str:
    return html.split(f'data-section="{key}"')[1].split("</section>")[0]


def test_event_replay_matches_raw_customs(docs, shared):
    # Korea's imports of hydrogen fluoride (HSK 2811111000) from Japan, KCS raw file:
    # mean over Jul 2018-Jun 2019 (12 months) and Jul 2019-Jan 2021 (19 months)
    rows = list(csv.DictReader(open(shared / "korea-customs-monthly"
                                    / "kcs_hs10_by_country_monthly_2000_2021.csv")))
    hf = {(int(r["Year"]), int(r["Month"])): float(r["Import_dollar"]) for r in rows
          if r["Item"] == "2811111000" and r["Country"] == "Japan"}
    months = [(2018 + (6 + k) // 12, (6 + k) % 12 + 1) for k in range(31)]
    before = sum(hf.get(m, 0.0) for m in months[:12]) / 12
    after = sum(hf.get(m, 0.0) for m in months[12:]) / 19
    assert round(before / 1e6, 2) == 5.65 and round(after / 1e6, 2) == 0.68
    block = _section(docs["en"], "events")
    assert "5.65" in block and "0.68" in block
    assert f"{after / before - 1:+.1%}" in block  # -88.0%, the ASCII minus of every output


def test_mutual_and_shared_equal_engine(docs, session):
    from straits.security import mutual as mutual_mod
    m = mutual_mod.mutual(session, "KOR", "JPN", year=2024)
    bal = m.balance.set_index("importer")
    n_ab, v_ab = int(bal.at["KOR", "n_dependent"]), float(bal.at["KOR", "dependent_kusd"])
    block = _section(docs["en"], "mutual")
    assert f"for {n_ab} of the loaded products (${v_ab / 1000:.1f}M" in block
    sd = mutual_mod.shared_dependence(session, "KOR", "JPN", on="CHN", year=2024)
    block = _section(docs["en"], "shared")
    assert f"China for {len(sd)} of the loaded products" in block
    assert block.count("<tr>") == len(sd) + 1  # header + one row per product


def test_chokepoints_match_raw_baci(docs, session, baci_dir):
    from straits.metrics import concentration as conc
    # HHI of beryllium (811212) exporters in 2024 from the raw rows: sum of squared shares
    by_exp: dict[str, float] = {}
    with open(baci_dir / "BACI_HS17_Y2024_V202601.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["k"] == "811212":
                by_exp[r["i"]] = by_exp.get(r["i"], 0.0) + float(r["v"])
    total = sum(by_exp.values())
    hhi = sum((v / total) ** 2 for v in by_exp.values())
    block = _section(docs["en"], "chokepoints")
    assert f"{hhi:.3f}" in block  # 0.799
    c = conc.concentration(session, year=2024)
    assert f"{int((c['hhi'] >= 0.25).sum())} of the {len(c)} loaded products" in block


def test_complementarity_equal_engine(docs, session):
    from straits.metrics import bilateral as bil
    b = bil.bilateral(session, "KOR", "JPN", year=2024).set_index(["index", "direction"])
    block = _section(docs["en"], "complementarity")
    assert f"{b.loc[('complementarity', 'KOR->JPN'), 'value']:.1f}" in block
    assert f"{b.loc[('grubel_lloyd', 'both'), 'value']:.3f}" in block


def test_chips_and_io_equal_engine(docs, wh):
    from straits.valuechain import chips
    pair = chips.chain_pair(wh, "KOR", "JPN")
    inputs = pair[~pair["input_id"].isin(["S1", "S2", "S3"])]
    block = _section(docs["en"], "chips")
    # wording fixed (issue 11 §10): "... world supply of 18 inputs, led by ..."
    assert f"world supply of {int(inputs['joint_dominance'].sum())} inputs," in block
    assert "CC BY-NC 4.0" in block
    from straits.valuechain import io
    df = io.io_shock(wh, supplier="JPN", sector="c9", customer="KOR", cut=0.5)
    kor = df[(df["country"] == "KOR") & (df["industry"] == "total")].iloc[0]
    assert f"{kor['ghosh_loss_musd']:,.1f}" in _section(docs["en"], "io")


def test_methods_lists_every_used_source_and_licence(docs):
    block = _section(docs["en"], "methods")
    for text in ("CEPII BACI", "Etalab", "Atlas of Economic Complexity", "Korea Customs Service",
                 "CC BY-NC 4.0", "World Input-Output Database"):
        assert text in block
