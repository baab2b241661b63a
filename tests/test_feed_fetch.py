"""`straits fetch comtrade` against a loopback stand-in of the API (no network).

The stand-in (tests/comtrade_server.py) serves, in the API's JSON format, the real monthly
figures of the package's embedded reporter data: Korea's customs imports and exports of
hydrogen fluoride (2811111000, served as 281111) and photoresist, China's exports of
graphite and gallium/germanium.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from straits.cli.app import app
from straits.errors import DownloadError, ParameterError
from straits.feed.fetch import download, fetch_comtrade, plan_query
from straits.sources.comtrade_api import ApiRequest, ComtradeClient, RetryPolicy
from tests.comtrade_server import KEY, Reply, Server, real_database

KCS = Path(__file__).resolve().parents[1] / "src/straits/data/reporter"
PARTNERS = "JPN,CHN,TWN,USA"


@pytest.fixture(scope="module")
def database() -> pd.DataFrame:
    return real_database()


@pytest.fixture()
def server(database):
    s = Server(database)
    yield s
    s.close()


def client(server, *, key=KEY, sleeps=None, **kw) -> ComtradeClient:
    policy = RetryPolicy(min_interval_s=0, **kw.pop("policy", {}))
    sleep = sleeps.append if sleeps is not None else (lambda s: None)
    return ComtradeClient(server.url, key, policy=policy, sleep=sleep, **kw)


def fingerprint(db: Path) -> str | None:
    """The warehouse file's bytes: what a rejected fetch must leave as it was."""
    return hashlib.sha256(db.read_bytes()).hexdigest() if db.exists() else None


def rows(db: Path, where: str = "TRUE") -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(f"SELECT * FROM reporter_flows WHERE {where} "
                       "ORDER BY partner, flow, hs6, year, month").df()


def kcs_imports(item: str, partners: list[str], years: range) -> pd.DataFrame:
    """Korea's customs imports recomputed from the raw embedded file (non-zero months)."""
    df = pd.read_csv(KCS / "kcs_hs10_by_country_monthly_2000_2021.csv", dtype={"Item": str})
    df = df[(df["Item"] == item) & df["Country"].isin(partners) & df["Year"].isin(years)
            & (df["Import_dollar"] > 0)]
    return df


def run(*args, env=None):
    return CliRunner().invoke(app, list(args), env=env or {})


def test_fetch_stores_the_real_monthly_figures(tmp_path, server):
    db = tmp_path / "w.duckdb"
    r = run("fetch", "comtrade", "--reporter", "KOR", "--partner", PARTNERS, "--products",
            "281111,370790,392099", "--from", "2018-01", "--to", "2019-12", "--base-url",
            server.url, "--interval", "0", "--db", str(db), env={"COMTRADE_API_KEY": KEY})
    assert r.exit_code == 0, r.output
    assert "subscription key" in r.output and "Stored" in r.output
    # two calls (one per calendar year) to the keyed endpoint, key in the header only
    assert [c["path"] for c in server.calls] == ["/data/v1/get/C/M/HS"] * 2
    first = server.calls[0]
    assert first["key"] == KEY and "subscription-key" not in first["params"]
    assert first["params"]["period"] == ",".join(f"2018{m:02d}" for m in range(1, 13))
    assert first["params"]["partnerCode"] == "392,156,490,842"
    assert (first["params"]["customsCode"], first["params"]["motCode"]) == ("C00", "0")
    jp = rows(db, "partner = 'JPN' AND hs6 = '281111' AND year = 2019 AND month IN (6, 7)")
    # Korea Customs Service: June 5,293,070 USD (3,026,010 kg), July 961,061 USD (529,850 kg)
    assert jp["value_usd"].tolist() == [5_293_070, 961_061]
    assert jp["weight_kg"].tolist() == [3_026_010, 529_850]
    assert set(jp["value_basis"]) == {"cif"} and set(jp["classification"]) == {"HS"}
    # every non-zero month of the raw file arrived, nothing else
    raw = kcs_imports("2811111000", ["Japan", "China", "Taiwan", "USA"], range(2018, 2020))
    got = rows(db, "hs6 = '281111'")
    assert len(got) == len(raw) and got["value_usd"].sum() == raw["Import_dollar"].sum()
    with duckdb.connect(str(db), read_only=True) as con:
        src = con.sql("SELECT source, layout, monthly_series, rows FROM reporter_sources").df()
        log = con.sql("SELECT endpoint, calls, rows, first_period, last_period "
                      "FROM comtrade_fetches").df()
    assert src.iloc[0].tolist() == ["comtrade-api:KOR", "comtrade-api", "KOR import HS",
                                    len(rows(db))]
    assert log.iloc[0].tolist() == ["get", 2, len(rows(db)), "2018-01", "2019-12"]


