"""Section 11: data and methods: every source shown, its release, years, licence, formulas.

Lists only the sources the other sections actually used (``ctx.used_sources``), plus the
formulas of the indicators that appear, so the page states exactly what the report rests on.
"""

from __future__ import annotations

from typing import Any

from straits.report.model import Rendered, Table

KEY = "methods"
SOURCES: tuple[str, ...] = ()

# source key -> (name, licence key); release and years are filled from the data where known
SOURCE_INFO: dict[str, tuple[str, str]] = {
    "baci": ("CEPII BACI", "licence.etalab"),
    "atlas": ("Atlas of Economic Complexity (Growth Lab, Harvard)", "licence.atlas"),
    "kcs": ("Korea Customs Service trade statistics", "licence.kcs"),
    "comtrade_chn": ("UN Comtrade (China, reporter)", "licence.comtrade"),
    "eto": ("ETO Advanced Semiconductor Supply Chain (CSET)", "licence.eto"),
    "wiod": ("World Input-Output Database, 2013 release", "licence.wiod"),
}
STATIC_RELEASE = {
    "atlas": ("HS92 ECI", "1995–2023"),
    "kcs": ("HS10, monthly", "2000–2021"),
    "comtrade_chn": ("HS6, monthly", "2017–2024"),
    "eto": ("Chip Explorer", "—"),
    "wiod": ("2013 release", "1995–2011"),
}
FORMULAS = ("share", "hhi", "ti", "rca", "tc", "es", "gl", "eci_rank", "dependence",
            "coverage", "event", "chip_chokepoint", "leontief")


def compute(ctx) -> dict[str, Any]:
    """BACI release rows from the warehouse catalog (release, HS, year span)."""
    rel = ctx.s.datasets()
    rel = rel[rel["dataset"] == "baci"]
    span = f"{int(rel['year'].min())}–{int(rel['year'].max())}" if len(rel) else "—"
    release = ", ".join(sorted({f"{h} {r}" for h, r in zip(rel["hs"], rel["release"],
                                                           strict=True)}))
    return {"baci_release": release, "baci_span": span,
            "products": len(ctx.product_names())}


def render(d: dict[str, Any], ctx, tr) -> Rendered:
    """Source table (with licences), formula list and caveats."""
    used = ["baci", *sorted(ctx.used_sources - {"baci"})]
    rows = []
    for key in used:
        name, lic = SOURCE_INFO[key]
        release, span = ((d["baci_release"], d["baci_span"]) if key == "baci"
                         else STATIC_RELEASE[key])
        rows.append([name, tr(f"source.{key}"), release, span, tr(lic)])
    t = Table(headers=[tr("col.source"), tr("col.content"), tr("col.release"),
                       tr("col.years"), tr("col.licence")],
              rows=rows, numeric=[False] * 5)
    formulas = [tr(f"formula.{f}") for f in FORMULAS if f in ctx.used_formulas]
    notes = [tr("methods.scope", n=d["products"]), tr("methods.values"),
             tr("methods.names")]
    if "kcs" in used:
        notes.append(tr("methods.values_kcs"))
    if "eto" in used:
        notes.append(tr("licence.eto_notice"))
    return Rendered(key=KEY, number=0, title="", finding=[], tables=[t],
                    notes=notes + formulas, citation="")
