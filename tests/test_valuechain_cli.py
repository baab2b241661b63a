"""CLI of the value-chain engine: every command runs, errors exit with code 2."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from straits.cli.app import app

runner = CliRunner()


@pytest.mark.parametrize("args", [
    ["chain", "--country", "KOR"], ["chain", "--input", "Photoresists"], ["chain-chokepoints"],
    ["chain-pair", "KOR", "JPN"], ["chain-downstream", "N31"],
])
def test_chain_commands_show_licence(args):
    r = runner.invoke(app, [*args, "-f", "table"])
    assert r.exit_code == 0, r.output
    assert "CC BY-NC 4.0" in r.output


def test_io_shock_csv():
    r = runner.invoke(app, ["io-shock", "--year", "2011", "--supplier", "JPN", "--sector", "c9",
                            "--customer", "KOR", "--cut", "0.5", "--format", "csv"])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(io.StringIO(r.output))
    assert df.iloc[-1][["country", "industry"]].tolist() == ["WORLD", "total"]
    assert {"leontief_loss_musd", "ghosh_loss_musd", "output_musd"} <= set(df.columns)


def test_io_reliance_json():
    r = runner.invoke(app, ["io-reliance", "--country", "KOR", "--supplier", "JPN", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert pd.read_json(io.StringIO(r.output))["supplier"].isin(["JPN", "FOREIGN"]).all()


@pytest.mark.parametrize("args,msg", [
    (["--cut", "1.5"], "'cut' parameter"),
    (["--cut", "0.5", "--year", "2005"], "Year 2005 is not loaded"),
    (["--cut", "0.5", "--sector", "c77"], "unknown industry"),
])
def test_io_shock_errors(args, msg):
    base = {"--supplier": "JPN", "--sector": "c9", "--customer": "KOR"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    r = runner.invoke(app, ["io-shock", *[x for kv in base.items() for x in kv]])
    assert r.exit_code == 2 and msg in r.output


def test_chain_unknown_input():
    r = runner.invoke(app, ["chain", "--input", "Flux capacitor"])
    assert r.exit_code == 2 and "not an ETO input" in r.output
