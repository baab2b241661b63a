"""Issue 12 §1, §2, §4 and the file cases of §3: every bad input is an error naming file,
line, column and value, and the warehouse fingerprint is unchanged; the CLI exits 2.

Real rows from the embedded BACI extract (make_release); big inputs (a 45 MB line) are
written by the test itself from a repeated byte, and say so.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import straits
from straits.cli.app import app
from straits.errors import DataQualityWarning, InputFileError
from straits.sources import baci as baci_mod
from straits.sources import bounds
from tests._fingerprint import fingerprint
from tests.test_ingest import make_release

Y24 = "BACI_HS17_Y2024_V202601.csv"
OK = "2024,4,68,850511,1.484,0.029\n"
HEADER = "t,i,j,k,v,q\n"


@pytest.fixture()
def loaded(tmp_path, baci_dir):
    rel = make_release(baci_dir, tmp_path / "rel", rows=300)
    db = tmp_path / "w.duckdb"
    with straits.open(db) as s, pytest.warns(DataQualityWarning, match="country names"):
        s.ingest(rel)  # the release's table spells 4 names in mojibake: repaired, and said so
    return db, rel


def rejected(db: Path, source: Path, *, match: str, line: int | None, column: str | None = None,
             **kw) -> InputFileError:
    """Ingest ``source`` into ``db``: an InputFileError at ``line``/``column``, state kept;
    then the same through the CLI: exit 2, the message, no traceback."""
    before = fingerprint(db)
    with straits.open(db) as s, pytest.raises(InputFileError, match=match) as err:
        s.ingest(source, **kw)
    assert err.value.line == line, str(err.value)
    if column is not None:
        assert err.value.column == column, str(err.value)
    assert fingerprint(db) == before
    r = CliRunner().invoke(app, ["ingest", str(source), "--db", str(db)])
    assert r.exit_code == 2 and "Traceback" not in r.output and "Error: " in r.output, r.output
    assert fingerprint(db) == before
    leftovers = [p.name for p in db.parent.iterdir() if p.name.startswith(f".{db.name}.")]
    assert leftovers == []
    return err.value


def write_year(rel: Path, body: str | bytes) -> None:
    path = rel / Y24
    if isinstance(body, str):
        body = body.encode()
    path.write_bytes(body)


def zip_release(rel: Path, tmp_path: Path, extra: dict[str, bytes] | None = None, *,
                prefix=lambda i: "") -> Path:
    """The release folder ``rel`` as a zip (deflated), member ``i`` named ``prefix(i)`` +
    its file name, plus ``extra`` members."""
    z = tmp_path / "z" / "BACI_HS17_V202601.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i, f in enumerate(sorted(rel.iterdir())):
            zf.writestr(zipfile.ZipInfo(prefix(i) + f.name), f.read_bytes(),
                        compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return z


# -- §1 silent data loss --------------------------------------------------------------------

def test_header_only_year_is_an_error_unless_allowed(loaded):
    db, rel = loaded
    write_year(rel, HEADER)
    err = rejected(db, rel, match="holds no flows", line=None)
    assert "--allow-empty" in str(err)
    with straits.open(db) as s:
        s.ingest(rel, allow_empty=True)
    fp = fingerprint(db)
    assert 2024 not in fp["years"] and fp["years"][2023][0] == 300
    with straits.open(db, read_only=True) as s:
        assert s.query("SELECT rows FROM releases WHERE year = 2024").rows.tolist() == [0]


def test_zip_members_sharing_a_basename_are_named(loaded, tmp_path):
    db, rel = loaded
    z = zip_release(rel, tmp_path, {"junk/" + Y24.replace("2024", "2023"): HEADER.encode()})
    err = rejected(db, z, match="same file name", line=None)
    assert "'BACI_HS17_Y2023_V202601.csv'" in str(err) and "'junk/BACI_HS17_Y2023" in str(err)


def test_long_line_without_newline_in_a_zip(loaded, tmp_path):
    # 0.1 loaded a 1 GiB line as an empty year; 45 MB (written here from one repeated byte)
    # is past DuckDB's 32 MB read buffer, where its reader drops a line without a reject.
    db, rel = loaded
    write_year(rel, HEADER.encode() + b"9" * 45_000_000)
    z = zip_release(rel, tmp_path)
    rejected(db, z, match="longer than 2,000,000 bytes", line=2)


@pytest.mark.parametrize("size", [3_000_000, 45_000_000])
def test_garbage_line_mid_file_is_named(loaded, size):
    db, rel = loaded
    rows = (rel / Y24).read_text().splitlines(keepends=True)
    write_year(rel, "".join(rows[:101]) + "x" * size + "\n" + "".join(rows[101:]))
    rejected(db, rel, match="longer than 2,000,000 bytes|line size", line=102)


def test_zip_bomb_stops_before_filling_the_disk(loaded, tmp_path, monkeypatch):
    db, rel = loaded
    # 30 MB of zeros: 30 KB compressed
    z = zip_release(rel, tmp_path, {"padding.csv": b"0" * 30_000_000})
    monkeypatch.setattr(baci_mod, "EXTRACT_LIMIT_BYTES", 20_000_000)
    err = rejected(db, z, match="zip bomb", line=None)
    assert "30.0 MB" in str(err) and "limit of 20.0 MB" in str(err)


def test_extraction_happens_beside_the_warehouse(loaded, tmp_path):
    db, rel = loaded
    z = zip_release(rel, tmp_path)
    seen = []

    def progress(year, rows, done, total):
        seen.extend(p.name for p in db.parent.iterdir() if p.name.endswith(".extract"))

    with straits.open(db) as s, pytest.warns(DataQualityWarning):
        s.ingest(z, progress=progress)
    assert seen and all(n.startswith(f".{db.name}.") for n in seen)
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".extract")]


def test_zip_members_cannot_escape_the_extraction_folder(loaded, tmp_path):
    # members named ../../x and /abs/x: flattened to their file names inside the folder
    db, rel = loaded
    names = sorted(f.name for f in rel.iterdir())
    z = zip_release(rel, tmp_path,
                    prefix=lambda i: "../../" if i % 2 else str(tmp_path / "abs") + "/")
    assert any(n.startswith("../../") for n in zipfile.ZipFile(z).namelist())
    before = fingerprint(db)
    with straits.open(db) as s, pytest.warns(DataQualityWarning):
        s.ingest(z)
    assert fingerprint(db)["years"] == before["years"]  # the same release, loaded again
    for outside in (tmp_path.parent, tmp_path.parent.parent, tmp_path / "abs"):
        assert not any((outside / n).exists() for n in names), outside


# -- §2 one finiteness rule -----------------------------------------------------------------

@pytest.mark.parametrize(("v", "why"), [
    ("inf", "not finite"), ("1e309", "not finite"), ("nan", "not a number"),
    ("-3.1", ""), ("1e12", "more than 1,000,000,000 thousand USD"),
])
def test_value_must_be_finite_non_negative_and_plausible(loaded, v, why):
    db, rel = loaded
    write_year(rel, HEADER + OK + f"2024,4,124,850511,{v},\n")
    err = rejected(db, rel, match=f"got '{v}'", line=3, column="v")
    assert why in str(err)


def test_rows_whose_sum_would_overflow(loaded):
    db, rel = loaded
    write_year(rel, HEADER + OK + "2024,4,124,850511,1.7e308,\n2024,4,320,850511,1.7e308,\n")
    rejected(db, rel, match="got '1.7e308'", line=3, column="v")


@pytest.mark.parametrize("q", ["inf", "nan", "-2", "1e11"])
def test_quantity_rule(loaded, q):
    db, rel = loaded
    write_year(rel, HEADER + OK + f"2024,4,124,850511,2.0,{q}\n")
    rejected(db, rel, match=f"got '{q}'", line=3, column="q")


def test_bound_is_above_every_real_flow(baci_dir):
    import pandas as pd

    for f in sorted(baci_dir.glob("BACI_*_Y*.csv")):
        raw = pd.read_csv(f)
        assert raw.v.max() < bounds.MAX_VALUE_KUSD / 25  # 35 billion USD at most, vs 1 trillion
        assert raw.q.max() < bounds.MAX_QUANTITY_T / 50 if raw.q.notna().any() else True


# -- §3 inputs that gave tracebacks ----------------------------------------------------------

@pytest.mark.parametrize(("row", "match", "column"), [
    ("40000,4,124,850511,2.0,", "expected the file name's year 2024, got '40000'", "t"),
    ("-40000,4,124,850511,2.0,", "got '-40000'", "t"),
    ("2024,4,124,850511,,", "got an empty field", "v"),
    ("2024,,124,850511,2.0,", "got an empty field", "i"),
    ("2024,4,,850511,2.0,", "got an empty field", "j"),
    ("2024,4,124,,2.0,", "got an empty field", "k"),
    (",4,124,850511,2.0,", "got an empty field", "t"),
])
def test_out_of_range_and_empty_fields(loaded, row, match, column):
    db, rel = loaded
    write_year(rel, HEADER + OK + row + "\n")
    rejected(db, rel, match=match, line=3, column=column)


def test_non_utf8_country_table(loaded):
    db, rel = loaded
    table = rel / "country_codes_V202601.csv"
    lines = table.read_bytes().splitlines(keepends=True)
    lines[5] = lines[5].replace(b"a", b"\xe9", 1)  # a Latin-1 é on line 6
    table.write_bytes(b"".join(lines))
    rejected(db, rel, match="not UTF-8 text: byte 0xE9", line=6)


# -- §4 lines that point at the right place -------------------------------------------------

DUP = "2024,4,68,850511,9.9,\n"


@pytest.mark.parametrize(("body", "match", "line", "column"), [
    (OK + "\n\n" + "2024,4,124,850511,-1,\n", "got '-1'", 5, "v"),
    (OK + "\n\n\n" + "2024,4,124,850511,abc,\n", "got 'abc'", 6, "v"),
    # lines 3-4 are one record (a quoted newline in k): DuckDB's reject row says line 4
    (OK + '2024,4,320,"850\n511",1,\n' + "2024,4,320,850511,abc,\n", "got 'abc'", 5, "v"),
    # a check (unknown importer 999) after a quoted newline (lines 3-4, in q)
    (OK + '2024,4,124,850511,2.0,"\n"\n' + "2024,4,999,850511,1,\n", "got '999'", 5, "j"),
    # a duplicate: the first two copies, not the last
    (OK + "2024,4,124,850511,2.0,\n" + DUP + "\n" + DUP, "listed again on line 4", 2,
     "t,i,j,k"),
], ids=["blank lines, reject", "blank lines, cast", "quoted newline, reject",
        "quoted newline, check", "duplicate"])
def test_errors_point_at_the_physical_line(loaded, body, match, line, column):
    db, rel = loaded
    write_year(rel, HEADER + body)
    rejected(db, rel, match=match, line=line, column=column)


@pytest.mark.parametrize(("row", "match"), [
    ("ABC,Not a code", "expected an HS6 code of up to six digits, got 'ABC'"),
    ('850511,"Permanent magnets, listed twice"', "'850511' is listed twice"),
])
def test_product_table_errors_give_a_line(loaded, row, match):
    db, rel = loaded
    table = rel / "product_codes_HS17_V202601.csv"
    text = table.read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    # a description with a quoted newline first, so the line is counted as an editor does
    table.write_text(head + '\n999999,"A description\nover two lines"\n' + row + "\n" + rest,
                     encoding="utf-8")
    rejected(db, rel, match=match, line=4, column="code")


# -- the reporter path: the same rule, the same line numbers ---------------------------------

CLASSIC = ("Classification,Year,Period,Aggregate Level,Trade Flow,Reporter ISO,Partner Code,"
           "Partner ISO,Commodity,Commodity Code,Netweight (kg),Trade Value (US$)\n")
ROW = 'H5,2019,201907,6,Import,KOR,392,JPN,"Hydrogen fluoride",281111,529850,{v}\n'


@pytest.fixture()
def reporter_db(loaded, tmp_path):
    db, _ = loaded
    good = tmp_path / "comtrade_good.csv"
    good.write_text(CLASSIC + ROW.format(v="961061"))
    with straits.open(db) as s:
        s.ingest(good)
    return db


@pytest.mark.parametrize(("v", "why"), [
    ("1e308", "more than 1,000,000,000,000 USD"), ("inf", "not finite"),
    ("1e309", "not finite"), ("nan", "not a number"), ("-5", ""),
])
def test_reporter_values_follow_the_same_rule(reporter_db, tmp_path, v, why):
    f = tmp_path / "comtrade_bad.csv"
    f.write_text(CLASSIC + ROW.format(v="1") + ROW.format(v=v).replace("281111", "281112"))
    err = rejected(reporter_db, f, match=f"got '{v}'", line=3, column="Trade Value (US$)")
    assert why in str(err)


def test_reporter_weight_bound(reporter_db, tmp_path):
    f = tmp_path / "comtrade_heavy.csv"
    f.write_text(CLASSIC + ROW.format(v="1").replace("529850", "2e13"))
    rejected(reporter_db, f, match="got '2e13'.*kg", line=2, column="Netweight (kg)")


def test_reporter_non_utf8_file(reporter_db, tmp_path):
    f = tmp_path / "comtrade_latin1.csv"
    f.write_bytes((CLASSIC + ROW.format(v="1") + ROW.format(v="2").replace(
        "Hydrogen fluoride", "Fluorure d'hydrog\xe8ne").replace("281111", "281112")
    ).encode("latin-1"))
    rejected(reporter_db, f, match="not UTF-8 text: byte 0xE8", line=3)


def test_reporter_line_numbers_after_blank_lines_and_quoted_newlines(reporter_db, tmp_path):
    f = tmp_path / "comtrade_lines.csv"
    multi = ROW.format(v="3").replace("Hydrogen fluoride", "Hydrogen\nfluoride")
    f.write_text(CLASSIC + ROW.format(v="1") + "\n" + multi.replace("281111", "281112")
                 + ROW.format(v="-7").replace("281111", "281113"))
    # header 1, row 2, blank 3, quoted record 4-5, bad row 6
    rejected(reporter_db, f, match="got '-7'", line=6, column="Trade Value (US$)")


def test_reporter_stray_quote_does_not_swallow_a_row(reporter_db, tmp_path):
    # an unclosed quote on line 3 makes the CSV reader take line 4 into its field: the row of
    # line 4 would vanish without a word, so the file is refused at line 3
    f = tmp_path / "comtrade_quote.csv"
    f.write_text(CLASSIC + ROW.format(v="1")
                 + 'H5,2019,201907,6,Import,KOR,392,JPN,"unclosed,281112,5,6\n'
                 + ROW.format(v="2").replace("281111", "281113"))
    err = rejected(reporter_db, f, match="runs on over line 4", line=3)
    assert "stray or unclosed quote" in str(err)


def test_reporter_long_line_is_named(reporter_db, tmp_path):
    f = tmp_path / "comtrade_long.csv"
    f.write_text(CLASSIC + ROW.format(v="1") + "x" * 3_000_000 + "\n" + ROW.format(v="2"))
    rejected(reporter_db, f, match="longer than 2,000,000 bytes", line=3)
