"""Every CLI command against broken environments: a message and exit 2, never a traceback.

Issue 12 §3. The commands are enumerated from the Typer app (groups included), so a new
command is covered the day it lands; one whose required parameter has no sample value below
fails :func:`test_every_command_has_sample_arguments` until one is added.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
import typer.main
from typer.testing import CliRunner

from straits.cli.app import app
from straits.warehouse import write

REPO = Path(__file__).resolve().parents[1]
SAMPLE = {  # a plausible value for each required parameter, by name
    "a": "KOR", "b": "JPN", "query": "KOR", "importer": "KOR", "exporter": "CHN",
    "country": "KOR", "supplier": "JPN", "customer": "KOR", "sector": "c9", "cut": "0.5",
    "product": "811292", "products": "811292", "input_id": "N31", "reporter": "KOR",
    "start": "2019-01", "end": "2019-12",
}
#: required parameters that name a file or folder: under the test's tmp folder
TMP_FILES = {"path": lambda tmp: tmp / "input.csv", "parquet": lambda tmp: tmp / "parquet-out"}
WRITING = {("ingest",), ("fetch", "baci"), ("fetch", "comtrade"), ("refresh",)}
NO_SERVER = {("serve",)}  # started only where it must fail before listening


def leaf_commands():
    def walk(group, prefix):
        for name, c in sorted(group.commands.items()):
            if getattr(c, "commands", None):
                yield from walk(c, (*prefix, name))
            else:
                yield (*prefix, name), c
    return list(walk(typer.main.get_command(app), ()))


COMMANDS = leaf_commands()


def argv(path: tuple[str, ...], command, tmp: Path, db: Path | None,
         given: dict[str, str] | None = None) -> list[str]:
    """The command line of ``path``: sample values for what it requires, ``given`` on top.

    An optional positional argument is filled in when it or a later one is given (``report
    KOR Narnia`` needs its ``a``); files go under ``tmp``, URLs to a closed loopback port.
    """
    given = given or {}
    args, opts = list(path), []
    names = {p.name for p in command.params}
    positional = [p.name for p in command.params if p.param_type_name == "argument"]
    wanted = {n for i, n in enumerate(positional) if set(positional[i:]) & set(given)}
    for p in command.params:
        if p.name in given:
            value = given[p.name]
        elif p.required or p.name in wanted:
            value = str(TMP_FILES[p.name](tmp)) if p.name in TMP_FILES else SAMPLE[p.name]
        else:
            continue
        if p.param_type_name == "argument":
            args.append(value)
        else:
            opts += [p.opts[0], value]
    out = tmp / ("out.html" if path == ("report",) else "out.csv")
    fixed = (("db", db), ("base_url", "http://127.0.0.1:9"),  # closed: no network, ever
             ("retries", "0"),  # the closed port fails at once, not after a minute of backoff
             ("dest", tmp / "dl"), ("alerts", tmp / "alerts"),
             ("out", out))  # nothing lands in the working folder
    for name, value in fixed:
        if name in names and name not in given and value is not None:
            opts += [next(p.opts[0] for p in command.params if p.name == name), str(value)]
    return args + opts


def test_every_command_has_sample_arguments():
    missing = {(" ".join(path), p.name) for path, c in COMMANDS for p in c.params
               if p.required and p.name not in TMP_FILES and p.name not in SAMPLE}
    assert not missing, f"add sample values to SAMPLE for {sorted(missing)}"
    assert len(COMMANDS) >= 30


@pytest.fixture(scope="module")
def envs(tmp_path_factory, session):
    """name -> (db path or None, extra environment): each a broken environment."""
    tmp = tmp_path_factory.mktemp("broken")
    (tmp / "input.csv").write_text(
        "Classification,Year,Period,Trade Flow,Reporter ISO,Partner ISO,Commodity Code,"
        "Trade Value (US$)\nH5,2019,2019,Import,KOR,JPN,281111,5\n")
    text = tmp / "notes.duckdb"
    text.write_text("these are notes, not a warehouse\n" * 20)
    other = tmp / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    blocked = tmp / "a-file"
    blocked.write_text("x")
    return tmp, {
        "not a DuckDB file": (text, {}),
        "missing folder": (tmp / "no" / "such" / "w.duckdb", {}),
        "a folder": (tmp, {}),
        "DuckDB but not Straits": (other, {}),
        "cache cannot be created": (None, {"STRAITS_CACHE": str(blocked / "cache")}),
    }


def invoke(args: list[str], env: dict[str, str | None]):
    result = CliRunner().invoke(app, args, env=env)
    text = result.output + (getattr(result, "stderr", "") or "")
    return result, text


ENV_NAMES = ["not a DuckDB file", "missing folder", "a folder", "DuckDB but not Straits",
             "cache cannot be created"]


@pytest.mark.parametrize("env_name", ENV_NAMES)
def test_every_command_in_a_broken_environment(envs, env_name):
    tmp, table = envs
    db, extra = table[env_name]
    env = {"STRAITS_DB": str(db) if db is not None else None, **extra}
    problems = []
    for path, command in COMMANDS:
        takes_db = "db" in {p.name for p in command.params}
        if path in NO_SERVER and not takes_db:
            continue
        result, text = invoke(argv(path, command, tmp, db), env)
        escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
        want = {2} if takes_db else {0, 2}
        if escaped or "Traceback" in text or result.exit_code not in want:
            problems.append(f"{' '.join(path)}: exit {result.exit_code}, "
                            f"{type(result.exception).__name__}: {text.strip()[-300:]}")
        elif result.exit_code == 2:
            assert text.startswith("Error: ") or "\nError: " in text, (path, text)
    assert not problems, "\n".join(problems)


def test_writing_commands_name_the_lock_holder_and_readers_go_on(envs, tmp_path, session):
    tmp, _ = envs
    db = tmp_path / "w.duckdb"
    db.write_bytes(Path(session.path).read_bytes())
    env = {"STRAITS_DB": str(db)}
    with write.lock(db, command="ingest BACI_HS92_V202601.zip"):
        for path, command in COMMANDS:
            if path not in WRITING:
                continue
            result, text = invoke(argv(path, command, tmp, db), env)
            assert result.exit_code == 2 and "Traceback" not in text, (path, text)
            if path == ("ingest",):
                assert f"pid {os.getpid()}" in text and "BACI_HS92_V202601.zip" in text
                assert "--wait" in text
        for args in (["flows", "--year", "2024", "--exporter", "CHN", "--limit", "3"],
                     ["datasets"]):
            result, text = invoke([*args, "--db", str(db), "--format", "csv"], env)
            assert result.exit_code == 0, text  # readers never wait for a writer


def test_foreign_read_write_connection(tmp_path, session):
    db = tmp_path / "w.duckdb"
    db.write_bytes(Path(session.path).read_bytes())
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time, duckdb
        con = duckdb.connect(sys.argv[1])
        print("open", flush=True)
        time.sleep(120)
    """), str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        for args in (["datasets"], ["flows", "--year", "2024"],
                     ["ingest", str(tmp_path / "none.csv")]):
            result, text = invoke([*args, "--db", str(db)], {})
            assert result.exit_code == 2 and "Traceback" not in text, text
            if args[0] != "ingest":
                assert "open for writing in another program" in text, text
    finally:
        holder.kill()
        holder.wait()


