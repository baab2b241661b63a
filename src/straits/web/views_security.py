"""Page views about security: dependency screen, chokepoints, shock, event replay, early warning."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import Request

from straits.api.respond import as_frame
from straits.api.routes_metrics import CONCENTRATION
from straits.api.routes_security import DEPENDENCY, EVENT, SHOCK, WATCH, _cite, run_shock
from straits.api.routes_valuechain import CHOKE, IO_SHOCK, _cite_attrs
from straits.errors import StraitsError
from straits.provenance import of
from straits.web import charts
from straits.web._common import arg, label, number, run, year
from straits.web.i18n import translator
from straits.web.tables import Col, Figure, auto_cols, cell, table

FLAGS = ("one_country_50", "geodep", "critical")
SORTS = ("import_kusd", "top_share", "import_hhi", "product")


def _names(codes: pd.Series) -> pd.Series:
    """Product names in all three languages, for search (one string per code)."""
    trs = [translator(lg) for lg in ("en", "ko", "ja")]
    return codes.map(lambda c: " ".join(t.product(c) for t in trs).lower())


def product_filter(df: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """Rows whose product matches ``query`` in any of the three languages.

    A code prefix, an alias or description words (:func:`straits.reference.products.search`,
    en/ko/ja names), or the name the dashboard shows.
    """
    if not query:
        return df
    from straits.reference.products import search

    q = query.strip()
    found = tuple(search(q).column("product").to_pylist())
    mask = _names(df["product"]).str.contains(q.lower(), regex=False)
    if found:
        mask |= df["product"].str.startswith(found)
    return df[mask]


def dependency(request: Request, tr) -> dict[str, Any]:
    """The dependency screen with flags, sorting, filters and product search."""
    imp = arg(request, "importer", "KOR")
    yr = year(request, "dependency")
    values = dict(importer=imp, year=yr, products=None, persistence=None, blocs=None)
    df = run(request, DEPENDENCY, "dependency", values,
             lambda s: _cite(s.dependency(imp, year=yr), s.citation()))
    flag = arg(request, "flag")
    sort = arg(request, "sort", "import_kusd")
    sort = sort if sort in SORTS else "import_kusd"
    q = arg(request, "q")
    view = product_filter(df, q)
    if flag in FLAGS:
        view = view[view[flag].fillna(False).astype(bool)]
    view = view.sort_values(sort, ascending=sort == "product")
    view = view.assign(flags=[" · ".join(tr(f"flag.{f}") for f in FLAGS if r.get(f))
                              for r in view[list(FLAGS)].to_dict(orient="records")])
    view.attrs = dict(df.attrs)
    li = label(tr, imp)
    t = table(tr, "dependency", tr("dependency.title", importer=li), view,
              [Col("product", "col.product", "product"), Col("import_kusd", "col.import_kusd", "kusd"),
               Col("top_supplier", "col.top_supplier", "country"),
               Col("top_share", "col.top_share", "share"), Col("n_suppliers", "col.n_suppliers", "int"),
               Col("import_hhi", "col.import_hhi", "num", 3), Col("flags", "col.flags")],
              api="dependency", params=dict(importer=imp, year=yr))
    top = view.sort_values("import_kusd", ascending=False).head(15)
    top = top.assign(name=[tr.product(c, d) for c, d in zip(top["product"], top["description"],
                                                             strict=True)],
                     supplier=[tr.economy(s) for s in top["top_supplier"]])
    fig = Figure("dep-fig", tr("dependency.chart"), charts.bars(
        top, label="name", value="top_share", color=None, value_title=tr("dependency.chart.x"),
        value_format=".0%", domain=(0, 1)), source=df.attrs.get("source", ""), units="0–1")
    return {"importer": imp, "year": yr, "t": t, "fig": fig, "flag": flag, "sort": sort,
            "search": q or "", "li": li,
            "flag_options": [("", tr("form.flag.all"))] + [(f, tr(f"flag.{f}")) for f in FLAGS],
            "sort_options": [(s_, tr({"import_kusd": "col.import_kusd", "top_share": "col.top_share",
                                      "import_hhi": "col.import_hhi", "product": "col.product"}[s_]))
                             for s_ in SORTS]}


def chokepoints(request: Request, tr) -> dict[str, Any]:
    """World supply concentration by product and the ETO chip-chain chokepoints."""
    yr = year(request, "chokepoints")
    values = dict(year=[yr] if yr else None, product=None, importer=None)
    conc = run(request, CONCENTRATION, "concentration", values,
               lambda s: s.concentration(**values))
    conc = conc.sort_values("hhi", ascending=False)
    conc.attrs = dict(conc.attrs)
    y = int(conc["year"].iloc[0]) if "year" in conc and len(conc) else yr
    t_conc = table(tr, "concentration", tr("chokepoints.world", year=y), conc,
                   [Col("product", "col.product", "product"), Col("total_kusd", "col.total_kusd", "kusd"),
                    Col("hhi", "col.hhi", "num", 3), Col("top_exporter", "col.top_exporter", "country"),
                    Col("top_share", "col.top_share", "share"),
                    Col("n_exporters", "col.n_exporters", "int")],
                   api="concentration", params=dict(year=yr))
    top = conc.head(15)
    top = top.assign(name=[tr.product(c) for c in top["product"]])
    fig = Figure("conc-fig", tr("chokepoints.world.chart"), charts.bars(
        top, label="name", value="hhi", value_title=tr("col.hhi"), value_format=".2f",
        domain=(0, 1)), source=conc.attrs.get("source", ""), units="HHI 0–1")
    cv = dict(country_threshold=0.65, firm_top3_threshold=0.90)
    eto = run(request, CHOKE, "chain-chokepoints", {**cv, "all": False},
              lambda s: _cite_attrs(s.chokepoints(**cv), "eto"))
    t_eto = table(tr, "eto", tr("chokepoints.chips"), eto,
                  [Col("input", "col.input", "eto"), Col("stages", "col.stage", "eto_list"),
                   Col("top_country", "col.top_country", "country"),
                   Col("top_country_share", "col.top_country_share", "share"),
                   Col("top3_firm_share", "col.top3_firm_share", "share"),
                   Col("n_downstream", "col.n_downstream", "int")],
                  api="chain-chokepoints", params={})
    return {"year": yr, "t_conc": t_conc, "fig": fig, "t_eto": t_eto,
            "eto_lead": tr("chokepoints.chips.lead", country=tr.pct(0.65, 0), firms=tr.pct(0.9, 0))}


#: HS chapter -> WIOD 2013 sector (ISIC Rev.3), approximate: mining, chemicals, plastics,
#: non-metallic minerals, metals, machinery, electrical and optical equipment.
HS_TO_WIOD = {**{f"{c:02d}": "c2" for c in (25, 26, 27)},
              **{f"{c:02d}": "c9" for c in range(28, 39)}, "39": "c10", "40": "c10",
              **{f"{c:02d}": "c11" for c in (68, 69, 70)},
              **{f"{c:02d}": "c12" for c in range(71, 84)}, "84": "c13", "85": "c14", "90": "c14"}


def _io_for(request: Request, tr, exporter: str, importers: list[str], products: pd.DataFrame,
            cut: float) -> dict[str, Any] | None:
    """The IO propagation of the same cut for the WIOD sector of the largest exposure."""
    exp_by_sector = products.assign(sector=products["product"].str[:2].map(HS_TO_WIOD))
    exp_by_sector = exp_by_sector.dropna(subset=["sector"])
    if exp_by_sector.empty:
        return None
    sector = exp_by_sector.groupby("sector")["exposed_kusd"].sum().idxmax()
    values = dict(supplier=exporter, sector=sector, customer=",".join(importers), cut=cut,
                  customer_sector=None, year=None)
    def totals(s):
        io = _cite_attrs(s.io_shock(**values), "wiod")
        named = io.loc[io["industry"] == sector, "industry_name"]
        tot = io[io["industry"] == "total"].sort_values("leontief_loss_musd", ascending=False)
        tot.attrs = dict(io.attrs)
        return tot, (str(named.iloc[0]) if len(named) else "")
    try:
        tot, name = run(request, IO_SHOCK, "page-io-totals", values, totals)
    except StraitsError:  # an economy WIOD does not cover
        return None
    io = tot
    customers = importers
    return {"t": table(tr, "io", tr("shock.io", sector=tr.sector(sector, name)), tot,
                       [Col("country", "col.country", "country"),
                        Col("leontief_loss_musd", "col.leontief_loss", "musd", 1),
                        Col("ghosh_loss_musd", "col.ghosh_loss", "musd", 1)],
                       api="io-shock", params={k: v for k, v in values.items() if v is not None}),
            "lead": tr("shock.io.lead", cut=tr.pct(cut, 0), supplier=tr.economy(exporter),
                       customer=", ".join(tr.economy(c) for c in customers),
                       year=(of(io).years[0] if of(io) and of(io).years else ""))}


def shock(request: Request, tr) -> dict[str, Any]:
    """The shock simulator: the form, results by importer and product, and the IO step."""
    exporter = arg(request, "exporter", "CHN")
    importer = arg(request, "importer", "KOR,JPN")
    group = arg(request, "group")
    products = arg(request, "products", None if group else "811292,250490,850511")
    prods = ",".join(p for p in (products, group) if p)
    yr = year(request, "shock")
    cut = number(request, "cut", 1.0, "shock")
    redirect = number(request, "redirect", 0.2, "shock")
    also = arg(request, "also")
    values = dict(exporter=exporter, importer=importer, products=prods, year=yr, cut=cut,
                  redirect=redirect, also_restricting=also)
    df = run(request, SHOCK, "shock", {**values, "by": "importer"},
             lambda s: _cite(run_shock(s, values), s.citation()))
    try:
        alloc = run(request, SHOCK, "shock", {**values, "by": "supplier"},
                    lambda s: _cite(run_shock(s, values, "supplier"), s.citation()))
    except StraitsError:  # an engine without the shared pool
        alloc = None
    attrs = dict(df.attrs)
    df = df[df["importer"] != "WORLD"]  # the engine's per-product WORLD rows
    df.attrs = attrs
    by_imp = df.groupby("importer", as_index=False)[
        ["imports_kusd", "exposed_kusd", "covered_kusd", "gap_kusd"]].sum()
    by_imp = by_imp.assign(gap_share=by_imp["gap_kusd"] / by_imp["imports_kusd"].where(
        by_imp["imports_kusd"] > 0)).sort_values("gap_kusd", ascending=False)
    by_imp.attrs = dict(df.attrs)
    kusd = [Col("imports_kusd", "col.imports_kusd", "kusd"), Col("exposed_kusd", "col.exposed_kusd", "kusd"),
            Col("covered_kusd", "col.covered_kusd", "kusd"), Col("gap_kusd", "col.gap_kusd", "kusd"),
            Col("gap_share", "col.gap_share", "share")]
    api_params = {k: v for k, v in values.items() if v is not None}
    t_imp = table(tr, "shock-importer", tr("shock.by_importer"), by_imp,
                  [Col("importer", "col.importer", "country"), *kusd], api="shock", params=api_params)
    t_prod = table(tr, "shock-product", tr("shock.by_product"), df,
                   [Col("importer", "col.importer", "country"), Col("product", "col.product", "product"),
                    *kusd], api="shock", params=api_params)
    t_alloc = None
    if alloc is not None:
        t_alloc = table(tr, "shock-supplier", tr("shock.by_supplier"), alloc,
                        auto_cols(tr, alloc, ["product", "supplier", "supplier_pool_kusd",
                                              "importer", "allocated_kusd"]),
                        api="shock", params={**api_params, "by": "supplier"})
    long = pd.concat([by_imp[["importer", "gap_kusd"]].rename(columns={"gap_kusd": "v"})
                      .assign(what=tr("col.gap_kusd")),
                      by_imp[["importer", "covered_kusd"]].rename(columns={"covered_kusd": "v"})
                      .assign(what=tr("col.covered_kusd"))])
    long = long.assign(name=[tr.economy(i) for i in long["importer"]])
    fig = Figure("shock-fig", tr("shock.chart"), charts.bars(
        long, label="name", value="v", color="what", value_title=tr("shock.chart.x"),
        color_domain=[tr("col.covered_kusd"), tr("col.gap_kusd")]),
        source=df.attrs.get("source", ""), units=tr("shock.chart.x"))
    from straits.resolve import parties

    try:
        exp_label = parties(exporter)[0].label
        imp_labels = [p.label for p in parties(importer)]
        io = _io_for(request, tr, exp_label, imp_labels, df, cut)
    except StraitsError:
        io = None
    groups = _groups(request, tr)
    return {"exporter": exporter, "importer": importer, "products": products or "",
            "group": group or "", "year": yr, "cut": cut, "redirect": redirect,
            "also": also or "", "t_imp": t_imp, "t_prod": t_prod, "fig": fig, "io": io,
            "t_alloc": t_alloc,
            "groups": groups, "lead": tr("shock.lead", exporter=label(tr, exporter))}


def _groups(request: Request, tr) -> list[tuple[str, str]]:
    """Product groups: the HS chapters of the loaded products, named from HS 2022."""
    def fn(s):
        from straits.reference.lookup import hs_nomenclature
        from straits.resolve import loaded_products

        names = hs_nomenclature().set_index("product")["description"]
        chapters = sorted({c[:2] for c in loaded_products(s.backend).column("product").to_pylist()})
        return [(c, f"{c} — {str(names.get(c, ''))[:60]}") for c in chapters]
    return [("", tr("form.group.none"))] + run(request, DEPENDENCY, "page-groups", {}, fn)


def event(request: Request, tr) -> dict[str, Any]:
    """Event replay: presets, annual and monthly charts with the control date, gainers."""
    from straits.security.presets import PRESETS

    name = arg(request, "preset", "cn-gallium-germanium-2023")
    if name not in PRESETS:
        raise StraitsError(f"Unknown event preset {name!r}; expected one of {', '.join(PRESETS)}.")
    p = PRESETS[name]
    imp = arg(request, "importer", p.importer)
    values = dict(preset=name, importer=imp, exporter=None, products=None, start=None)
    out: dict[str, Any] = {"preset": name, "p": p, "importer": imp,
                           "presets": [(k, v.title) for k, v in PRESETS.items()],
                           "annual_error": None, "monthly_error": None, "figs": []}
    li, le = label(tr, imp), label(tr, p.exporter)
    try:
        e = run(request, EVENT, "event", {**values, "view": "*", "monthly": False},
                lambda s: s.event(name, importer=imp))
        summ = _cite(e.summary.copy(), e.source, e.method, e.notes)
        out["t_summary"] = table(tr, "event-summary", tr("event.summary"), summ,
                                 [Col("product", "col.product", "product"),
                                  Col("share_before", "col.share_before", "share"),
                                  Col("share_after", "col.share_after", "share"),
                                  Col("share_change_pp", "col.share_change", "pp100")],
                                 api="event", params=dict(preset=name, importer=imp))
        ann = e.annual.assign(name=[tr.product(c) for c in e.annual["product"]])
        out["figs"].append(Figure("event-annual", tr("event.annual", importer=li), charts.line(
            ann, x="year", y="restricting_share", color="name", x_title=tr("col.year"),
            y_title=tr("event.annual.y"), marker=int(p.start[:4]),
            marker_label=tr("event.control", date=tr.month(p.start)), y_format=".0%"),
            source=e.source, units="0–1"))
    except StraitsError as exc:
        out["annual_error"] = str(exc)
    try:
        ev = run(request, EVENT, "event-monthly", {**values, "view": "*", "monthly": True},
                 lambda s: s.monthly_event(name, importer=imp))
        months = ev.months
        src = ev.source
        for prod, part in list(months.groupby("product"))[:4]:
            part = part.assign(who=[tr.economy(x) if side == "importer" else tr.economy(x)
                                    for x, side in zip(part["exporter"], part["side"], strict=True)])
            part = part[part["side"] == "importer"] if (part["side"] == "importer").any() else part
            part = part.assign(month=part["period"].astype(str) + "-01")
            out["figs"].append(Figure(f"event-m-{prod}", tr("event.monthly", exporter=le,
                                                             importer=li,
                                                             product=tr.product(str(prod))),
                                      charts.line(part, x="month", y="value_usd", x_title=tr("col.period"),
                                                  y_title=tr("event.monthly.y"), temporal=True,
                                                  marker=p.start + "-01",
                                                  marker_label=tr("event.control",
                                                                  date=tr.month(p.start))),
                                      source=src, units=tr("event.monthly.y")))
        g = _cite(ev.gainers.copy(), src)
        if g.empty and "t_summary" in out:  # no partner detail monthly: the annual gainers
            g = _cite(e.gainers.copy(), e.source)
        out["t_gainers"] = table(tr, "event-gainers", tr("event.gainers"), g,
                                 auto_cols(tr, g, ["product", "supplier", "share_before",
                                                   "share_after", "share_change_pp", "before_usd",
                                                   "after_usd", "change_usd"]),
                                 api="event", params=dict(preset=name, importer=imp,
                                                          monthly="true", view="gainers"))
    except StraitsError as exc:
        out["monthly_error"] = str(exc)
    out["li"], out["le"] = li, le
    return out


def watch(request: Request, tr) -> dict[str, Any]:
    """Early warning: latest signals, each series' monthly chart with its signal marked."""
    imp = arg(request, "importer", "KOR")
    products = arg(request, "products")
    supplier = arg(request, "supplier")
    values = dict(importer=imp, products=products, start=None, end=None, drop_threshold=0.5)
    sig = run(request, WATCH, "watch", values, lambda s: _cite(
        s.watch(imp, products=products), "reporter files (monthly)"))
    if supplier:
        from straits.reference.blocs import resolve_party

        sig = sig[sig["supplier"] == resolve_party(supplier).label]
    latest = sig.sort_values("period", ascending=False)
    latest.attrs = dict(sig.attrs)
    t = table(tr, "signals", tr("watch.latest"), latest,
              [Col("period", "col.period"), Col("product", "col.product", "product"),
               Col("supplier", "col.supplier", "country"), Col("signal", "col.signal", "signal"),
               Col("value_usd", "col.value_usd", "usd"), Col("share", "col.share", "share"),
               Col("detail", "col.detail", "long")],
              api="watch", params={k: v for k, v in values.items() if v is not None})
    figs = []
    series_keys = latest.drop_duplicates(["product", "supplier"]).head(4)
    for rec in series_keys.to_dict(orient="records"):  # one chart per series, latest signal
        prod, sup = rec["product"], rec["supplier"]

        def fn(s, prod=prod, sup=sup):
            """The importer's own record, else the supplier's (mirror: its exports)."""
            rows = as_frame(s.reporter_flows(reporter=imp, partner=sup, flow="import",
                                             product=prod, monthly=True))
            if rows.empty:
                rows = as_frame(s.reporter_flows(reporter=sup, partner=imp, flow="export",
                                                 product=prod, monthly=True))
            return rows
        # the series' own codes (HS10 lines too) come from the engine's answer: not rechecked
        series = run(request, WATCH, "page-watch-series", dict(importer=imp, series=(prod, sup)),
                     fn)
        if series.empty:
            continue
        series = series.assign(month=series["year"].astype(int).astype(str) + "-"
                               + series["month"].astype(int).astype(str).str.zfill(2) + "-01")
        series = series.groupby("month", as_index=False)["value_usd"].sum()
        figs.append(Figure(f"watch-{prod}-{sup}", tr("watch.series", product=tr.product(prod),
                                                      supplier=tr.economy(sup)),
                           charts.line(series, x="month", y="value_usd", x_title=tr("col.period"),
                                       y_title=tr("watch.series.y"), temporal=True,
                                       marker=str(rec["period"]) + "-01",
                                       marker_label=cell(tr, "signal", rec["signal"])),
                           source=str(sig.attrs.get("source", "")), units=tr("watch.series.y")))
    last = run(request, WATCH, "page-last-refresh", {}, lambda s: s.last_refresh())
    refresh = None
    if last:
        when = last.get("finished_at") or last.get("started_at")
        refresh = (f"{tr.date(when.date()) if hasattr(when, 'date') else when} "
                   f"({tr.num(int(last.get('new_signals') or 0))} / "
                   f"{tr.num(int(last.get('signals') or 0))})")
    return {"importer": imp, "products": products or "", "supplier": supplier or "", "t": t,
            "figs": figs, "refresh": refresh}


VIEWS = {
    "/dependency": ("dependency.html.j2", "dependency", dependency),
    "/chokepoints": ("chokepoints.html.j2", "chokepoints", chokepoints),
    "/shock": ("shock.html.j2", "shock", shock),
    "/event": ("event.html.j2", "event", event),
    "/watch": ("watch.html.j2", "watch", watch),
}
