"""Section 11: data and methods: every source shown, its release, years, licence, formulas.

Lists only the sources the other sections actually used (``ctx.used_sources``), with the
release and the years each covers read from the warehouse's catalog (``releases`` for BACI,
ETO and WIOD; the reporter-file catalog for the customs and Comtrade series; the published
ECI result for the Atlas, which is not a warehouse dataset). Formulas quote the engines'
thresholds, so the page states exactly what the report rests on.
"""

from __future__ import annotations

from typing import Any

from straits.metrics.concentration import HIGH_HHI
from straits.report.model import Rendered, Table
from straits.valuechain import thresholds as vt

KEY = "methods"
SOURCES: tuple[str, ...] = ()

# source key -> (name key, licence key)
SOURCE_INFO: dict[str, tuple[str, str]] = {
    "baci": ("name.baci", "licence.etalab"),
    "atlas": ("name.atlas", "licence.atlas"),
    "kcs": ("name.kcs", "licence.kcs"),
    "comtrade_chn": ("name.comtrade_chn", "licence.comtrade"),
    "eto": ("name.eto", "licence.eto"),
    "wiod": ("name.wiod", "licence.wiod"),
}
FORMULAS = ("share", "hhi", "ti", "rca", "tc", "es", "gl", "eci_rank", "dependence",
            "coverage", "event", "chip_chokepoint", "leontief")


def span(years) -> str:
    """``2017–2024`` for a run of years, ``2019, 2021, 2022, 2025`` otherwise; ``—`` if none."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return "—"
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])
    return ", ".join(map(str, ys))


def _reporter(ctx, reporter: str, dataset: str) -> tuple[str | None, str]:
    """Period of the loaded monthly reporter files of one reporter and dataset."""
    rs = ctx.s.reporter_sources()
    rs = rs[(rs["reporters"] == reporter) & rs["dataset"].str.contains(dataset, regex=False)
            & rs["first_period"].str.contains("-", regex=False)]  # monthly series
    if rs.empty:
        return "—", "—"
    return None, f"{rs['first_period'].min()} – {rs['last_period'].max()}"


def compute(ctx) -> dict[str, Any]:
    """Release and coverage of each source, from the catalogs."""
    cat = ctx.s.catalog().to_pandas()
    out: dict[str, tuple[str, str]] = {}
    for key in ("baci", "eto", "wiod"):
        rel = cat[cat["dataset"] == key]
        hs = [h for h in rel["hs"] if h]
        names = sorted({f"{h} {r}" if h else r for h, r in
                        zip(rel["hs"] if hs else [""] * len(rel), rel["release"], strict=True)})
        out[key] = (", ".join(names) or "—", span(rel["year"]))
    if ctx.has_reporter():
        out["kcs"] = _reporter(ctx, "KOR", "Korea Customs")
        out["comtrade_chn"] = _reporter(ctx, "CHN", "Comtrade")
    out["atlas"] = ("HS92 ECI", span(ctx.cache.get("atlas_years", ())))
    return {"coverage": out, "products": len(ctx.product_names())}


def formula_args(tr) -> dict[str, str]:
    """The engines' thresholds as the formulas quote them."""
    return {"high": tr.num(HIGH_HHI, 2), "country_t": tr.pct(vt.COUNTRY_THRESHOLD, 0),
            "firm_t": tr.pct(vt.FIRM_TOP3_THRESHOLD, 0),
            "joint_t": tr.pct(vt.JOINT_THRESHOLD, 0)}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Source table (with licences), formula list and caveats."""
    used = ["baci", *sorted(ctx.used_sources - {"baci"})]
    rows = []
    for key in used:
        name, lic = SOURCE_INFO[key]
        release, years = d["coverage"].get(key, ("—", "—"))
        release = tr(f"release.{key}") if release is None else release  # HS10, monthly
        rows.append([tr(name), tr(f"source.{key}"), release, years, tr(lic)])
    t = Table(headers=[tr("col.source"), tr("col.content"), tr("col.release"),
                       tr("col.years"), tr("col.licence")],
              rows=rows, numeric=[False] * 5)
    args = formula_args(tr)
    formulas = [tr(f"formula.{f}", **args) for f in FORMULAS if f in ctx.used_formulas]
    notes = [tr("methods.scope", n=d["products"]), tr("methods.values"),
             tr("methods.names")]
    if "kcs" in used:
        notes.append(tr("methods.values_kcs"))
    if "eto" in used:
        notes.append(tr("licence.eto_notice"))
    return Rendered(key=KEY, number=0, title="", finding=[], tables=[t],
                    notes=notes + formulas, citation="")