def test_keyless_fetch_uses_the_preview_and_says_so(tmp_path, server):
    db = tmp_path / "w.duckdb"
    r = run("fetch", "comtrade", "--reporter", "KOR", "--partner", "JPN", "--products",
            "281111", "--from", "2019-01", "--to", "2019-12", "--base-url", server.url,
            "--interval", "0", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert "keyless preview" in r.output and "500 records a call" in r.output
    assert server.calls[0]["path"] == "/public/v1/preview/C/M/HS"
    assert server.calls[0]["key"] is None and server.calls[0]["params"]["maxRecords"] == "500"


def test_capped_answers_are_split_until_complete(tmp_path, server):
    full = download(plan_query("KOR", PARTNERS, "281111,370790", "2019-01", "2019-12"),
                    client(server), root=tmp_path / "a").table
    assert len(full) > 60  # 2 products x 4 partners x 12 months, months without trade left out
    server.calls.clear()
    paged = download(plan_query("KOR", PARTNERS, "281111,370790", "2019-01", "2019-12"),
                     client(server, max_records=30), root=tmp_path / "b").table
    key = ["partner", "hs6", "year", "month"]
    pd.testing.assert_frame_equal(paged.sort_values(key).reset_index(drop=True),
                                  full.sort_values(key).reset_index(drop=True))
    periods = [len(c["params"]["period"].split(",")) for c in server.calls]
    assert periods[:3] == [12, 6, 3]  # halved while an answer filled maxRecords=30
    assert all(c["params"]["maxRecords"] == "30" for c in server.calls)


def test_429_is_retried_after_the_time_asked(tmp_path, server):
    server.script = [Reply(429, {"Retry-After": "7"}, b'{"statusCode": 429}'),
                     Reply(503, {}, b"Service Unavailable")]
    sleeps: list[float] = []
    db = tmp_path / "w.duckdb"
    entry = fetch_comtrade(db, plan_query("KOR", "JPN", "281111", "2019-01", "2019-12"),
                           client(server, sleeps=sleeps), root=tmp_path / "stage")
    # Retry-After honoured (7 s), then exponential backoff for the 503 (2 s * 2**1)
    assert sleeps == [7.0, 4.0]
    assert entry["retries"] == 2 and entry["calls"] == 1
    assert rows(db, "month = 7")["value_usd"].tolist() == [961_061]


def test_retries_exhausted_or_a_daily_quota_stop_cleanly(tmp_path, server):
    db = tmp_path / "w.duckdb"
    q = plan_query("KOR", "JPN", "281111", "2019-01", "2019-12")
    server.script = [Reply(429)] * 3
    with pytest.raises(DownloadError, match="HTTP 429 after 3 attempts; run again later"):
        fetch_comtrade(db, q, client(server, policy={"retries": 2}), root=tmp_path / "s")
    server.script = [Reply(429, {"Retry-After": "86400"})]
    with pytest.raises(DownloadError, match="asks to wait 86,400 s"):
        fetch_comtrade(db, q, client(server), root=tmp_path / "s")
    assert not db.exists()
    server.script = [Reply(401, body=b"Access denied")]
    with pytest.raises(DownloadError, match="subscription key was refused; check COMTRADE_API_KEY"):
        fetch_comtrade(db, q, client(server), root=tmp_path / "s")


def test_fetching_again_replaces_the_period(tmp_path, server):
    db = tmp_path / "w.duckdb"
    q = plan_query("KOR", "JPN,CHN", "281111", "2019-06", "2019-07")
    fetch_comtrade(db, q, client(server), root=tmp_path / "s")
    before = rows(db)
    assert len(before) == 4
    # The revision: July's Japan figure becomes the full HS6 line Comtrade publishes for
    # the year (44,982,432 USD in comtrade_H5_KOR_imports_from_JPN_2019.csv) and China's
    # July record is withdrawn.
    db_served = server.database
    jp_jul = (db_served["partnerISO"] == "JPN") & (db_served["period"] == "201907") & (
        db_served["cmdCode"] == "281111") & (db_served["flowCode"] == "M")
    cn_jul = (db_served["partnerISO"] == "CHN") & (db_served["period"] == "201907") & (
        db_served["cmdCode"] == "281111") & (db_served["flowCode"] == "M")
    revised = db_served.copy()
    revised.loc[jp_jul, ["primaryValue", "cifvalue"]] = 44_982_432.0
    server.close()
    again = Server(revised[~cn_jul.to_numpy()])
    try:
        fetch_comtrade(db, q, client(again), root=tmp_path / "s")
    finally:
        again.close()
    after = rows(db)
    assert len(after) == 3  # China's July row is gone, not left behind
    assert after.loc[(after["partner"] == "JPN") & (after["month"] == 7), "value_usd"].tolist() \
        == [44_982_432]
    june = after[after["month"] == 6].reset_index(drop=True)
    pd.testing.assert_frame_equal(june, before[before["month"] == 6].reset_index(drop=True))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM comtrade_fetches").fetchone()[0] == 2
        assert con.execute("SELECT rows FROM reporter_sources").fetchone()[0] == 3


def test_interrupted_fetch_resumes_where_it_stopped(tmp_path, server):
    db = tmp_path / "w.duckdb"
    args = ["fetch", "comtrade", "--reporter", "KOR", "--partner", PARTNERS, "--products",
            "281111", "--from", "2017-01", "--to", "2021-12", "--base-url", server.url,
            "--interval", "0", "--retries", "0", "--db", str(db)]
    env = {"COMTRADE_API_KEY": KEY, "STRAITS_CACHE": str(tmp_path / "cache")}
    server.fail_after = 3  # the 4th call on fails: the connection to the API is lost
    r = run(*args, env=env)
    assert r.exit_code == 2 and "HTTP 503" in r.output and "resume" in r.output
    assert fingerprint(db) is None  # nothing stored
    staged = list((tmp_path / "cache" / "comtrade-staging").glob("*/comtrade_*.csv"))
    assert len(staged) == 3
    server.fail_after, server.calls[:] = None, []
    r = run(*args, env=env)
    assert r.exit_code == 0, r.output
    assert "2 call(s) (3 reused, 0 retries)" in r.output
    assert [c["params"]["period"][:4] for c in server.calls] == ["2020", "2021"]
    raw = kcs_imports("2811111000", ["Japan", "China", "Taiwan", "USA"], range(2017, 2022))
    assert rows(db)["value_usd"].sum() == raw["Import_dollar"].sum()
    assert not list((tmp_path / "cache" / "comtrade-staging").glob("*/*.csv"))


def _negative(records):
    records[2]["primaryValue"] = -5
    return records


def _stray_partner(records):
    records[0] = {**records[0], "partnerCode": 276, "partnerISO": "DEU", "partnerDesc": "Germany"}
    return records


def _bad_code(records):
    records[1]["cmdCode"] = "28111X"
    return records


@pytest.mark.parametrize(("reply", "edit", "message"), [
    (Reply(200, body=b"<html>Service maintenance</html>"), None, "response is not JSON"),
    (Reply(200, body=b'{"count": 0}'), None, "expected a JSON object with a 'data' list"),
    (Reply(200, body=b'{"data": [], "error": "Invalid period"}'), None,
     "the API reports an error: Invalid period"),
    (Reply(200, body=b'{"data": [1, 2]}'), None, "record 1 of 'data' is not an object"),
    (None, _negative, "line 4, column primaryValue: expected a number >= 0, got '-5'"),
    (None, _stray_partner, "line 2: partner 'DEU' was not asked for"),
    (None, _bad_code, "line 3, column cmdCode: expected a 6-digit HS code, got '28111X'"),
])
def test_malformed_answer_is_a_clear_error_and_stores_nothing(tmp_path, server, reply, edit,
                                                              message):
    db = tmp_path / "w.duckdb"
    q = plan_query("KOR", PARTNERS, "281111", "2019-01", "2019-12")
    fetch_comtrade(db, q, client(server), root=tmp_path / "s")
    before = fingerprint(db)
    if reply is not None:
        server.script = [reply]
    server.edit = edit
    r = run("fetch", "comtrade", "--reporter", "KOR", "--partner", PARTNERS, "--products",
            "281111", "--from", "2019-01", "--to", "2019-12", "--base-url", server.url,
            "--interval", "0", "--db", str(db), env={"COMTRADE_API_KEY": KEY,
                                                     "STRAITS_CACHE": str(tmp_path / "c")})
    assert r.exit_code == 2, r.output
    assert message in " ".join(r.output.split()) and "Traceback" not in r.output
    assert fingerprint(db) == before


@pytest.mark.parametrize(("kw", "match"), [
    ({"products": "2811"}, "must be HS6 codes"),
    ({"start": "2020-01", "end": "2019-01"}, "must not be after"),
    ({"partners": None, "mirror": True}, "needs named partners"),
    ({"freq": "Q"}, "'freq' parameter of fetch comtrade must be one of 'M', 'A'"),
    ({"start": "2019-13"}, "'start' parameter of fetch comtrade must be a month"),
])
def test_bad_fetch_parameters(kw, match):
    args = {"reporters": "KOR", "partners": "JPN", "products": "281111", "start": "2019-01",
            "end": "2019-12", **kw}
    with pytest.raises(ParameterError, match=match):
        plan_query(**args)


def test_mirror_fetches_the_partners_exports_too(tmp_path, server):
    db = tmp_path / "w.duckdb"
    q = plan_query("KOR", "CHN", "250410", "2023-01", "2023-12", mirror=True)
    fetch_comtrade(db, q, client(server), root=tmp_path / "s")
    # the second call asks China (156) for its exports (X) to Korea (410)
    assert [(c["params"]["reporterCode"], c["params"]["flowCode"], c["params"]["partnerCode"])
            for c in server.calls] == [("410", "M", "156"), ("156", "X", "410")]
    got = rows(db, "reporter = 'CHN' AND year = 2023 AND month IN (11, 12)")
    # China's reported natural-graphite exports to Korea: front-loading in November 2023,
    # then the December controls (docs/reporter.md)
    raw = pd.read_csv(KCS / "comtrade_api_CHN_exports_hs6_monthly_2017_2024.csv",
                      dtype={"cmdCode": str})
    want = raw[(raw["partnerISO"] == "KOR") & (raw["cmdCode"] == "250410")
               & (raw["refYear"] == 2023) & raw["refMonth"].isin([11, 12])]
    assert got["value_usd"].tolist() == want.sort_values("refMonth")["primaryValue"].tolist()
    assert round(got["value_usd"].iloc[0] / 1e6, 1) == 23.0
    assert set(got["value_basis"]) == {"fob"} and set(got["flow"]) == {"export"}


def test_annual_fetch_matches_ingesting_the_same_comtrade_file(tmp_path, server):
    # The same figures asked two ways: Comtrade's annual file ingested, and the API's annual
    # records of it fetched (010121 is the file's '10121', a lost leading zero).
    products = "010121,281111,370790"
    db = tmp_path / "w.duckdb"
    fetch_comtrade(db, plan_query("KOR", "JPN", products, "2018-01", "2020-12", freq="A"),
                   client(server), root=tmp_path / "s")
    assert [c["params"]["period"] for c in server.calls] == ["2018,2019,2020"]
    got = rows(db)
    assert got["month"].isna().all() and set(got["value_basis"]) == {"primary"}
    import straits

    with straits.open(tmp_path / "i.duckdb") as s:
        for year in (2018, 2019, 2020):
            s.ingest(KCS / f"comtrade_H5_KOR_imports_from_JPN_{year}.csv")
        want = s.reporter_flows(reporter="KOR", partner="JPN", product=products, limit=None)
    key = ["hs6", "year"]
    cols = ["reporter", "partner", "flow", "year", "hs6", "value_usd", "value_basis", "weight_kg"]
    pd.testing.assert_frame_equal(
        got.sort_values(key)[cols].reset_index(drop=True),
        want.sort_values(key)[cols].reset_index(drop=True), check_dtype=False)
    assert got.loc[(got["hs6"] == "281111") & (got["year"] == 2019), "value_usd"].item() \
        == 44_982_432


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 24), st.integers(1, 6), st.integers(1, 5), st.booleans())
def test_split_halves_cover_the_request_exactly(periods, partners, products, every_partner):
    req = ApiRequest("M", (410,), None if every_partner else tuple(range(1, partners + 1)),
                     tuple(f"{100000 + i}" for i in range(products)), ("M",),
                     tuple(f"2019{m:02d}" for m in range(1, periods + 1)))

    def cells(r):
        return {(p, c, q) for p in r.periods for c in (r.partners or ("all",))
                for q in r.products}

    leaves, todo = [], [req]
    while todo:  # split to single cells: the leaves tile the request, no overlap
        r = todo.pop()
        halves = r.split()
        if halves is None:
            leaves.append(r)
        else:
            todo += halves
    union = [c for leaf in leaves for c in cells(leaf)]
    assert len(union) == len(set(union)) and set(union) == cells(req)


