"""The Korean and Japanese reports hold no English sentence fragments (issue 11 §10).

Two scans of the visible text (HTML text and the charts' SVG text):

1. no English name of an ETO input or stage or of a WIOD industry, as the warehouse holds
   them, appears anywhere outside a citation (they are translated through
   ``locales/terms.tsv``, or set off as quoted source labels);
2. outside citations and proper names (firms, the sources' own titles), no run of two or
   more English words remains.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from straits.report.build import build_report
from straits.report.i18n import Tr

# proper names and fixed labels that stay in Latin script in Korean and Japanese text
PROPER = ("Emerging Technology Observatory", "Chip Explorer", "UN Comtrade", "Straits",
          "Unicode CLDR", "Gaulier & Zignago", "Timmer et al.", "Miller & Lahr", "SIA/BCG",
          "Grubel–Lloyd", "Michaely", "Finger & Kreinin", "Balassa", "Brown", "Kojima")


class _Text(HTMLParser):
    """Visible text, leaving out <style> and citation blocks (class "cite")."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in ("style", "script") or "cite" in cls.split() or self._skip:
            self._skip.append(tag)

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


@pytest.fixture(scope="module")
def docs(session):
    return build_report(session, "KOR", "JPN", langs=("ko", "ja"))


@pytest.fixture(scope="module")
def terms(session) -> list[str]:
    eto = session.query("SELECT name FROM eto_nodes")["name"].tolist()
    wiod = session.query("SELECT DISTINCT name FROM io_industries")["name"].tolist()
    return sorted(set(eto + wiod), key=len, reverse=True)


@pytest.fixture(scope="module")
def firms(session) -> list[str]:
    return session.query("SELECT name FROM eto_providers WHERE provider_type = "
                         "'organization'")["name"].tolist()


def _visible(html: str, lang: str, citations: list[str]) -> str:
    p = _Text()
    p.feed(html)
    source = Tr(lang)("chart.source", source="")
    lines = [t for t in p.parts if not t.startswith(source)]  # chart source lines
    text = "\n".join(lines)
    for c in citations:
        text = text.replace(c, " ")
    return text


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_no_untranslated_eto_or_wiod_term(docs, session, terms, lang):
    text = _visible(docs[lang], lang, [session.citation(d) for d in ("baci", "eto", "wiod")])
    quoted = Tr(lang)("fmt.source_label", label="\0").split("\0")
    found = [t for t in terms if re.search(rf"(?<![\w“「]){re.escape(t)}(?![\w”」])", text)
             and not any(q and f"{quoted[0]}{t}" in text for q in quoted[:1])]
    assert found == []


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_no_english_fragments(docs, session, firms, lang):
    cites = [session.citation(d) for d in ("baci", "eto", "wiod")]
    text = _visible(docs[lang], lang, cites)
    for name in sorted([*firms, *PROPER], key=len, reverse=True):
        text = text.replace(name, " ")
    runs = re.findall(r"\b[A-Za-z][a-z]+(?:[ -]+[A-Za-z][a-z]+)+\b", text)
    assert runs == []


def test_hsk_line_labelled_as_such(docs):
    """The monthly photoresist series is Korea's HSK line 3707901010, not HS6 370790."""
    for html in docs.values():
        assert "HSK 3707901010" in html
        assert "(370790)" not in html.split('data-section="events"')[1].split("</section>")[0]
