"""`straits refresh` end to end: watchlist -> fetch -> watch -> alerts, against the stand-in API.

The served figures are Korea's real customs imports (tests/comtrade_server.py), so the
first refresh must raise the 2019 hydrogen-fluoride signal: Japan -> Korea, 281111, July
2019, 961,061 USD against a baseline of mean(June, July, August 2018) = (6,434,607 +
5,337,606 + 6,039,214) / 3 USD, as the backtest on the customs file does.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import straits
from straits.cli.app import app
from straits.feed import watchlist as wl_mod
from straits.feed.refresh import EXIT_SIGNAL
from tests.comtrade_server import KEY, Server, real_database

WATCHLIST = """
[settings]
start = "2017-01"
revise_months = 3

[[watch]]
name = "Japan's 2019 controls"
importer = "KOR"
partners = ["JPN", "CHN", "TWN", "USA"]
products = ["281111", "370790", "392099"]
mirror = true
"""
BASELINE = (6_434_607 + 5_337_606 + 6_039_214) / 3


@pytest.fixture(scope="module")
def server():
    s = Server(real_database())
    yield s
    s.close()


def refresh(tmp_path, server, *extra, watchlist=None):
    wl = watchlist or tmp_path / "watchlist.toml"
    if watchlist is None:
        wl.write_text(WATCHLIST, encoding="utf-8")
    server.calls.clear()
    return CliRunner().invoke(app, [
        "refresh", "--watchlist", str(wl), "--base-url", server.url, "--interval", "0",
        "--db", str(tmp_path / "w.duckdb"), "--alerts", str(tmp_path / "alerts"),
        "--to", "2021-12", "--format", "csv", *extra],
        env={"COMTRADE_API_KEY": KEY, "STRAITS_CACHE": str(tmp_path / "cache")})


def test_refresh_raises_the_2019_hydrogen_fluoride_signal(tmp_path, server):
    r = refresh(tmp_path, server, "--fail-on-signal")
    assert r.exit_code == EXIT_SIGNAL, r.output
    out = r.stdout
    new = pd.read_csv(pd.io.common.StringIO(out[out.index("refresh_id,"):]), dtype={"product": str})
    jp = new[(new["supplier"] == "JPN") & (new["product"] == "281111")]
    assert jp[["period", "signal", "value_usd"]].values.tolist() == [
        ["2019-07", "seasonal_drop", 961_061]]
    assert jp["baseline_usd"].iloc[0] == pytest.approx(BASELINE, rel=1e-9)
    # both sides were asked for: Korea's imports, and its partners' exports to Korea
    asked = {(c["params"]["reporterCode"], c["params"]["flowCode"]) for c in server.calls}
    assert asked == {("410", "M"), ("392,156,490,842", "X")}
    # the alert files hold the same signals
    doc = json.loads((tmp_path / "alerts" / "alerts-latest.json").read_text())
    assert doc["refresh"]["new_signals"] == len(new) == len(doc["signals"])
    hf = [s for s in doc["signals"] if s["supplier"] == "JPN" and s["product"] == "281111"]
    assert hf[0]["period"] == "2019-07" and hf[0]["value_usd"] == 961_061
    csv = pd.read_csv(tmp_path / "alerts" / "alerts-latest.csv", dtype={"product": str})
    assert csv["period"].tolist() == new["period"].tolist()
    history = pd.read_csv(tmp_path / "alerts" / "alerts-history.csv")
    assert len(history) == len(new)
    # "when the last refresh ran", for the dashboard
    with straits.open(tmp_path / "w.duckdb", read_only=True) as s:
        last = s.last_refresh()
        assert last["new_signals"] == len(new) and last["fetches"] == 2
        assert last["finished_at"] >= last["started_at"]
        assert last["watchlist"] == str(tmp_path / "watchlist.toml")

    # a second refresh asks only for the last months again and finds nothing new
    before = hashlib.sha256((tmp_path / "alerts" / "alerts-history.csv").read_bytes()).digest()
    r = refresh(tmp_path, server, "--fail-on-signal")
    assert r.exit_code == 0, r.output
    periods = {c["params"]["reporterCode"]: c["params"]["period"].split(",")
               for c in server.calls}
    # Korea's imports are stored to 2021-11 (the sample's last month with trade): 3 months
    # back from there; the partners' exports were never published, so 3 months back from
    # the end of the last fetch (2021-12)
    assert periods["410"][0] == "202109" and periods["392,156,490,842"][0] == "202110"
    assert len(server.calls) == 2
    assert r.stdout.strip().startswith("refresh_id,") and r.stdout.strip().count("\n") == 0
    doc = json.loads((tmp_path / "alerts" / "alerts-latest.json").read_text())
    assert doc["signals"] == [] and doc["refresh"]["signals"] == len(new)
    after = hashlib.sha256((tmp_path / "alerts" / "alerts-history.csv").read_bytes()).digest()
    assert after == before


def test_refresh_error_exits_2_and_stores_nothing(tmp_path, server):
    server.fail_after = 0
    try:
        r = refresh(tmp_path, server, "--retries", "0", "--fail-on-signal")
    finally:
        server.fail_after = None
    assert r.exit_code == 2 and "HTTP 503" in r.output
    assert not (tmp_path / "w.duckdb").exists() and not (tmp_path / "alerts").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("[[watch]]\nimporter = 'KOR'\nproducts = ['281111']\npartners = ['Atlantis']\n",
     "watchlist.toml, column watch[1].partners: Unknown country 'Atlantis'"),
    ("[[watch]]\nimporter = 'KOR'\nproducts = ['2811']\n",
     "column watch[1].products: expected HS6 codes, got '2811'"),
    ("[settings]\nstart = '2019-13'\n[[watch]]\nimporter = 'KOR'\nproducts = ['281111']\n",
     "column settings.start: expected a month 'YYYY-MM', got '2019-13'"),
    ("[[watch]]\nimporter = 'KOR'\nproducts = ['281111']\nmirror = true\n",
     "column watch[1].mirror: expected true or false (true needs named partners)"),
    ("[rules]\ndrop = 0.5\n[[watch]]\nimporter = 'KOR'\nproducts = ['281111']\n",
     "column rules.drop: unknown key"),
    ("[[watch]\n", "not valid TOML"),
    ("[settings]\nstart = '2017-01'\n", "column watch: expected at least one [[watch]] table"),
])
def test_bad_watchlist_is_a_clear_error(tmp_path, server, text, message):
    wl = tmp_path / "watchlist.toml"
    wl.write_text(text, encoding="utf-8")
    r = refresh(tmp_path, server, watchlist=wl)
    assert r.exit_code == 2 and message in r.output, r.output
    assert not server.calls


def test_example_watchlist_ships_and_installs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    wl = wl_mod.load(wl_mod.example_path())
    assert [e.importer for e in wl.entries] == ["KOR", "KOR"]
    assert wl.entries[0].products == ("281111", "370790", "392099")
    assert wl.entries[0].partners == ("JPN", "CHN", "TWN", "USA") and wl.entries[0].mirror
    runner = CliRunner()
    r = runner.invoke(app, ["watchlist", "--example"])
    assert r.exit_code == 0 and "[[watch]]" in r.stdout
    r = runner.invoke(app, ["watchlist"])
    assert r.exit_code == 0 and "No watchlist at" in r.output       # none installed yet: a note
    r = runner.invoke(app, ["watchlist", "--watchlist", str(tmp_path / "nope.toml")])
    assert r.exit_code == 2 and "No watchlist at" in r.output       # the file named: an error
    r = runner.invoke(app, ["watchlist", "--init", "--format", "json"])
    assert r.exit_code == 0, r.output
    target = tmp_path / "config" / "straits" / "watchlist.toml"
    assert target.read_text() == wl_mod.example_path().read_text()
    rows = json.loads(r.stdout)
    assert rows[0]["partners"] == ["JPN", "CHN", "TWN", "USA"] and rows[1]["importer"] == "KOR"