def test_retry_after_as_an_http_date(tmp_path, server):
    import datetime as dt
    from email.utils import format_datetime

    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    server.script = [Reply(429, {"Retry-After": format_datetime(when, usegmt=True)})]
    sleeps: list[float] = []
    download(plan_query("KOR", "JPN", "281111", "2019-01", "2019-01"),
             client(server, sleeps=sleeps), root=tmp_path)
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 31


def test_fetch_queues_behind_another_writer_and_readers_keep_reading(tmp_path, server):
    import straits
    from straits.warehouse import write

    db = tmp_path / "w.duckdb"
    args = ["fetch", "comtrade", "--reporter", "KOR", "--partner", "JPN", "--products",
            "281111", "--from", "2019-01", "--to", "2019-12", "--base-url", server.url,
            "--interval", "0", "--db", str(db)]
    env = {"COMTRADE_API_KEY": KEY, "STRAITS_CACHE": str(tmp_path / "cache")}
    assert run(*args[:8], "--from", "2018-01", "--to", "2018-12", *args[12:],
               env=env).exit_code == 0
    reader = straits.open(db, read_only=True)
    before = len(reader.reporter_flows(limit=None))
    with write.lock(db, command="straits ingest big.zip"):
        r = run(*args, env=env)
    assert r.exit_code == 2 and "straits ingest big.zip" in r.output and "--wait" in r.output
    assert len(reader.reporter_flows(limit=None)) == before  # the reader was never disturbed
    server.calls.clear()
    r = run(*args, "--wait", "5", env=env)
    assert r.exit_code == 0, r.output
    assert not server.calls and "0 call(s) (1 reused" in " ".join(r.output.split())
    reader.close()
    with straits.open(db, read_only=True) as s:
        assert len(s.reporter_flows(limit=None)) == before + len(rows(db, "year = 2019"))


@pytest.mark.parametrize("bad", ["not-a-warehouse.duckdb", "missing-folder/x.duckdb"])
def test_a_bad_db_is_reported_before_any_call(tmp_path, server, bad):
    """A wrong --db is the user's error (exit 2) before the API is asked anything."""
    db = tmp_path / bad
    if bad.startswith("not"):
        db.write_bytes(b"not duckdb")
    r = run("fetch", "comtrade", "--reporter", "KOR", "--partner", "JPN", "--products", "281111",
            "--from", "2019-01", "--to", "2019-02", "--base-url", server.url, "--db", str(db))
    assert r.exit_code == 2, r.output
    assert str(db.parent if bad.startswith("missing") else db) in r.output
    assert server.calls == []
    assert not (tmp_path / "missing-folder").exists()
