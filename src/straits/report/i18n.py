"""Labels, number formats and names in English, Korean and Japanese.

Every visible string comes from ``locales/{lang}.json`` (written by hand, never machine
translated at run time). Numbers, percentages, money and dates go through Babel so each
language gets its own separators and compact units (``$95.1M``, ``US$9,506만``, ``$9,506万``);
country names come from the CLDR territory names Babel ships (``Locale('ko').territories``).
"""

from __future__ import annotations

import json
import math
from datetime import date
from functools import cache, lru_cache
from importlib import resources

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_decimal,
    format_percent,
)

from straits.errors import ParameterError

LANGS = ("en", "ko", "ja")


@cache
def _table(lang: str) -> dict[str, str]:
    text = resources.files("straits.report").joinpath(f"locales/{lang}.json").read_text("utf-8")
    return json.loads(text)


@cache
def _terms() -> dict[tuple[str, str], dict[str, str]]:
    """(kind, code) -> {"en", "ko", "ja"}: the reviewed translations of source labels."""
    import csv

    text = resources.files("straits.report").joinpath("locales/terms.tsv").read_text("utf-8")
    return {(r["kind"], r["code"]): r for r in csv.DictReader(text.splitlines(), delimiter="\t")}


@lru_cache(maxsize=1)
def _iso2() -> dict[str, str]:
    from straits.reference.lookup import countries

    df = countries()
    return dict(zip(df["iso3"], df["iso2"], strict=True))


class Tr:
    """Translator and formatter for one language.

    Parameters
    ----------
    lang : {"en", "ko", "ja"}
        Report language.
    """

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ParameterError(
                f"The 'lang' parameter of report must be one of en, ko, ja, all. Got {lang!r} "
                "instead."
            )
        self.lang = lang
        self.locale = Locale.parse(lang)
        self.strings = _table(lang)
        self.fallback = _table("en")

    # -- strings ------------------------------------------------------------------------
    def __call__(self, key: str, **kw: object) -> str:
        """The string for ``key`` filled with ``kw`` (English if the key is missing)."""
        text = self.strings.get(key, self.fallback.get(key, key))
        return text.format(**kw) if kw else text

    def _lookup(self, key: str) -> str | None:
        return self.strings.get(key) or self.fallback.get(key)

    def has(self, key: str) -> bool:
        """Whether ``key`` has a string in this language or in English."""
        return key in self.strings or key in self.fallback

    # -- names --------------------------------------------------------------------------
    def country(self, iso3: str) -> str:
        """CLDR territory name of an ISO3 code in this language (the code if unknown)."""
        iso2 = _iso2().get(iso3)
        if iso2:
            name = self.locale.territories.get(iso2)
            if name:
                return name
        return iso3

    def product(self, code: str, description: str | None = None) -> str:
        """Material name from the locale table (for the embedded products), else HS code.

        A 10-digit code is a Korean customs (HSK) line: its own label where the locale has
        one, else its HS6 heading's, and the code is shown as ``HSK 3707901010``.
        """
        if len(code) == 10:
            mat = self._lookup(f"product.{code}") or self._lookup(f"product.{code[:6]}")
            return f"{mat} (HSK {code})" if mat else f"HSK {code}"
        mat = self._lookup(f"product.{code}")
        if mat:
            return f"{mat} ({code})"
        if description:
            short = description.split(";")[0].split(":")[0].strip()
            return f"{short[:48]} ({code})"
        return code

    def term(self, kind: str, code: str, name: str) -> str:
        """A source's own label (ETO input, WIOD industry) in this language.

        ``name`` is the label as the loaded data publish it (English). Korean and Japanese
        use the reviewed table ``locales/terms.tsv`` when it holds this code under the same
        English label; any other label (a newer release) is set off as a quoted source label
        rather than left as bare English inside a sentence.
        """
        if self.lang == "en":
            return name
        row = _terms().get((kind, code))
        if row is not None and row["en"] == name and row.get(self.lang):
            return row[self.lang]
        return self("fmt.source_label", label=name)

    # -- numbers ------------------------------------------------------------------------
    def num(self, x: float, digits: int = 0) -> str:
        """Plain number with grouping and ``digits`` decimals."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "–"
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(x, fmt, locale=self.locale)

    def pct(self, x: float, digits: int = 1) -> str:
        """A fraction (0-1) as a percentage."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "–"
        fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(x, fmt, locale=self.locale)

    def signed_pct(self, x: float, digits: int = 1) -> str:
        """A change as a signed percentage (``+12.3%``)."""
        if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
            return "–"
        return ("+" if x >= 0 else "-") + self.pct(abs(x), digits)  # ASCII minus, as everywhere

    def pp(self, x: float, digits: int = 1) -> str:
        """A change in a share (fraction) as signed percentage points (``+21.9 pp``)."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "–"
        sign = "+" if x >= 0 else "-"
        return self("fmt.pp", v=sign + self.num(abs(x) * 100, digits))

    def usd(self, kusd: float) -> str:
        """Money given in thousand USD, in compact form (``$95.1M``)."""
        if kusd is None or (isinstance(kusd, float) and math.isnan(kusd)):
            return "–"
        if self.lang == "en":
            return format_compact_currency(
                kusd * 1000.0, "USD", locale=self.locale, fraction_digits=1
            )
        # East Asian units: 만/万 = 10^4, 억/億 = 10^8 (Babel's compact form gives 9505.8만)
        usd = kusd * 1000.0
        if abs(usd) >= 1e8:
            return self("money.oku", v=self.num(usd / 1e8, 1))
        return self("money.man", v=self.num(usd / 1e4, 0))

    def musd(self, kusd: float, digits: int = 1) -> str:
        """Thousand USD as million USD, for tables whose header states the unit."""
        return self.num(kusd / 1000.0, digits)

    def date(self, d: date) -> str:
        """A date in this language's long format."""
        return format_date(d, format="long", locale=self.locale)

    def month(self, ym: str) -> str:
        """``YYYY-MM`` as a short month label (``Jul 2019``, ``2019년 7월``)."""
        y, m = (int(p) for p in ym.split("-")[:2])
        return format_date(date(y, m, 1), format=self("fmt.month"), locale=self.locale)
