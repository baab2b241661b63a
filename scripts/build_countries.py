"""Regenerate src/straits/reference/countries.tsv from BACI's country table.

Run by maintainers only (``python scripts/build_countries.py PATH/country_codes_V*.csv``).
One row per BACI numeric code; ``iso3`` is the code users and outputs use (Taiwan's
BACI pseudo-code S19 becomes TWN, recorded in ``baci_iso3``); ``aliases`` holds the
other spellings seen in Comtrade, Korean customs and ETO files, separated by ``|``.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pycountry

from straits.reference.lookup import fix_mojibake

# Spellings found in real files (Korea Customs Service short forms, UN Comtrade,
# ETO Chip Explorer, CEPII) that neither BACI's table nor ISO 3166 carries.
EXTRA_ALIASES: dict[str, list[str]] = {
    "KOR": ["Korea", "South Korea", "Korea, Republic of", "Republic of Korea", "Korea Rep."],
    "PRK": ["North Korea"],
    "TWN": ["Taiwan", "Chinese Taipei", "Taipei", "Other Asia, nes", "Taiwan, Province of China"],
    "USA": ["United States", "United States of America", "US", "U.S."],
    "GBR": ["UK", "United Kingdom", "Great Britain", "Britain"],
    "HKG": ["Hong Kong", "HongKong", "Hong Kong SAR"],
    "MAC": ["Macao", "Macau"],
    "CHE": ["Swiss", "Switzerland"],
    "ROU": ["Rumania", "Romania"],
    "NLD": ["Netherland", "Netherlands", "Holland"],
    "ZAF": ["SouthAfrica", "South Africa"],
    "CZE": ["Czech", "Czech Republic", "Czechia"],
    "RUS": ["Russia"],
    "VNM": ["Vietnam", "Viet Nam"],
    "TUR": ["Turkey", "Turkiye", "Türkiye"],
    "IRN": ["Iran"],
    "ARE": ["UAE", "United Arab Emirates"],
    "TZA": ["Tanzania"],
    "BOL": ["Bolivia"],
    "VEN": ["Venezuela"],
    "SYR": ["Syria"],
    "LAO": ["Laos"],
    "MDA": ["Moldova"],
    "COD": ["DR Congo", "Congo, Dem. Rep."],
    "CIV": ["Ivory Coast", "Cote d'Ivoire"],
}


def main(src: str) -> None:
    out = Path(__file__).resolve().parents[1] / "src/straits/reference/countries.tsv"
    with open(src, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    lines = ["code\tiso3\tiso2\tname\tbaci_iso3\tcurrent\taliases"]
    for r in rows:
        code = int(r["country_code"])
        baci_iso3 = r["country_iso3"]
        iso3 = "TWN" if code == 490 else baci_iso3
        iso2 = "TW" if code == 490 else (r["country_iso2"] or "")
        name = fix_mojibake(r["country_name"])
        historic = bool(re.search(r"\(\.\.\.\d{4}\)", name))
        display = "Taiwan" if code == 490 else name
        aliases: list[str] = [name] if name != display else []
        rec = pycountry.countries.get(alpha_3=iso3)
        if rec is not None and not historic:
            for attr in ("name", "official_name", "common_name"):
                val = getattr(rec, attr, None)
                if val and val != display:
                    aliases.append(val)
            iso2 = iso2 or rec.alpha_2
        if not historic:
            aliases += [a for a in EXTRA_ALIASES.get(iso3, []) if a != display]
        seen: list[str] = []
        for a in aliases:
            if a not in seen:
                seen.append(a)
        lines.append(
            "\t".join([str(code), iso3, iso2, display, baci_iso3, str(int(not historic)), "|".join(seen)])
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} countries to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
