"""Core CLI: flows, look-ups, output formats, error mapping, help and docs for every command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from straits.cli.app import app
from straits.reference.lookup import normalise_hs, resolve_country
from straits.warehouse import queries
from straits.warehouse.backend import to_dialect

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_flows_csv_reference_figure(session):
    r = run("flows", "--year", "2023", "--exporter", "CHN", "--importer", "KOR",
            "--product", "811292", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        "year,exporter,importer,product,value_kusd,quantity_t",
        "2023,CHN,KOR,811292,68495.858,",
    ]


def test_json_and_parquet_have_csv_columns(tmp_path, session):
    args = ["flows", "--year", "2024", "--exporter", "KOR", "--importer", "JPN"]
    csv = pd.read_csv(io.StringIO(run(*args, "--format", "csv").stdout), dtype={"product": str})
    rows = json.loads(run(*args, "--format", "json").stdout)
    assert isinstance(rows, list) and list(rows[0]) == list(csv.columns)
    out = tmp_path / "f.parquet"
    assert run(*args, "--format", "parquet", "--out", str(out)).exit_code == 0
    pq = pd.read_parquet(out)
    assert list(pq.columns) == list(csv.columns) and len(pq) == len(csv) == len(rows)
    assert pq.value_kusd.sum() == pytest.approx(csv.value_kusd.sum())


def test_product_prefix_and_lists(session, baci_dir):
    raw = pd.read_csv(baci_dir / "BACI_HS17_Y2024_V202601.csv", dtype={"k": str})
    want = raw[raw.k.str.startswith("8112") | (raw.k == "250490")].v.sum()
    got = session.flows(year=2024, product="8112,250490").value_kusd.sum()
    assert got == pytest.approx(want)


@pytest.mark.parametrize("query,iso3", [
    ("KOR", "KOR"), ("KR", "KOR"), ("410", "KOR"), ("Korea", "KOR"), ("Rep. of Korea", "KOR"),
    ("South Korea", "KOR"), ("Japan", "JPN"), ("392", "JPN"), ("TWN", "TWN"), ("Taiwan", "TWN"),
    ("490", "TWN"), ("S19", "TWN"), ("USA", "USA"), ("842", "USA"), ("699", "IND"),
    ("251", "FRA"), ("757", "CHE"), ("Swiss", "CHE"), ("579", "NOR"), ("Côte d'Ivoire", "CIV"),
    ("HongKong", "HKG"), ("Netherland", "NLD"), ("Rumania", "ROU"), ("Turkiye", "TUR"),
])
def test_country_spellings(query, iso3):
    assert resolve_country(query).iso3 == iso3


def test_unknown_country_exit_2(session):
    r = run("flows", "--year", "2023", "--exporter", "Atlantis")
    assert r.exit_code == 2
    assert "Unknown country 'Atlantis'" in r.output


def test_year_not_loaded_exit_2(session):
    r = run("flows", "--year", "1990")
    assert r.exit_code == 2 and "Year 1990 is not loaded" in r.output


def test_hs_leading_zero():
    assert normalise_hs("10121") == "010121"
    assert normalise_hs("101") == "0101"
    assert normalise_hs(811292) == "811292"


def test_country_and_product_commands(session):
    r = run("country", "490", "--format", "csv")
    assert "490,TWN,TW,Taiwan,S19" in r.stdout
    r = run("product", "graphite", "--format", "csv")
    assert "250490" in r.stdout and "380110" in r.stdout
    r = run("datasets", "--format", "json")
    rows = json.loads(r.stdout)
    assert [row["year"] for row in rows if row["dataset"] == "baci"] == list(range(2017, 2025))
    # the value-chain datasets are catalogued too: ETO by share year, WIOD by table year
    assert {(row["dataset"], row["year"]) for row in rows if row["dataset"] != "baci"} == {
        ("eto", 2019), ("eto", 2021), ("eto", 2022), ("eto", 2025), ("wiod", 2011)}


def test_summary_matches_flows(session):
    r = run("summary", "KOR", "JPN", "--format", "csv")
    df = pd.read_csv(io.StringIO(r.stdout), dtype={"top_product": str})
    row = df[(df.year == 2024) & (df.direction == "JPN->KOR")].iloc[0]
    assert row.value_kusd == pytest.approx(
        session.flows(year=2024, exporter="JPN", importer="KOR").value_kusd.sum())


def test_queries_bind_values_and_transpile_to_spark():
    q = queries.flows(years=[2023], exporters=[156], importers=[410], products=["811292"])
    assert "2023" not in q.sql and "811292" not in q.sql  # values are bound, not inlined
    assert q.params["products"] == ["811292"] and q.params["exporters"] == [156]
    spark = to_dialect(q.sql, "spark")
    assert "ARRAY_CONTAINS(:products, f.product)" in spark


def _commands():
    import typer.main

    return sorted(typer.main.get_command(app).commands)


def test_every_command_has_help_and_docs():
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in _commands():
        r = run(name, "--help")
        assert r.exit_code == 0, name
        assert f"straits {name}" in docs, f"docs/cli.md lacks `straits {name}`"


def test_cli_reference_up_to_date():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts" / "gen_cli_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == gen.render(), (
        "docs/cli.md is stale: run python scripts/gen_cli_docs.py")


def test_blocs_resolve_everywhere(session, baci_dir):
    # EU27 is one bloc for flows (and every module built on Session.country_codes).
    from straits.reference.blocs import resolve_party

    members = set(resolve_party("EU27").members)
    assert len(members) == 27 and {"DEU", "FRA", "NLD"} <= members and "GBR" not in members
    got = session.flows(year=2024, exporter="CHN", importer="EU27", product="850511")
    assert set(got.importer) <= members
    codes = pd.read_csv(baci_dir / "country_codes_V202601.csv")
    eu = codes[codes.country_iso3.isin(members)].country_code
    raw = pd.read_csv(baci_dir / "BACI_HS17_Y2024_V202601.csv", dtype={"k": str})
    want = raw[(raw.i == 156) & raw.j.isin(eu) & (raw.k == "850511")].v.sum()
    assert got.value_kusd.sum() == pytest.approx(want)


@pytest.mark.parametrize("port", ["0", "99999", "-1"])
def test_serve_refuses_a_port_outside_1_65535(port):
    """A port the OS cannot bind is a usage error (exit 2), not an internal OverflowError."""
    r = CliRunner().invoke(app, ["serve", "--port", port])
    assert r.exit_code == 2 and "--port" in r.output
