"""Page views about a pair and the data: overview, value chain, report, data."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Request

from straits.api.routes_data import DATASETS, SOURCES, SUMMARY, datasets_table, sources_table
from straits.api.routes_metrics import BILATERAL
from straits.api.routes_report import REPORT
from straits.api.routes_valuechain import IO_SHOCK, PAIR, _cite_attrs
from straits.errors import StraitsError
from straits.provenance import of
from straits.web import charts
from straits.web._common import arg, label, number, run, year
from straits.web.tables import Col, Figure, table


def _pair_flows(request: Request, a: str, b: str):
    """A -> B and B -> A flows over every loaded year, by year and product (thousand USD)."""
    def fn(s):
        import pandas as pd

        years = s.years()
        parts = []
        for exp, imp in ((a, b), (b, a)):
            df = s.flows(year=years, exporter=exp, importer=imp)
            g = df.groupby(["year", "product"], as_index=False)["value_kusd"].sum()
            parts.append(g.assign(exporter=exp, importer=imp))
        out = pd.concat(parts, ignore_index=True)
        out.attrs = dict(df.attrs)
        return out
    return run(request, SUMMARY, "page-pair-flows", dict(a=a, b=b), fn)


def overview(request: Request, tr) -> dict[str, Any]:
    """Headline trade, indices, top products both ways and the trend for a pair."""
    a, b = arg(request, "a", "KOR"), arg(request, "b", "JPN")
    yr = year(request, "overview")
    flows = _pair_flows(request, a, b)
    prov_df = flows
    years = sorted(flows["year"].unique().tolist())
    y = yr if yr is not None else (years[-1] if years else None)
    bil = run(request, BILATERAL, "bilateral", dict(a=a, b=b, year=[y] if y else None),
              lambda s: s.bilateral(a, b, year=[y] if y else None))
    la, lb = label(tr, a), label(tr, b)
    cur = flows[flows["year"] == y]
    ab = float(cur.loc[cur["exporter"] == a, "value_kusd"].sum())
    ba = float(cur.loc[cur["exporter"] == b, "value_kusd"].sum())
    cards = [(tr("overview.a_to_b", a=la, b=lb), tr.usd(ab)),
             (tr("overview.a_to_b", a=lb, b=la), tr.usd(ba)),
             (tr("overview.total"), tr.usd(ab + ba))]
    bil = bil.assign(index_label=[tr(f"index.{i}") for i in bil["index"]],
                     direction=[_direction(tr, d) for d in bil["direction"]])
    bil.attrs = dict(bil.attrs)
    t_bil = table(tr, "bilateral", tr("overview.indices"), bil,
                  [Col("index_label", "col.index"), Col("direction", "col.direction"),
                   Col("value", "col.value", "num", 3)],
                  api="bilateral", params=dict(a=a, b=b, year=y))
    tops = []
    for exp, imp, le, li in ((a, b, la, lb), (b, a, lb, la)):
        part = cur[cur["exporter"] == exp].sort_values("value_kusd", ascending=False)
        part.attrs = dict(prov_df.attrs)
        tops.append(table(tr, f"top-{exp}", tr("overview.top", a=le, b=li), part,
                          [Col("product", "col.product", "product"),
                           Col("value_kusd", "col.value_kusd", "kusd")],
                          api="flows", params=dict(year=y, exporter=exp, importer=imp),
                          max_rows=10))
    trend = flows.groupby(["year", "exporter"], as_index=False)["value_kusd"].sum()
    trend = trend.assign(value_musd=trend["value_kusd"] / 1000.0,
                         direction=[tr("overview.a_to_b", a=la if e == a else lb,
                                       b=lb if e == a else la) for e in trend["exporter"]])
    fig = Figure("trend", tr("overview.trend"), charts.line(
        trend, x="year", y="value_musd", color="direction", x_title=tr("col.year"),
        y_title=tr("overview.trend.y"),
        color_domain=[tr("overview.a_to_b", a=la, b=lb), tr("overview.a_to_b", a=lb, b=la)]),
        source=prov_df.attrs.get("source", ""),
        units=tr("overview.trend.y"))
    n_products = int(flows["product"].nunique())
    return {"a": a, "b": b, "year": y, "years": years, "la": la, "lb": lb, "cards": cards,
            "t_bil": t_bil, "tops": tops, "fig": fig, "n_products": n_products}


def _direction(tr, text: str) -> str:
    """``KOR->JPN`` as the reader's names (``대한민국 → 일본``); ``both`` translated."""
    if "->" not in text:
        return tr(f"direction.{text}") if tr.has(f"direction.{text}") else text
    a, b = text.split("->", 1)
    return f"{tr.economy(a)} → {tr.economy(b)}"


