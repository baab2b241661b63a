"""Build the Korea–Japan (or any pair) economic-security report as one self-contained HTML.

Orchestration only: each section in :mod:`straits.report.sections` computes its numbers from
the engines once (through the :class:`~straits.session.Session`'s typed methods, so every
number comes from an engine and the session's data), then renders per language; charts are
Vega-Lite specs from :mod:`straits.charts` (the dashboard's own), rendered to inline SVG with
vl-convert. Jinja2 fills ``templates/report.html.j2`` with the CSS inlined, so the file opens
offline and makes no request.
A section whose engine or data is missing renders a box that says what to ingest or which
engine it needs, instead of disappearing.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from straits.errors import DataNotLoadedError
from straits.report.i18n import LANGS, Tr
from straits.report.model import Missing, Rendered

if TYPE_CHECKING:
    import pandas as pd

    from straits.session import Session

PEERS = ("CHN", "USA", "DEU", "TWN")


@dataclass
class Context:
    """Inputs shared by every section: the session, the pair, the year and its predecessor."""

    s: Session
    a: str
    b: str
    year: int
    years: list[int]
    third: str = "CHN"
    peers: tuple[str, ...] = PEERS
    cache: dict[str, Any] = field(default_factory=dict)
    used_sources: set[str] = field(default_factory=set)
    used_formulas: set[str] = field(default_factory=set)

    @property
    def prev(self) -> int | None:
        """The loaded year before ``year`` (None if ``year`` is the first)."""
        earlier = [y for y in self.years if y < self.year]
        return earlier[-1] if earlier else None

    def trade_summary(self) -> pd.DataFrame:
        """``Session.trade_summary`` of the pair, run once for every section that needs it."""
        if "trade_summary" not in self.cache:
            self.cache["trade_summary"] = self.s.trade_summary(self.a, self.b)
        return self.cache["trade_summary"]

    def has_reporter(self) -> bool:
        """Whether reporter files (customs, Comtrade) are loaded."""
        return self.s.has_table("reporter_sources")

    @property
    def wh(self):
        """The session's backend (the :class:`~straits.warehouse.protocol.Warehouse`)."""
        return self.s.backend

    def product_names(self) -> dict[str, str]:
        """HS6 code -> description of the loaded products (English, from the release)."""
        if "products" not in self.cache:
            from straits.resolve import descriptions

            self.cache["products"] = descriptions(self.wh)
        return self.cache["products"]


def make_context(s: Session, a: str = "KOR", b: str = "JPN", *, year: int | None = None,
                 third: str = "CHN") -> Context:
    """Resolve the pair and the year (default: latest loaded) into a :class:`Context`."""
    from straits.reference.lookup import resolve_country

    ca, cb = resolve_country(a).iso3, resolve_country(b).iso3
    years = s.years()
    y = s.resolve_years(year)[0] if year is not None else s.latest_year()
    return Context(s=s, a=ca, b=cb, year=y, years=years, third=resolve_country(third).iso3)


def compute(ctx: Context) -> dict[str, Any]:
    """Run every section's computation once; a failure becomes a :class:`Missing`."""
    from straits.report.sections import SECTIONS

    out: dict[str, Any] = {}
    for mod in SECTIONS:
        try:
            out[mod.KEY] = mod.compute(ctx)
        except ImportError as exc:
            out[mod.KEY] = Missing("engine", getattr(exc, "name", None) or str(exc))
        except DataNotLoadedError as exc:
            out[mod.KEY] = Missing("nodata", str(exc).rstrip("."))
        except Exception as exc:  # an engine bug must not sink the whole report
            warnings.warn(f"report section {mod.KEY}: {type(exc).__name__}: {exc}",
                          stacklevel=2)
            out[mod.KEY] = Missing("error", f"{type(exc).__name__}: {exc}")
        if not isinstance(out[mod.KEY], Missing):
            ctx.used_sources.update(getattr(mod, "SOURCES", ()))
            ctx.used_formulas.update(getattr(mod, "FORMULAS", ()))
    return out


def render(ctx: Context, data: dict[str, Any], lang: str) -> str:
    """Render computed section data into one HTML document in ``lang``."""
    import jinja2

    from straits import __version__
    from straits.charts.render import to_svg
    from straits.report.sections import SECTIONS

    tr = Tr(lang)
    blocks: list[Rendered] = []
    for number, mod in enumerate(SECTIONS, start=1):
        item = data[mod.KEY]
        title = tr(f"section.{mod.KEY}.title", a=tr.country(ctx.a), b=tr.country(ctx.b),
                   c=tr.country(ctx.third))
        if isinstance(item, Missing):
            block = Rendered(key=mod.KEY, number=number, title=title,
                             missing=tr(f"missing.{item.kind}", detail=item.detail))
        else:
            block = mod.render(item, ctx, tr)
            block.key, block.number, block.title = mod.KEY, number, title
            block.svgs = [to_svg(spec) for spec in block.charts]
        blocks.append(block)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("straits.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True,
    )
    css = resources.files("straits.report").joinpath("static/report.css").read_text("utf-8")
    now = datetime.now(UTC)
    return env.get_template("report.html.j2").render(
        tr=tr, lang=lang, css=css, blocks=blocks, ctx=ctx, version=__version__,
        a_name=tr.country(ctx.a), b_name=tr.country(ctx.b),
        generated=tr.date(now.date()), citation=ctx.s.citation(),
    )


def build_report(
    s: Session,
    a: str = "KOR",
    b: str = "JPN",
    *,
    year: int | None = None,
    langs: tuple[str, ...] = ("en",),
    third: str = "CHN",
) -> dict[str, str]:
    """Build the report in each language.

    Parameters
    ----------
    s : Session
        Open warehouse.
    a, b : str
        The pair (ISO3, name or BACI code); default Korea and Japan.
    year : int, optional
        Report year; default the latest loaded year.
    langs : tuple of str
        Languages among ``en``, ``ko``, ``ja``.
    third : str
        Third economy for shared dependence (default China).

    Returns
    -------
    dict
        Language -> complete HTML document (str).
    """
    for lang in langs:
        Tr(lang)  # validates early
    ctx = make_context(s, a, b, year=year, third=third)
    data = compute(ctx)
    return {lang: render(ctx, data, lang) for lang in langs}


def output_paths(out: Path, langs: tuple[str, ...]) -> dict[str, Path]:
    """``report.html`` for one language; ``report.en.html``... for several."""
    if len(langs) == 1:
        return {langs[0]: out}
    return {lang: out.with_name(f"{out.stem}.{lang}{out.suffix or '.html'}") for lang in langs}


def parse_langs(lang: str) -> tuple[str, ...]:
    """``all`` -> en, ko, ja; otherwise the single language."""
    return LANGS if lang == "all" else (lang,)
