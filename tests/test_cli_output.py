"""CLI output: --out by extension, format conflicts, piped default, tables at 100 columns, numbers."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from straits import serialize
from straits.cli._table import render
from straits.cli.app import app

runner = CliRunner()
FLOWS = ["flows", "--year", "2024", "--exporter", "CHN", "--importer", "KOR"]


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env)


# -- --out and --format -------------------------------------------------------------------

@pytest.mark.parametrize("ext", ["csv", "json", "parquet", "pq", "txt"])
def test_out_takes_format_from_extension(tmp_path, session, ext):
    out = tmp_path / f"f.{ext}"
    r = run(*FLOWS, "--product", "811292", "--out", str(out))
    assert r.exit_code == 0, r.output
    want = session.flows(year=2024, exporter="CHN", importer="KOR", product="811292")
    if ext == "csv":
        got = pd.read_csv(out, dtype={"product": str})
    elif ext == "json":
        got = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    elif ext in ("parquet", "pq"):
        assert out.read_bytes()[:4] == b"PAR1"
        got = pd.read_parquet(out)
        assert b"straits.provenance" in pq.read_schema(out).metadata  # citation travels along
    else:
        text = out.read_text(encoding="utf-8")
        assert "811292" in text and "k USD" in text and "CEPII BACI" in text
        return
    assert list(got.columns) == list(want.columns)
    assert got.value_kusd.sum() == pytest.approx(want.value_kusd.sum())


def test_format_overrides_unknown_extension_and_conflict_is_an_error(tmp_path, session):
    out = tmp_path / "f.dat"
    assert run(*FLOWS, "--out", str(out), "--format", "json").exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))
    r = run(*FLOWS, "--out", str(out))
    assert r.exit_code == 2 and "Cannot tell the format" in r.output
    clash = tmp_path / "f.parquet"
    r = run(*FLOWS, "--out", str(clash), "--format", "csv")
    assert r.exit_code == 2
    assert "--format csv conflicts with --out" in r.output and "parquet" in r.output
    assert not clash.exists()  # nothing written on an error
    r = run(*FLOWS, "--out", str(tmp_path / "no" / "such" / "f.csv"))
    assert r.exit_code == 2 and "Cannot write --out" in r.output


def test_piped_default_is_csv_and_table_on_request(session):
    r = run(*FLOWS, "--product", "811292")  # CliRunner's stdout is not a terminal
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == "year,exporter,importer,product,value_kusd,quantity_t"
    r = run(*FLOWS, "--product", "811292", "-f", "table")
    assert "exporter" in r.stdout and "k USD" in r.stdout and "Source: CEPII BACI" in r.stdout


def test_parquet_to_a_pipe(session):
    r = runner.invoke(app, [*FLOWS, "-f", "parquet"])
    assert r.exit_code == 0
    assert pq.read_table(io.BytesIO(r.stdout_bytes)).num_rows > 0


def test_columns_pick_and_order_every_format(session):
    r = run(*FLOWS, "--columns", "product,value_kusd")
    assert r.stdout.splitlines()[0] == "product,value_kusd"
    rows = json.loads(run(*FLOWS, "--columns", "value_kusd,year", "-f", "json").stdout)
    assert list(rows[0]) == ["value_kusd", "year"]
    r = run(*FLOWS, "--columns", "product,nope")
    assert r.exit_code == 2 and "no column 'nope'" in r.output and "value_kusd" in r.output


def test_rca_sorted_by_rca_descending(session):
    df = pd.read_csv(io.StringIO(run("rca", "--country", "KOR", "--year", "2024").stdout),
                     dtype={"product": str})
    assert df["rca"].is_monotonic_decreasing and len(df) > 5


# -- terminal tables at 100 columns ---------------------------------------------------------

def _screen(session, **kw) -> tuple[str, pd.DataFrame]:
    df = session.dependency("KOR", year=2024)
    return render(serialize.as_arrow(df), width=100, title="Dependency screen",
                  source=df.attrs["source"], **kw), df


def test_table_fits_100_columns_keys_first_units_codes_whole(session):
    text, df = _screen(session)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    header = "\n".join(lines[1:5])
    assert "k USD" in header and "0-1" in header  # units under the names
    body = [line for line in lines if line[:6].isdigit()]
    assert [line.split()[0] for line in body] == df["product"].tolist()  # codes whole, key first
    assert all("…" not in line.split("  ")[0] for line in body)
    top = df.iloc[0]
    assert f"{top.import_kusd:,.0f}" in body[0] and top.top_supplier in body[0]
    assert "Not shown at 100 characters:" in text and "--wide" in text


def test_table_wide_and_columns(session):
    wide, df = _screen(session, wide=True)
    first = next(line for line in wide.splitlines() if line.startswith(df["product"].iloc[0]))
    assert "Not shown" not in wide and all(
        c in wide for c in ("value_at_risk_kusd", "geodep", "description"))
    assert "…" not in first
    picked = render(serialize.as_arrow(df[["import_kusd", "product"]]), width=100, picked=True)
    row = next(line for line in picked.splitlines() if line.strip().endswith("283691"))
    assert row.split() == ["425,213", "283691"]  # the order asked for, no key moved first


def test_table_shortens_text_but_not_numbers():
    t = pa.table({"product": ["850511"], "description": ["Magnets; permanent magnets " * 8],
                  "value_kusd": [-1234567.891], "share": [0.12345]})
    text = render(t, width=60)
    row = next(line for line in text.splitlines() if line.startswith("850511"))
    assert "-1,234,568" in row and "0.123" in row and "…" in row
    assert "−" not in text  # one minus sign: ASCII hyphen-minus


def test_table_through_cli_at_100_columns(session):
    r = run("dependency", "KOR", "-f", "table", env={"COLUMNS": "100"})
    assert r.exit_code == 0
    assert max(len(line) for line in r.stdout.splitlines()) <= 100


def test_wide_cjk_text_is_measured_in_cells():
    t = pa.table({"alias": ["포토레지스트"], "product": ["370790"]})
    text = render(t, width=100)
    assert "포토레지스트" in text


# -- numbers: one serializer for the CLI and the API --------------------------------------

def test_reference_figure_without_noise(session):
    r = run("flows", "--year", "2023", "--exporter", "CHN", "--importer", "KOR",
            "--product", "811292", "-f", "json")
    assert '"value_kusd": 68495.858' in r.stdout
    assert serialize.dumps({"v": 425213.4970000001}) == '{"v": 425213.497}'
    assert serialize.records(pd.DataFrame({"v": [0.1 + 0.2, float("nan")]})) == [
        {"v": 0.3}, {"v": None}]


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(finite)
def test_json_float_reads_back_within_15_digits(x):
    back = json.loads(serialize.dumps(x))
    assert back == serialize.round_float(x)
    assert math.isclose(back, x, rel_tol=5e-15, abs_tol=0.0) or x == 0
    assert serialize.dumps(back) == serialize.dumps(x)  # idempotent


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d != 0 and len(d.normalize().as_tuple().digits) <= 15
    and -300 < d.adjusted() < 300))
def test_values_of_up_to_15_digits_read_back_as_the_same_float(d: Decimal):
    x = float(d)
    assert json.loads(serialize.dumps(x)) == x
    assert json.loads(serialize.json_text(pa.table({"v": [x]})))[0]["v"] == x


@settings(max_examples=50)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
def test_vectorised_rounding_is_the_scalar_rounding(values):
    arr = pa.array(values, type=pa.float64())
    want = [None if not math.isfinite(v) else serialize.round_float(v) for v in values]
    small = serialize.round_array(arr).to_pylist()
    old = serialize._SMALL
    serialize._SMALL = -1  # force the Arrow compute path
    try:
        large = serialize.round_array(arr).to_pylist()
    finally:
        serialize._SMALL = old
    assert small == want and large == want


def test_csv_lists_as_json_text_and_minimal_quotes():
    t = pa.table({"p": ["811292", "a,b"], "l": [[0.1 + 0.2], None], "v": [6441457.0, 1e-07]})
    text = serialize.csv_bytes(t).decode()
    assert text.splitlines() == ["p,l,v", "811292,[0.3],6441457.0", '"a,b",,1e-07']


cells = st.one_of(st.none(), st.booleans(), st.integers(-2**62, 2**62),
                  st.floats(allow_nan=True, allow_infinity=True), st.dates(),
                  st.datetimes(min_value=dt.datetime(1900, 1, 1)),  # DuckDB's path
                  st.text(alphabet=st.sampled_from(list('ab ,"#\n\r\t;é한')), max_size=6))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(cells, cells), min_size=0, max_size=8),
       st.sampled_from(["txt", "val"]))
def test_python_csv_writes_what_duckdb_writes(rows, kind):
    # the same answer asked two ways: the small-table writer and DuckDB's
    def column(values):
        types = {type(v) for v in values if v is not None}
        if not types or len(types) > 1:
            return pa.array([None if v is None else str(v) for v in values], pa.string())
        return pa.array(values)
    t = pa.table({"a": column([r[0] for r in rows]), "b,c": column([r[1] for r in rows])})
    py, duck = io.BytesIO(), io.BytesIO()
    serialize.write_csv(t, py)
    serialize.write_csv(t, duck, engine="duckdb")
    assert py.getvalue() == duck.getvalue()


# -- start-up stays light -------------------------------------------------------------------

@pytest.mark.parametrize(("args", "first_row"), [
    (["flows", "--year", "2023", "--exporter", "CHN", "--importer", "KOR", "--product",
      "gallium"], "2023,CHN,KOR,811292,68495.858,"),
    (["dependency", "KOR", "--year", "2024", "--products", "811292"], "811292,100011.284,CHN,"),
    (["shock", "--exporter", "CHN", "--importer", "KOR,JPN", "--products", "811292"],
     "JPN,811292,84289.23,16149.339,16149.339,129947.5886,16149.339,1.0,0.0,0.0,66,"),
])
def test_commands_import_neither_pandas_nor_pydantic(session, args, first_row):
    """The look-up, the dependency screen and the shock answer without pandas (0.3 s to
    import); the first data row shows they still answer."""
    code = ("import sys\nfrom straits.cli.app import main\n"
            f"sys.argv = ['straits', *{args!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'pydantic') if m in sys.modules))\n")
    env = {**os.environ, "STRAITS_DB": str(session.path)}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    lines = res.stdout.splitlines()
    assert lines[1].startswith(first_row), res.stdout
    assert lines[-1] == "[]", res.stdout


def test_flows_does_not_import_pyarrow_compute(session):
    code = ("import sys\nfrom straits.cli.app import main\n"
            "sys.argv = ['straits', 'flows', '--year', '2023', '--exporter', 'CHN', "
            "'--importer', 'KOR', '--product', 'gallium']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('pyarrow.compute' in sys.modules)\n")
    env = {**os.environ, "STRAITS_DB": str(session.path)}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    assert res.stdout.splitlines()[-1] == "False", res.stdout


# -- a pipe gets data, not a trimmed terminal view ----------------------------------------------

def test_piped_commands_write_one_complete_csv(session):
    """CliRunner's stdout is not a terminal: mutual writes one table, dependency every column,
    and a shock's list cell is JSON text the next tool can parse (not the terminal's digest)."""
    import csv

    m = run("mutual", "KOR", "JPN", "--year", "2024")
    assert m.exit_code == 0, m.output
    rows = list(csv.reader(io.StringIO(m.stdout)))
    assert rows[0][:3] == ["direction", "importer", "partner"]
    assert sum(r == rows[0] for r in rows) == 1 and len({len(r) for r in rows}) == 1
    d = run("dependency", "KOR", "--year", "2024")
    header = d.stdout.splitlines()[0].split(",")
    assert {"description", "export_kusd", "no_own_exports", "geodep_years"} <= set(header)
    s = run("shock", "--exporter", "CHN", "--importer", "KOR", "--products", "811292",
            "--year", "2024")
    table = pd.read_csv(io.StringIO(s.stdout), dtype={"product": str})
    subs = json.loads(table.loc[table["importer"] == "KOR", "top_substitutes"].iloc[0])
    assert [x["supplier"] for x in subs] == ["DEU", "USA", "SGP"]
    assert sum(x["value_kusd"] for x in subs) <= table["covered_kusd"].iloc[0] + 1e-6


def test_warnings_read_as_one_line_without_a_source_location(capsys):
    """The console entry point shows a data-quality warning as one line naming the file."""
    import warnings

    from straits.cli.app import _warning_line
    from straits.errors import DataQualityWarning

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = _warning_line
        warnings.warn("country_codes_V202601.csv: 4 country names repaired", DataQualityWarning,
                      stacklevel=1)
    err = capsys.readouterr().err
    assert err == "Data quality: country_codes_V202601.csv: 4 country names repaired\n"


def test_errors_name_the_option_the_user_typed(session):
    """The shared checks say 'start'; the command line spells it --from (and 'end' --to)."""
    res = run("watch", "KOR", "--from", "2019-13")
    assert res.exit_code == 2
    assert "The 'start' parameter (--from) of watch must be a month like 2019-07" in res.output
    res = run("watch", "KOR", "--to", "2019-00")
    assert "The 'end' parameter (--to)" in res.output
    res = run("shock", "--exporter", "CHN", "--importer", "", "--products", "811292")
    assert "The 'importer' parameter of shock" in res.output  # already its own option name
