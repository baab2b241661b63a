"""Regenerate src/straits/reference/country_names.tsv: country names in English, Korean, Japanese.

Run by maintainers only (``python scripts/build_country_names.py``) after a Babel upgrade.
One row per name: ``iso3, lang, name, source``. The CLDR rows come from Babel's copy of the
Unicode CLDR territory names (the names the report prints) for every current economy in
countries.tsv; the short forms people type (``SHORT_FORMS`` below, with their source) are
added after them. Straits reads the file at run time without Babel.
"""

from __future__ import annotations

import csv
from pathlib import Path

import babel
from babel import Locale

OUT = Path(__file__).resolve().parents[1] / "src" / "straits" / "reference" / "country_names.tsv"
COUNTRIES = OUT.with_name("countries.tsv")
LANGS = ("en", "ko", "ja")

# Short and official forms in everyday use that CLDR's display names do not carry.
SHORT_FORMS: dict[str, list[tuple[str, str, str]]] = {
    "KOR": [("ko", "한국", "common short form"), ("ko", "남한", "common short form"),
            ("ko", "대한민국", "official name (Constitution of the Republic of Korea)"),
            ("ja", "大韓民国", "official name (MOFA Japan country page)"),
            ("en", "Republic of Korea", "official name (UN member list)"),
            ("en", "ROK", "common abbreviation"), ("en", "S. Korea", "common short form"),
            ("en", "Corea", "Spanish and Italian spelling"),
            ("en", "Corea del Sur", "Spanish name")],
    "PRK": [("ko", "북한", "common short form"), ("ko", "조선", "short form used in the DPRK"),
            ("ko", "조선민주주의인민공화국", "official name"),
            ("ja", "朝鮮民主主義人民共和国", "official name"), ("en", "DPRK", "common abbreviation")],
    "JPN": [("ko", "일본국", "official name"), ("ja", "日本国", "official name"),
            ("ja", "にほん", "reading"), ("ja", "にっぽん", "reading")],
    "CHN": [("ko", "중화인민공화국", "official name"), ("ja", "中華人民共和国", "official name"),
            ("en", "PRC", "common abbreviation"), ("en", "Mainland China", "common usage")],
    "TWN": [("ko", "타이완", "common spelling"), ("ko", "중화민국", "official name"),
            ("ja", "中華民国", "official name"), ("ja", "タイワン", "reading")],
    "USA": [("ko", "미합중국", "official name"), ("ja", "米国", "common short form"),
            ("ja", "アメリカ", "common short form"), ("ja", "アメリカ合衆国", "official name")],
    "GBR": [("ko", "영국", "common short form"), ("ja", "英国", "common short form"),
            ("ja", "イギリス", "common short form")],
    "VNM": [("ko", "베트남", "common short form"), ("ja", "ベトナム", "common short form")],
    "RUS": [("ko", "러시아", "common short form"), ("ja", "ロシア", "common short form")],
}


def cldr_rows(countries: list[dict[str, str]]) -> list[tuple[str, str, str, str]]:
    """CLDR territory names of every current economy with an ISO2 code."""
    source = f"Unicode CLDR via Babel {babel.__version__}"
    rows = []
    for lang in LANGS:
        names = Locale.parse(lang).territories
        for c in countries:
            if c["current"] == "1" and c["iso2"] in names:
                rows.append((c["iso3"], lang, names[c["iso2"]], source))
    return rows


def main() -> None:
    with COUNTRIES.open(encoding="utf-8") as fh:
        countries = list(csv.DictReader(fh, delimiter="\t"))
    rows = cldr_rows(countries)
    for iso3, names in SHORT_FORMS.items():
        rows += [(iso3, lang, name, src) for lang, name, src in names]
    seen: set[tuple[str, str]] = set()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["iso3", "lang", "name", "source"])
        for row in rows:
            if (row[0], row[2]) not in seen:
                seen.add((row[0], row[2]))
                w.writerow(row)
    print(f"wrote {OUT} ({len(seen)} names)")


if __name__ == "__main__":
    main()
