"""Contract tests of the HTTP API v1: every endpoint, its formats, paging, and its errors."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from straits.api.app import create_app

# Every table endpoint with parameters that give rows on the embedded default data, and the
# columns the CLI prints for it (the API's contract).
ENDPOINTS = {
    "flows": ({"year": 2023, "exporter": "CHN", "importer": "KOR"},
              ["year", "exporter", "importer", "product", "value_kusd", "quantity_t"]),
    "summary": ({}, ["year", "direction", "value_kusd", "products", "top_product"]),
    "datasets": ({}, ["dataset", "hs", "release", "year", "rows", "value_kusd"]),
    "country": ({"q": "Korea"}, ["code", "iso3", "iso2", "name"]),
    "product": ({"q": "graphite"}, ["product", "description", "level", "source"]),
    "reporter-flows": ({"reporter": "KOR", "partner": "JPN", "year": 2019},
                       ["reporter", "partner", "flow", "year", "value_usd"]),
    "reporter-sources": ({}, ["source", "layout", "dataset", "rows"]),
    "mirror": ({}, ["year", "reporter", "partner", "product", "reporter_usd"]),
    "rca": ({"country": "KOR"}, ["country", "product", "rca", "rsca"]),
    "shares": ({"product": "811292"}, ["product", "exporter", "value_kusd", "share"]),
    "concentration": ({}, ["product", "total_kusd", "hhi", "top_exporter", "top_share",
                           "n_exporters"]),
    "bilateral": ({"a": "KOR", "b": "JPN"}, ["index", "direction", "value"]),
    "complexity": ({"min_headings": 10, "min_chapters": 5}, ["country", "eci", "rank", "diversity"]),
    "eci": ({"country": "KOR"}, ["country", "eci", "rank", "n_ranked"]),
    "dependency": ({"importer": "KOR"}, ["product", "import_kusd", "top_supplier", "top_share",
                                         "one_country_50", "geodep"]),
    "mutual": ({}, ["importer", "partner", "product"]),
    "shared-dependence": ({}, ["product"]),
    "shock": ({"exporter": "CHN", "importer": "KOR,JPN", "products": "811292"},
              ["importer", "product", "imports_kusd", "exposed_kusd", "covered_kusd", "gap_kusd",
               "gap_share"]),
    "event": ({"preset": "cn-gallium-germanium-2023"}, ["product", "share_before",
                                                        "share_after"]),
    "watch": ({"importer": "KOR"}, ["period", "product", "supplier", "signal"]),
    "chain": ({"country": "KOR"}, ["input_id", "input", "provider", "share"]),
    "chain-chokepoints": ({}, ["input_id", "input", "top_country", "top_country_share"]),
    "chain-pair": ({}, ["input_id", "input", "share_a", "share_b"]),
    "chain-downstream": ({"input": "N31"}, ["input_id", "path"]),
    "io-shock": ({}, ["country", "industry", "output_musd", "leontief_loss_musd",
                      "ghosh_loss_musd"]),
    "io-reliance": ({}, ["country", "industry", "supplier", "face_value_share",
                         "look_through_share"]),
}


@pytest.fixture(scope="module")
def client(session):
    return TestClient(create_app(session.path), base_url="http://127.0.0.1")


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_endpoint_json_envelope(client, name):
    params, cols = ENDPOINTS[name]
    r = client.get(f"/api/v1/{name}", params=params)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["data"], name
    assert set(cols) <= set(doc["data"][0]), (name, list(doc["data"][0]))
    assert [c["name"] for c in doc["columns"]] == list(doc["data"][0])
    assert doc["total"] >= len(doc["data"]) and doc["offset"] == 0
    assert doc["source"] and doc["provenance"]["source"] == doc["source"]
    assert r.headers["X-Total-Count"] == str(doc["total"])
    for c in doc["columns"]:  # units are stated for every column whose name carries one
        if c["name"].endswith("_kusd"):
            assert c["unit"] == "thousand current USD" == doc["units"][c["name"]]


@pytest.mark.parametrize("name", ["flows", "dependency", "shock", "chain-pair"])
def test_csv_and_parquet_carry_the_same_page(client, name):
    params, _ = ENDPOINTS[name]
    js = client.get(f"/api/v1/{name}", params={**params, "limit": 5}).json()
    csv = client.get(f"/api/v1/{name}", params={**params, "limit": 5, "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].split(",") == [c["name"] for c in js["columns"]]
    assert len(csv.text.strip().splitlines()) == len(js["data"]) + 1
    pq_resp = client.get(f"/api/v1/{name}", params={**params, "limit": 5, "format": "parquet"})
    table = pq.read_table(io.BytesIO(pq_resp.content))
    assert table.column_names == [c["name"] for c in js["columns"]]
    assert table.num_rows == len(js["data"])
    prov = json.loads(table.schema.metadata[b"straits.provenance"])
    assert prov["source"] == js["source"]
    assert json.loads(pq_resp.headers["X-Straits-Source"]) == js["source"]


def test_flows_value_is_the_raw_figure(client):
    """CHN -> KOR 811292 in 2023 as in BACI_HS17_Y2023_V202601.csv (no float noise)."""
    doc = client.get("/api/v1/flows", params={"year": 2023, "exporter": "CHN",
                                              "importer": "KOR", "product": "811292"}).json()
    assert doc["data"] == [{"year": 2023, "exporter": "CHN", "importer": "KOR",
                            "product": "811292", "value_kusd": 68495.858, "quantity_t": None}]
    assert doc["total"] == 1 and doc["next"] is None


def test_paging_is_explicit_and_complete(client, session):
    params = {"year": 2024, "exporter": "CHN"}
    total = client.get("/api/v1/flows", params={**params, "limit": 1}).json()["total"]
    lib = session.flows(year=2024, exporter="CHN")
    assert total == len(lib) > 100
    rows, url = [], "/api/v1/flows?year=2024&exporter=CHN&limit=40"
    while url:
        doc = client.get(url).json()
        rows += doc["data"]
        url = doc["next"]
    assert len(rows) == total
    assert sum(r["value_kusd"] for r in rows) == pytest.approx(lib["value_kusd"].sum(), rel=1e-12)
    r = client.get("/api/v1/flows", params={**params, "limit": 40, "format": "csv"})
    assert 'rel="next"' in r.headers["Link"] and r.headers["X-Total-Count"] == str(total)


def test_engine_answers_match_the_library(client, session):
    dep = client.get("/api/v1/dependency", params={"importer": "KOR", "year": 2023,
                                                   "limit": 100000}).json()["data"]
    lib = session.dependency("KOR", year=2023)
    row = next(r for r in dep if r["product"] == "811292")
    assert row["top_supplier"] == "CHN"
    assert row["top_share"] == pytest.approx(68495.858 / 76444.598, rel=1e-12)
    assert len(dep) == len(lib)
    shock = client.get("/api/v1/shock", params=ENDPOINTS["shock"][0]).json()["data"]
    lib = session.shock(exporter="CHN", importer="KOR,JPN", products="811292")
    api = {(r["importer"], r["product"]): r["exposed_kusd"] for r in shock}
    py = {(i, p): e for i, p, e in zip(lib["importer"], lib["product"], lib["exposed_kusd"],
                                       strict=True)}
    assert api.keys() == py.keys()
    assert all(api[k] == pytest.approx(py[k], rel=1e-12) for k in py)


# -- #12 section 7: every bad input is a 4xx with a message ---------------------------------
BAD = [
    "/api/v1/report?a=KOR&b=KOR",
    "/api/v1/shock?exporter=CHN&importer=&products=811292",
    "/api/v1/eci?country=XYZ",
    "/api/v1/flows?exporter=",
    "/api/v1/flows?year=1990",
    "/api/v1/flows?year=20x4",
    "/api/v1/flows?limit=0",
    "/api/v1/flows?format=xml",
    "/api/v1/shock?exporter=CHN&importer=KOR&products=811292&cut=1.5",
    "/api/v1/shock?exporter=CHN&importer=KOR&products=811292&cut=nan",
    "/api/v1/shock?exporter=CHN&importer=CHN&products=811292",
    "/api/v1/shock?exporter=CHN&importer=KOR&products=81a292",
    "/api/v1/dependency?importer=Atlantis",
    "/api/v1/mutual?a=KOR&b=KOR+JPN",
    "/api/v1/watch?importer=KOR&from=2019-13",
    "/api/v1/rca?year=2024-2019",
    "/api/v1/io-shock?cut=2",
    "/api/v1/report?lang=fr",
    "/api/v1/event?preset=nope",
    "/api/v1/country?q=",
]


@pytest.mark.parametrize("url", BAD)
def test_bad_input_is_400_with_a_message(client, url):
    r = client.get(url)
    assert r.status_code == 400, (url, r.status_code, r.text)
    assert r.json()["detail"] and "Traceback" not in r.text


def test_long_lists_and_urls_are_refused_fast(client):
    many = ",".join(["KOR"] * 2000)
    r = client.get(f"/api/v1/shock?exporter=CHN&importer={many}&products=811292")
    assert r.status_code == 400 and "importer" in r.json()["detail"]
    assert client.get("/api/v1/flows?exporter=" + ",".join(["KOR"] * 65)).status_code == 400
    r = client.get("/api/v1/flows?exporter=" + "K" * 9000)
    assert r.status_code == 414 and "URL" in r.json()["detail"]


def test_host_allow_list(session):
    app = create_app(session.path)
    ok = TestClient(app, base_url="http://localhost:8000")
    assert ok.get("/api/v1/datasets").status_code == 200
    rebound = TestClient(app, base_url="http://attacker.example")
    assert rebound.get("/api/v1/datasets").status_code == 400
    extra = TestClient(create_app(session.path, hosts=["straits.lan"]),
                       base_url="http://straits.lan")
    assert extra.get("/api/v1/datasets").status_code == 200


def test_report_html_and_validation(client):
    r = client.get("/api/v1/report", params={"lang": "ja"})
    assert r.status_code == 200 and 'lang="ja"' in r.text and "韓国" in r.text
    assert r.headers["content-type"].startswith("text/html")


def test_openapi_documents_constraints_and_errors(client):
    doc = client.get("/api/v1/openapi.json").json()
    shock = doc["paths"]["/api/v1/shock"]["get"]
    cut = next(p for p in shock["parameters"] if p["name"] == "cut")
    assert cut["schema"]["minimum"] == 0 and cut["schema"]["maximum"] == 1
    assert "float in [0, 1]" in cut["description"]
    assert "400" in shock["responses"] and "422" not in shock["responses"]
    assert {p.split("/")[-1] for p in doc["paths"]} >= set(ENDPOINTS) | {"report"}
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/docs/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200


def test_published_eci_rank(client):
    """Korea 2023: 4th of 145 by value in the Atlas file (the report's complexity figure)."""
    row = client.get("/api/v1/eci", params={"country": "KOR", "year": 2023}).json()["data"]
    assert [(r["rank"], r["n_ranked"]) for r in row] == [(4, 145)]
