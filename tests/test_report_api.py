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
