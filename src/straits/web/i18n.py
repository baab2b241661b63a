"""The dashboard's words in en, ko and ja: its own strings over the report's formatter.

Labels come from ``web/locales/{lang}.json`` (hand-written); product names, number, money
and date formats and CLDR country names come from the report's :class:`~straits.report.i18n.Tr`,
so the dashboard and the report say the same thing the same way.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from straits.report.i18n import LANGS, Tr

LANG_NAMES = {"en": "English", "ko": "한국어", "ja": "日本語"}


@cache
def _web_table(lang: str) -> dict[str, str]:
    text = resources.files("straits.web").joinpath(f"locales/{lang}.json").read_text("utf-8")
    return json.loads(text)


class WebTr(Tr):
    """:class:`Tr` whose strings are the dashboard's, falling back to the report's."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.strings = {**self.strings, **_web_table(lang)}
        self.fallback = {**self.fallback, **_web_table("en")}

    def sector(self, code: str, name: str = "") -> str:
        """A WIOD sector as ``c14 전기·광학기기`` (the source's English name if untranslated)."""
        key = f"sector.{code}"
        return f"{code} {self(key) if self.has(key) else name}".strip()

    def eto_label(self, name: str) -> str:
        """An ETO input or stage by its published English label, as the report names it."""
        code = _eto_codes().get(name)
        return self.term("eto", code, name) if code else (
            name if self.lang == "en" else self("fmt.source_label", label=name))

    def economy(self, label: str) -> str:
        """A country (CLDR name) or a bloc label such as ``EU27`` or ``KOR+JPN``."""
        if self.has(f"economy.{label}"):
            return self(f"economy.{label}")
        if "+" in label:
            return "+".join(self.country(p) for p in label.split("+"))
        return self.country(label)


@cache
def _eto_codes() -> dict[str, str]:
    """English ETO label -> its code in the report's reviewed term table."""
    from straits.report.i18n import _terms

    return {row["en"]: code for (kind, code), row in _terms().items() if kind == "eto"}


@cache
def translator(lang: str | None) -> WebTr:
    """The translator for ``lang`` (English for anything unknown)."""
    return WebTr(lang if lang in LANGS else "en")