def chain(request: Request, tr) -> dict[str, Any]:
    """The chip chain for two economies, and an IO shock."""
    a, b = arg(request, "a", "KOR"), arg(request, "b", "JPN")
    pair = run(request, PAIR, "chain-pair", dict(a=a, b=b, joint_threshold=0.65,
                                                  weak_threshold=0.10),
               lambda s: _cite_attrs(s.chain_pair(a, b), "eto"))
    la, lb = label(tr, a), label(tr, b)
    t_pair = table(tr, "chain-pair", tr("chain.pair"), pair,
                   [Col("input", "col.input", "eto"), Col("stages", "col.stage", "eto_list"),
                    Col("share_a", "col.share_a", "share"), Col("share_b", "col.share_b", "share"),
                    Col("larger_share_country", "col.leader", "country"),
                    Col("third_country", "col.third_country", "country")],
                   api="chain-pair", params=dict(a=a, b=b), label_args={"a": la, "b": lb})
    top = pair.assign(joint=pair["share_a"].fillna(0) + pair["share_b"].fillna(0))
    top = top.sort_values("joint", ascending=False).head(12)
    top = top.assign(input=top["input"].map(tr.eto_label))
    import pandas as pd

    long = pd.concat([top[["input", "share_a"]].rename(columns={"share_a": "share"}).assign(who=la),
                      top[["input", "share_b"]].rename(columns={"share_b": "share"}).assign(who=lb)])
    fig = Figure("chain-fig", tr("chain.pair.chart"), charts.bars(
        long.fillna({"share": 0.0}), label="input", value="share", color="who",
        value_title=tr("chain.pair.chart"), value_format=".0%", domain=(0, 1),
        color_domain=[la, lb]),
        source=pair.attrs.get("source", "ETO"), units="0–1")
    sup = arg(request, "supplier", "JPN")
    sector = arg(request, "sector", "c9")
    cust = arg(request, "customer", "KOR")
    cut = number(request, "cut", 0.5, "chain")
    io_values = dict(supplier=sup, sector=sector, customer=cust, cut=cut,
                     customer_sector=None, year=None)
    io = run(request, IO_SHOCK, "io-shock", io_values,
             lambda s: _cite_attrs(s.io_shock(**io_values), "wiod"))
    io_top = io[io["industry"] == "total"].sort_values("leontief_loss_musd", ascending=False)
    io_top.attrs = dict(io.attrs)
    t_io = table(tr, "io", tr("chain.io"), io_top,
                 [Col("country", "col.country", "country"),
                  Col("leontief_loss_musd", "col.leontief_loss", "musd", 1),
                  Col("ghosh_loss_musd", "col.ghosh_loss", "musd", 1)],
                 api="io-shock", params={k: v for k, v in io_values.items() if v is not None})
    return {"a": a, "b": b, "t_pair": t_pair, "fig": fig, "t_io": t_io, "supplier": sup,
            "sector": sector, "customer": cust, "cut": cut,
            "io_lead": tr("chain.io.lead", cut=tr.pct(cut, 0), supplier=label(tr, sup),
                          sector=_sector_name(tr, io, sector), customer=label(tr, cust),
                          year=io.attrs.get("year") or (of(io).years[0] if of(io) and of(io).years
                                                        else ""))}


def _sector_name(tr, io: Any, sector: str) -> str:
    """``c9 Chemicals and chemical products`` from the IO result's own rows."""
    named = io.loc[io["industry"] == sector, "industry_name"] if "industry_name" in io else []
    return tr.sector(sector, str(named.iloc[0]) if len(named) else "")


def report(request: Request, tr) -> dict[str, Any]:
    """Links to the report in each language and format."""
    from urllib.parse import urlencode

    a, b = arg(request, "a", "KOR"), arg(request, "b", "JPN")
    rlang = arg(request, "rlang", tr.lang)
    yr = year(request, "report")
    REPORT.check(dict(a=a, b=b, third="CHN", year=yr, lang=rlang))
    base = {k: v for k, v in dict(a=a, b=b, year=yr, lang=rlang).items() if v is not None}
    links = {"html": "/api/v1/report?" + urlencode(base),
             "download_html": "/api/v1/report?" + urlencode({**base, "download": "true"}),
             "pdf": "/api/v1/report?" + urlencode({**base, "format": "pdf", "download": "true"})}
    return {"a": a, "b": b, "rlang": rlang, "year": yr, "links": links}


def _licences() -> list[dict[str, str]]:
    root = resources.files("straits.data")
    out = []
    for name in ("baci", "reporter", "eto", "wiod", "atlas"):
        folder = root.joinpath(name)

        def first(fname: str, folder=folder) -> str:
            try:
                text = folder.joinpath(fname).read_text("utf-8")
            except (FileNotFoundError, OSError):
                return ""
            lines = [ln.strip("# ").strip() for ln in text.splitlines() if ln.strip()]
            return " ".join(lines[:3])[:400]
        out.append({"dataset": name, "source": first("SOURCE.md"), "licence": first("LICENSE.md")})
    return out


def data(request: Request, tr) -> dict[str, Any]:
    """What is loaded, with completeness, sources and licences."""
    ds = run(request, DATASETS, "datasets", {}, datasets_table)
    t_ds = table(tr, "datasets", tr("data.loaded"), ds,
                 [Col("dataset", "col.dataset"), Col("release", "col.release"),
                  Col("year", "col.year"), Col("rows", "col.rows", "int"),
                  Col("value_kusd", "col.value_kusd", "kusd"),
                  Col("min_value_kusd", "col.min_value_kusd", "num", 3),
                  Col("has_quantity", "col.has_quantity", "bool")], api="datasets", params={})
    try:
        rs = run(request, SOURCES, "reporter-sources", {}, sources_table)
        t_rs = table(tr, "reporter", tr("data.reporter"), rs,
                     [Col("source", "col.source"), Col("dataset", "col.dataset"),
                      Col("rows", "col.rows", "int"), Col("first_period", "col.first_period"),
                      Col("last_period", "col.last_period")], api="reporter-sources", params={})
    except StraitsError:  # no reporter data loaded: the section says so
        t_rs = None
    return {"t_ds": t_ds, "t_rs": t_rs, "licences": _licences()}


VIEWS = {
    "/": ("overview.html.j2", "overview", overview),
    "/chain": ("chain.html.j2", "chain", chain),
    "/report": ("report.html.j2", "report", report),
    "/data": ("data.html.j2", "data", data),
}
