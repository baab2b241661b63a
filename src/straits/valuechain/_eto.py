"""Shared pieces of the chip-chain engine: node table, links, paths, names, provenance.

The ETO graph is small (about 130 nodes and 140 links), so it is read whole from the
warehouse and walked in Python; nothing here scans trade data.
"""

from __future__ import annotations

import difflib

import pandas as pd

from straits.errors import DataNotLoadedError, UnknownCodeError
from straits.provenance import Provenance
from straits.sources.eto import ETO_LICENCE, ETO_MISSING_NOTE, ETO_RELEASE
from straits.warehouse import valuechain_sql as sql
from straits.warehouse.protocol import Warehouse


def require_eto(wh: Warehouse) -> None:
    """Raise :class:`DataNotLoadedError` unless the warehouse holds ETO tables."""
    if not wh.has_table("eto_shares"):
        raise DataNotLoadedError(
            "The warehouse holds no ETO chip-chain data; ingest an ETO folder "
            "(`straits ingest FOLDER`, the folder holding provision.csv and providers.csv).")


def provenance(wh: Warehouse, method: str) -> Provenance:
    """The provenance of every chip-chain table: ETO citation, years, licence, blanks note."""
    return Provenance(source=wh.citation("eto"), dataset="eto", release=ETO_RELEASE,
                      years=tuple(wh.years("eto")), method=method, notes=(ETO_MISSING_NOTE,),
                      licence=ETO_LICENCE)


def node_table(wh: Warehouse) -> pd.DataFrame:
    """Every node: node_id, name, kind, market_size, data_year, position, stages (list)."""
    require_eto(wh)
    nd = wh.arrow(sql.eto_nodes()).to_pandas()
    st = wh.arrow(sql.eto_node_stages()).to_pandas()
    stages = st.groupby("node_id", sort=False)["stage"].agg(list)
    nd["stages"] = [stages.get(i, []) for i in nd["node_id"]]
    return nd


def adjacency(wh: Warehouse) -> dict[str, list[str]]:
    """Node -> the nodes it goes into or is a type of."""
    e = wh.arrow(sql.eto_edges()).to_pandas()
    return e.groupby("src", sort=False)["dst"].agg(list).to_dict()


def resolve_input(q: str, nd: pd.DataFrame) -> str:
    """Node id from an id ("N31"), an exact name, or a unique part of a name."""
    ids = set(nd["node_id"])
    if q.strip().upper() in ids:
        return q.strip().upper()
    names = nd["name"].str.lower()
    ql = q.strip().lower()
    hit = nd.loc[names == ql, "node_id"]
    if hit.empty:
        hit = nd.loc[names.str.contains(ql, regex=False), "node_id"]
    if len(hit) == 1:
        return str(hit.iloc[0])
    close = difflib.get_close_matches(q, nd["name"].tolist(), n=4, cutoff=0.5)
    detail = (f"matches {len(hit)} inputs ({', '.join(nd.loc[hit.index, 'name'].head(5))})"
              if len(hit) else "is not an ETO input or stage"
              + (f"; did you mean {', '.join(close)}?" if close else ""))
    raise UnknownCodeError(f"Input {q!r} {detail}. Use an exact name or an id such as N31.")


def resolve_country(wh: Warehouse, q: str) -> str:
    """ETO country code (ISO3) from a code, an ETO alias or any spelling Straits knows."""
    require_eto(wh)
    c = wh.arrow(sql.eto_countries()).to_pandas()
    c = c[~c["aggregate"]]
    keys = {str(n).upper(): str(n) for n in c["name"]}
    keys.update({str(a).upper(): str(n) for a, n in zip(c["alias"], c["name"], strict=True)
                 if isinstance(a, str)})
    code = keys.get(q.strip().upper())
    if code is None:
        from straits.reference.blocs import resolve_party

        try:
            party = resolve_party(q)
        except Exception:  # noqa: BLE001 - unknown anywhere means unknown here
            party = None
        if party is not None and not party.is_bloc:
            code = keys.get(str(party.members[0]).upper())
    if code is None:
        raise UnknownCodeError(f"Country {q!r} is not a provider in the ETO data (countries: "
                               f"{', '.join(sorted(set(keys.values())))}; ETO lists countries, "
                               "not blocs).")
    return code


def paths_from(start: str, nd: pd.DataFrame, adj: dict[str, list[str]]) -> pd.DataFrame:
    """Depth-first enumeration of the simple paths from ``start`` (a ~140-link graph)."""
    name = dict(zip(nd["node_id"], nd["name"], strict=True))
    stage = dict(zip(nd["node_id"], nd["stages"], strict=True))
    paths: list[list[str]] = []
    stack = [[start]]
    while stack:
        p = stack.pop()
        nxt = [n for n in adj.get(p[-1], []) if n not in p]
        if not nxt:
            paths.append(p)
        stack.extend(p + [n] for n in reversed(nxt))
    rows = [{
        "input_id": start, "input": name.get(start, start), "path_no": k, "depth": len(p) - 1,
        "path_ids": p, "path": [name.get(n, n) for n in p], "end_id": p[-1],
        "end": name.get(p[-1], p[-1]),
        "stages": list(dict.fromkeys(s for n in p for s in stage.get(n, []))),
    } for k, p in enumerate(paths, start=1)]
    return pd.DataFrame(rows, columns=["input_id", "input", "path_no", "depth", "path_ids", "path",
                                       "end_id", "end", "stages"])
