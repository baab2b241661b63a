"""The dashboard's pages, server-side: every page in three languages, state in the URL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from straits.api.app import create_app
from straits.web.pages import PAGES


@pytest.fixture(scope="module")
def client(session):
    return TestClient(create_app(session.path), base_url="http://127.0.0.1")


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
@pytest.mark.parametrize("path", [p for p, _ in PAGES])
def test_every_page_renders(client, path, lang):
    r = client.get(path, params={"lang": lang})
    assert r.status_code == 200, re.findall(r'role="alert">(.*?)</div>', r.text, re.S)
    assert f'<html lang="{lang}">' in r.text
    # nothing is loaded from another host: every src/href is local (or a fragment)
    for url in re.findall(r'(?:src|href)="([^"]+)"', r.text):
        assert url.startswith(("/", "#", "?")), url


def test_overview_numbers_and_names(client):
    en = client.get("/", params={"a": "KOR", "b": "JPN", "year": 2024}).text
    # KOR->JPN 95.1 and JPN->KOR 161.1 million USD in 2024 (BACI rows summed, as the report)
    assert "$95.1M" in en and "$161.1M" in en and "South Korea" in en
    ko = client.get("/", params={"a": "KOR", "b": "JPN", "year": 2024, "lang": "ko"}).text
    assert "대한민국" in ko and "일본" in ko and "개요" in ko
    ja = client.get("/", params={"a": "KOR", "b": "JPN", "year": 2024, "lang": "ja"}).text
    assert "韓国" in ja and "日本" in ja


def test_blocs_and_other_pairs(client):
    r = client.get("/", params={"a": "EU27", "b": "CHN"})
    assert r.status_code == 200 and "EU27" in r.text


def test_dependency_filters_and_search(client):
    base = {"importer": "KOR", "year": 2024}
    crit = client.get("/dependency", params={**base, "flag": "critical"}).text
    everything = client.get("/dependency", params=base).text
    assert crit.count("<tr>") < everything.count("<tr>")
    for q in ("graphite", "흑연", "黒鉛", "811292", "neon"):
        page = client.get("/dependency", params={**base, "q": q, "lang": "ko"}).text
        rows = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)[0]
        assert rows.count("<tr>") >= 1, q
        want = {"811292": "(811292)", "neon": "(280429)"}.get(q, "(250490)")
        assert want in rows, q


def test_bad_input_renders_the_message(client):
    r = client.get("/shock", params={"importer": "", "exporter": "CHN"})
    assert r.status_code == 200  # an empty field means the default
    r = client.get("/shock", params={"importer": "Atlantis"})
    assert r.status_code == 400 and "Atlantis" in r.text and "Traceback" not in r.text
    assert 'role="alert"' in r.text and 'id="shock-form"' in r.text
    r = client.get("/shock", params={"cut": "lots"})
    assert r.status_code == 400 and "cut" in r.text


def test_downloads_point_at_the_same_table(client):
    page = client.get("/shock", params={"exporter": "CHN", "importer": "KOR,JPN",
                                        "products": "811292"}).text
    links = re.findall(r'href="(/api/v1/shock\?[^"]+format=csv[^"]*)"', page)
    assert links
    csv = client.get(links[0].replace("&amp;", "&"))
    assert csv.status_code == 200 and csv.text.startswith("importer,product,imports_kusd")


def test_chip_chain_names_in_the_readers_language(client):
    """ETO's input and stage labels read in ko/ja from the report's reviewed term table
    (the same words as the report), while the CSV keeps ETO's own English labels."""
    from straits.report.i18n import _terms

    terms = _terms()
    ja = client.get("/chain", params={"a": "KOR", "b": "JPN", "lang": "ja"}).text
    ko = client.get("/chokepoints", params={"lang": "ko"}).text
    assert terms[("eto", "S2")]["ja"] in ja and ">Fabrication<" not in ja
    assert terms[("eto", "S1")]["ja"] in ja
    assert "(원문 명칭)" not in ko and "“" not in ko.split("<main", 1)[-1].split("출처")[0]
    csv = client.get("/api/v1/chain-pair", params={"a": "KOR", "b": "JPN", "format": "csv"}).text
    assert "Fabrication" in csv
