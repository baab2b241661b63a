"""The metric commands: contract columns, formats, year ranges, help text, errors."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from straits.cli.app import app

runner = CliRunner()
#: the embedded extract is below the product-space guard; these checks lower it
SMALL = ("--min-headings", "2", "--min-chapters", "1", "--min-economies", "1")


def run_csv(*args: str) -> pd.DataFrame:
    res = runner.invoke(app, [*args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout), dtype={"product": str})


@pytest.mark.parametrize(("args", "columns"), [
    (["rca", "--year", "2024", "--country", "KOR"], ["country", "product", "rca", "rsca"]),
    (["shares", "--product", "811292", "--year", "2024"],
     ["product", "exporter", "value_kusd", "share"]),
    (["shares", "--product", "811292", "--importer", "KOR", "--top", "3"],
     ["product", "exporter", "value_kusd", "share"]),
    (["concentration", "--year", "2024", "--product", "811292,280429"],
     ["product", "total_kusd", "hhi", "top_exporter", "top_share", "n_exporters"]),
    (["concentration", "--importer", "JPN"],
     ["product", "total_kusd", "hhi", "top_exporter", "top_share", "n_exporters"]),
    (["bilateral", "KOR", "JPN", "--year", "2024"], ["index", "direction", "value", "unit"]),
    (["complexity", "--year", "2024", *SMALL],
     ["country", "eci", "rank", "diversity"]),
    (["complexity", "--products", *SMALL], ["product", "pci", "ubiquity"]),
    (["complexity", "--level", "hs4", "--method", "fitness", *SMALL],
     ["country", "fitness", "rank", "diversity"]),
    (["eci", "--country", "KOR,JPN"], ["country", "eci", "rank", "n_ranked"]),
    (["eci", "--year", "2020-2023", "--country", "KOR"],
     ["year", "country", "eci", "rank", "n_ranked"]),
])
def test_contract_columns(session, args, columns):
    df = run_csv(*args)
    assert list(df.columns) == columns and len(df) > 0


def test_values_sorted_and_directions(session):
    sh = run_csv("shares", "--product", "811292", "--year", "2024")
    assert sh["value_kusd"].is_monotonic_decreasing
    assert sh["share"].sum() == pytest.approx(1.0)
    b = run_csv("bilateral", "KOR", "JPN")
    assert set(b["direction"]) == {"KOR->JPN", "JPN->KOR", "both"}
    assert set(b["index"]) == {"trade_intensity", "complementarity", "export_similarity",
                               "grubel_lloyd"}


def test_year_range_adds_year_column_and_json(session, tmp_path):
    df = run_csv("rca", "--year", "2022-2024", "--country", "KOR", "--product", "811292")
    assert list(df.columns) == ["year", "country", "product", "rca", "rsca"]
    assert df["year"].tolist() == [2022, 2023, 2024]
    out = tmp_path / "c.json"
    res = runner.invoke(app, ["concentration", "--product", "811292", "-f", "json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = json.loads(out.read_text())
    assert rows[0]["product"] == "811292" and 0 < rows[0]["hhi"] <= 1


def test_table_output_and_errors(session):
    res = runner.invoke(app, ["bilateral", "KOR", "JPN", "-f", "table"])
    assert res.exit_code == 0 and "trade_intensity" in res.stdout and "CEPII BACI" in res.stdout
    bad = runner.invoke(app, ["rca", "--year", "1990"])
    assert bad.exit_code == 2 and "Error:" in bad.output
    bad = runner.invoke(app, ["complexity", "--method", "magic"])
    assert bad.exit_code == 2 and "'method' parameter" in bad.output
    small = runner.invoke(app, ["complexity"])
    assert small.exit_code == 2 and "too small to rank economies" in small.output
    assert "Ingest a full BACI release" in small.output and "straits eci" in small.output
    for args, says in ((["bilateral", "KOR", "KOR"], "different economies"),
                       (["bilateral", "KOR", "KOR+JPN"], "different economies"),
                       (["rca", "--country="], "'country' parameter"),
                       (["shares", "--product", "811292", "--importer="], "'importer' parameter"),
                       (["concentration", "--product="], "'product' parameter"),
                       (["eci", "--country", "EU27"], "is a bloc"),
                       (["eci", "--year", "1990"], "1995-2023")):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and says in res.output, (args, res.output)
        assert "Traceback" not in res.output


@pytest.mark.parametrize("cmd", ["rca", "shares", "concentration", "bilateral", "complexity",
                                 "eci"])
def test_help(cmd):
    res = runner.invoke(app, [cmd, "--help"])
    assert res.exit_code == 0 and "--format" in res.stdout and "--out" in res.stdout