def test_real_process_exit_code_and_stderr(envs):
    tmp, table = envs
    db, _ = table["not a DuckDB file"]
    r = subprocess.run([sys.executable, "-c", "from straits.cli.app import main; main()",
                        "flows", "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("Error: ") and "not a DuckDB warehouse file" in r.stderr


def test_internal_errors_are_one_line_not_a_traceback(monkeypatch):
    import straits.reference.lookup as lookup

    def broken(*a, **k):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(lookup, "search_countries", broken)
    result, text = invoke(["country", "KOR"], {})
    assert result.exit_code == 1 and "Traceback" not in text
    assert "internal error (ZeroDivisionError: a bug)" in text
    monkeypatch.setenv("STRAITS_DEBUG", "1")
    result = CliRunner().invoke(app, ["country", "KOR"])
    assert isinstance(result.exception, ZeroDivisionError)  # the traceback, on request


ECONOMIES = ("a", "b", "importer", "exporter", "country", "reporter", "partner", "supplier",
             "customer", "third", "on", "also_restricting")
PRODUCTS = ("product", "products")
BAD_ARGUMENTS = {  # class of bad input -> parameter -> value
    "wrong name": {**dict.fromkeys(ECONOMIES, "Narnia"), **dict.fromkeys(PRODUCTS, "zz9999"),
                   "query": "Narnia", "year": "1800", "input_id": "N999", "sector": "c999",
                   "preset": "no-such-event", "lang": "xx"},
    "empty value": {**dict.fromkeys((*ECONOMIES, *PRODUCTS), ""), "query": "",
                    "input_id": "", "sector": ""},
    "duplicate items": {**dict.fromkeys(ECONOMIES, "KOR,KOR"),
                        **dict.fromkeys(PRODUCTS, "811292,811292"), "year": "2024,2024"},
    "unwritable --out": {"out": "/proc/straits/out.csv"},  # /proc takes no new folder, even as root
    "nonexistent path": {"path": "/nonexistent/dir/input.csv",
                         "watchlist": "/nonexistent/dir/watchlist.toml"},
}
SEARCHES = {("country",), ("product",), ("watchlist",)}
"""Look-ups whose answer to a name they cannot match is "no match" (exit 0), not an error."""


@pytest.mark.parametrize("kind", list(BAD_ARGUMENTS))
def test_every_command_with_bad_arguments(session, tmp_path, kind):
    """Each command x each parameter of a class: exit 2 and an error, never a traceback.

    A list of economies or products counts each once (``KOR,KOR`` is ``KOR``: the order and
    repetition invariance the engines are tested for), so a duplicate may also answer (exit
    0); a one-economy parameter refuses a list (exit 2).
    """
    (tmp_path / "input.csv").write_text("t,i,j,k,v,q\n")
    problems, ran = [], 0
    for path, command in COMMANDS:
        if path in NO_SERVER:
            continue
        names = {p.name for p in command.params}
        for name, value in BAD_ARGUMENTS[kind].items():
            if name not in names:
                continue
            args = argv(path, command, tmp_path, None, {name: value})
            result, text = invoke(args, {"STRAITS_DB": None})
            ran += 1
            escaped = result.exception is not None and not isinstance(result.exception,
                                                                      SystemExit)
            ok = {0, 2} if kind == "duplicate items" or path in SEARCHES else {2}
            if escaped or "Traceback" in text or result.exit_code not in ok \
                    or (result.exit_code == 2 and "Error" not in text):
                problems.append(f"{' '.join(args)}: exit {result.exit_code}, "
                                f"{type(result.exception).__name__}: {text.strip()[-300:]}")
    assert ran >= (3 if kind == "nonexistent path" else 20), ran
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("args", "code", "says"), [
    (["mutual", "KOR", "KOR"], 2, "must name different economies"),
    (["flows", "--db", "/nonexistent/dir/x.duckdb"], 2, "/nonexistent/dir/x.duckdb"),
    (["flows", "--product", "gallium", "--year", "2024", "--limit", "3"], 0, "811292"),
    (["country", "Corea"], 0, "KOR"),
    (["shock", "--exporter", "CHN", "--importer", "KOR,KOR", "--products", "811292"], 0,
     "811292"),
    (["shock", "--exporter", "CHN", "--importer", "KOR,CHN", "--products", "811292"], 2,
     "different economies"),
])
def test_named_cases_are_clean(session, args, code, says):
    result, text = invoke([*args, "--format", "csv"] if code == 0 else args, {"STRAITS_DB": None})
    assert result.exit_code == code and "Traceback" not in text, text
    assert says in text
    if code == 2:
        assert [line for line in text.splitlines() if line.strip()][-1].startswith("Error: ")
