"""ETO Advanced Semiconductor Supply Chain dataset (CSET): its published CSVs -> checked tables.

The dataset has its own licence (CC BY-NC 4.0, non-commercial): it is loaded into its own
``eto_*`` tables (:mod:`straits.warehouse.valuechain_load`), catalogued as dataset ``eto``,
and every result built from it carries :data:`ETO_ATTRIBUTION` and :data:`ETO_LICENCE` in its
provenance. Shares are converted from percent to fractions 0-1 here; blank shares stay
missing (NULL), never zero.

Checks, each naming file, line and column: the five files and their columns are present,
shares are percents in [0, 100], every provider and node a share or a link names exists, and
no provider-input pair is listed twice.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from straits.errors import InputFileError

ETO_ATTRIBUTION = (
    "Emerging Technology Observatory, CSET (Georgetown University), Advanced Semiconductor "
    "Supply Chain Dataset (eto.tech)"
)
ETO_LICENCE = "CC BY-NC 4.0 (non-commercial use only)"
ETO_RELEASE = "Chip Explorer"
ETO_MISSING_NOTE = (
    "Blank shares in the ETO data are missing (NaN), never zero; ETO rounds 0-1% up to 1%, so "
    "shares of an input may sum to more than 100%."
)
FILES = {
    "inputs": ["input_id", "input_name", "type", "stage_id", "year",
               "market_share_chart_global_market_size_info"],
    "stages": ["stage_id", "stage_name", "market_share_chart_global_market_size_info"],
    "sequence": ["input_id", "goes_into_id", "is_type_of_id"],
    "providers": ["provider_name", "alias", "provider_id", "provider_type", "country"],
    "provision": ["provider_id", "provided_id", "share_provided", "year", "source"],
}


@dataclass(frozen=True, eq=False)
class EtoTables:
    """The dataset as the warehouse stores it (columns of the ``eto_*`` tables)."""

    nodes: pd.DataFrame
    node_stages: pd.DataFrame
    edges: pd.DataFrame
    providers: pd.DataFrame
    aliases: pd.DataFrame
    shares: pd.DataFrame
    folder: Path


def is_eto_folder(path: str | Path) -> bool:
    """True when ``path`` is a folder holding the ETO CSVs (provision.csv and providers.csv)."""
    p = Path(path)
    return p.is_dir() and (p / "provision.csv").is_file() and (p / "providers.csv").is_file()


def _read(folder: Path, name: str) -> pd.DataFrame:
    file = folder / f"{name}.csv"
    if not file.exists():
        raise InputFileError(file, "file not found (expected the ETO CSV layout: inputs, "
                             "stages, sequence, providers and provision .csv)")
    try:
        df = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputFileError(file, f"not a readable CSV ({exc})") from None
    missing = [c for c in FILES[name] if c not in df.columns]
    if missing:
        raise InputFileError(file, f"missing column(s) {', '.join(missing)}", line=1)
    return df


def _first_bad(file: Path, bad: pd.Series, column: str, detail: str, values: pd.Series) -> None:
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputFileError(file, f"{detail}, got {values.iloc[i]!r}", line=i + 2, column=column)


def _stages_of(nodes: list[str], own: dict[str, str], adj: dict[str, list[str]]) -> pd.DataFrame:
    """Each node's stage: its own, else those of the nearest downstream nodes that have one.

    Breadth-first along the ~140 links of the published graph, once at ingest.
    """
    rows = []
    for node in nodes:
        found: list[str] = [own[node]] if node in own else []
        seen, queue = {node}, deque([node])
        while queue and not found:
            for _ in range(len(queue)):
                for nxt in adj.get(queue.popleft(), []):
                    if nxt not in seen:
                        seen.add(nxt)
                        if nxt in own:
                            found.append(own[nxt])
                        queue.append(nxt)
        rows.extend((node, s) for s in dict.fromkeys(found))
    return pd.DataFrame(rows, columns=["node_id", "stage_id"])


def read_eto(path: str | Path, *, countries: set[str] | frozenset[str] = frozenset()) -> EtoTables:
    """Read and check an ETO folder.

    Parameters
    ----------
    path : str or Path
        Folder holding ``inputs.csv, stages.csv, sequence.csv, providers.csv, provision.csv``
        as published by ETO.
    countries : set of str
        ISO3 codes of real countries; a country-type provider not among them ("Various
        countries", "EUR"), or a firm whose country is not among them ("Various companies"),
        is a group (``aggregate``) and never ranks.

    Returns
    -------
    EtoTables

    Raises
    ------
    InputFileError
        A file, column, share or reference breaks the layout (file, line and column named).
    """
    folder = Path(path)
    t = {name: _read(folder, name) for name in FILES}
    inp, st, seq, prv, pro = (t[k] for k in ("inputs", "stages", "sequence", "providers",
                                             "provision"))
    ids = pd.concat([st["stage_id"], inp["input_id"]], ignore_index=True)
    nodes = pd.DataFrame({
        "node_id": ids,
        "name": pd.concat([st["stage_name"], inp["input_name"]], ignore_index=True),
        "kind": pd.concat([pd.Series(["stage"] * len(st)), inp["type"]], ignore_index=True),
        "market_size": pd.concat([st["market_share_chart_global_market_size_info"],
                                  inp["market_share_chart_global_market_size_info"]],
                                 ignore_index=True),
        "data_year": pd.concat([pd.Series([pd.NA] * len(st), dtype="object"), inp["year"]],
                               ignore_index=True),
        "position": range(len(ids)),
    })
    nodes["data_year"] = pd.to_numeric(nodes["data_year"], errors="coerce").astype("Int16")
    _first_bad(folder / "inputs.csv", inp["input_id"].duplicated(), "input_id",
               "expected each input once", inp["input_id"])
    known = set(ids)
    _first_bad(folder / "sequence.csv", ~seq["input_id"].isin(known), "input_id",
               "expected an input id of inputs.csv", seq["input_id"])
    for col in ("goes_into_id", "is_type_of_id"):
        _first_bad(folder / "sequence.csv", seq[col].notna() & ~seq[col].isin(known), col,
                   "expected an input id of inputs.csv", seq[col])
    edges = pd.concat([
        seq.loc[seq[c].notna(), ["input_id", c]].set_axis(["src", "dst"], axis=1).assign(relation=r)
        for c, r in (("goes_into_id", "goes_into"), ("is_type_of_id", "is_type_of"))
    ], ignore_index=True).drop_duplicates(["src", "dst"]).reset_index(drop=True)
    adj = edges.groupby("src", sort=False)["dst"].agg(list).to_dict()
    own = {**dict(zip(st["stage_id"], st["stage_id"], strict=True)),
           **{i: s for i, s in zip(inp["input_id"], inp["stage_id"], strict=True)
              if isinstance(s, str)}}
    node_stages = _stages_of(list(ids), own, adj)

    first = prv.drop_duplicates("provider_id", keep="first")
    is_country = first["provider_type"].eq("country")
    providers = pd.DataFrame({
        "provider_id": first["provider_id"], "name": first["provider_name"],
        "provider_type": first["provider_type"],
        "country": first["provider_name"].where(is_country, first["country"]),
        # a group ("Various countries", "Various companies" of "Various countries") is no
        # one country or firm: it never ranks
        "aggregate": (is_country & ~first["provider_name"].isin(countries))
                     | (~is_country & ~first["country"].isin(countries)),
    }).reset_index(drop=True)
    aliases = prv.loc[prv["alias"].notna(), ["provider_id", "alias"]].drop_duplicates()

    share = pd.to_numeric(pro["share_provided"], errors="coerce")
    file = folder / "provision.csv"
    _first_bad(file, share.isna() & pro["share_provided"].notna() | (share < 0) | (share > 100),
               "share_provided", "expected a percent in [0, 100]", pro["share_provided"])
    _first_bad(file, ~pro["provider_id"].isin(set(providers["provider_id"])), "provider_id",
               "expected a provider id of providers.csv", pro["provider_id"])
    _first_bad(file, ~pro["provided_id"].isin(known), "provided_id",
               "expected an input or stage id", pro["provided_id"])
    _first_bad(file, pro.duplicated(["provider_id", "provided_id"]), "provided_id",
               "expected each provider once per input", pro["provided_id"])
    shares = pd.DataFrame({
        "provider_id": pro["provider_id"], "node_id": pro["provided_id"], "share": share / 100.0,
        "year": pd.to_numeric(pro["year"], errors="coerce").astype("Int16"),
        "source": pro["source"],
    })
    return EtoTables(nodes=nodes, node_stages=node_stages, edges=edges, providers=providers,
                     aliases=aliases.reset_index(drop=True), shares=shares, folder=folder)
