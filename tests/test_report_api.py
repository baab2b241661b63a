"""The optional HTTP API: report HTML and two tables, read-only on the default warehouse."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from straits.api.app import app  # noqa: E402


@pytest.fixture(scope="module")
def client(session):
    return TestClient(app)


def test_report_html(client):
    r = client.get("/report", params={"lang": "ja"})
    assert r.status_code == 200 and 'lang="ja"' in r.text and "韓国" in r.text


def test_tables(client, session):
    rows = client.get("/trade-summary").json()
    ts = session.trade_summary("KOR", "JPN")
    assert len(rows) == len(ts) and rows[0]["direction"] == ts["direction"][0]
    kor = client.get("/eci", params={"country": "KOR"}).json()
    assert {r["year"]: r["rank"] for r in kor}[2023] == 4


def test_bad_input(client):
    assert client.get("/report", params={"year": 1990}).status_code == 400
    assert client.get("/report", params={"lang": "fr"}).status_code == 422


def test_flows_and_errors(client, session):
    rows = client.get("/flows", params={"year": 2023, "exporter": "CHN", "importer": "KOR",
                                        "product": "811292"}).json()
    assert rows == [{"year": 2023, "exporter": "CHN", "importer": "KOR", "product": "811292",
                     "value_kusd": 68495.858, "quantity_t": None}]
    bad = client.get("/flows", params={"year": 1990})
    assert bad.status_code == 400 and "not loaded" in bad.json()["detail"]
    bad = client.get("/shock", params={"exporter": "CHN", "importer": "KOR", "products": "811292",
                                       "cut": 1.5})
    assert bad.status_code == 400 and "cut" in bad.json()["detail"]


def test_engine_tables_match_library(client, session):
    dep = client.get("/dependency/KOR", params={"year": 2023, "products": "811292"}).json()
    lib = session.dependency("KOR", year=2023, products=["811292"])
    assert dep[0]["top_supplier"] == lib["top_supplier"].iloc[0] == "CHN"
    assert dep[0]["top_share"] == pytest.approx(68495.858 / 76444.598, rel=1e-6)
    shock = client.get("/shock", params={"exporter": "CHN", "importer": "KOR,JPN",
                                         "products": "811292", "year": 2024}).json()
    assert {r["importer"] for r in shock} == {"KOR", "JPN"}
    io = client.get("/io-shock").json()
    assert io[-1]["country"] == "WORLD" and io[-1]["leontief_loss_musd"] > 0
    assert client.get("/watch/KOR", params={"products": "281111"}).status_code == 200
    assert client.get("/chain", params={"country": "KOR"}).json()
