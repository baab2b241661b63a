"""Hypothesis invariants of the metrics engine on generated warehouses.

Each example is a small in-memory warehouse of generated flows among six real economies
(KOR, JPN, CHN, USA, DEU, FRA) in four products: bounds for any input (shares sum to one,
HHI in [1/n, 1]), invariance (RCA under scaling every flow, importer lists under order and
repetition), and the same answer asked two ways (the importer aggregate vs the flows, a
bloc's exports from the exporter aggregate vs from the raw flows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from straits.metrics.concentration import concentration
from straits.metrics.rca import rca
from straits.metrics.shares import market_shares, totals
from straits.warehouse.backend import DuckDBBackend, connect

CODES = {410: "KOR", 392: "JPN", 156: "CHN", 842: "USA", 276: "DEU", 251: "FRA"}
PRODUCTS = ["280429", "811292", "850511", "250490"]

flow_lists = st.lists(
    st.tuples(st.sampled_from(list(CODES)), st.sampled_from(list(CODES)),
              st.sampled_from(PRODUCTS), st.floats(0.001, 1e6, allow_nan=False)),
    min_size=3, max_size=40,
).map(lambda rows: list({(e, m, p): (e, m, p, v) for e, m, p, v in rows if e != m}.values())
       ).filter(lambda rows: len(rows) >= 2)

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def warehouse(rows, scale: float = 1.0) -> DuckDBBackend:
    """An in-memory warehouse holding ``rows`` (exporter, importer, product, kUSD) in 2020."""
    con = connect(None)
    con.executemany("INSERT INTO countries (code, iso3, iso2, name, baci_iso3, current) "
                    "VALUES (?, ?, NULL, ?, ?, TRUE)",
                    [(c, iso, iso, iso) for c, iso in CODES.items()])
    con.executemany("INSERT INTO products (product, description, hs) VALUES (?, ?, 'HS17')",
                    [(p, p) for p in PRODUCTS])
    flows = pa.table({"year": pa.array([2020] * len(rows), pa.int16()),
                      "exporter": pa.array([r[0] for r in rows], pa.int32()),
                      "importer": pa.array([r[1] for r in rows], pa.int32()),
                      "product": [r[2] for r in rows],
                      "value_kusd": [r[3] * scale for r in rows],
                      "quantity_t": pa.nulls(len(rows), pa.float64())})
    con.register("new_flows", flows)
    con.execute("INSERT INTO flows SELECT * FROM new_flows")
    con.execute("INSERT INTO releases (dataset, hs, release, year, rows, value_kusd, source, "
                "bytes, loaded_at) VALUES ('baci', 'HS17', 'T', 2020, ?, 0, 'gen', 0, now())",
                [len(rows)])
    con.execute("INSERT INTO meta VALUES ('baci_citation', 'generated')")
    return DuckDBBackend(con)


@SETTINGS
@given(flow_lists)
def test_shares_sum_to_one_and_hhi_is_bounded(rows):
    wh = warehouse(rows)
    for importer in (None, "KOR", "KOR+JPN", "EU27", "KOR,CHN"):
        sh = market_shares(wh, importer=importer)
        if len(sh):
            np.testing.assert_allclose(sh.groupby("product")["share"].sum(), 1.0, rtol=1e-9)
        c = concentration(wh, importer=importer)
        assert (c["hhi"] <= 1 + 1e-12).all()
        assert (c["hhi"] >= 1 / c["n_exporters"] - 1e-12).all()
    every = concentration(wh, by_importer=True)
    assert ((every["hhi"] >= 1 / every["n_exporters"] - 1e-12) & (every["hhi"] <= 1 + 1e-12)).all()


@SETTINGS
@given(flow_lists, st.sampled_from([0.001, 7.0, 1e4]))
def test_rca_is_scale_invariant(rows, k):
    a = rca(warehouse(rows), country=None)
    b = rca(warehouse(rows, k), country=None)
    assert a[["country", "product"]].equals(b[["country", "product"]])
    np.testing.assert_allclose(a["rca"], b["rca"], rtol=1e-9)
    c = rca(warehouse(rows), country="KOR+JPN")
    d = rca(warehouse(rows, k), country="KOR+JPN")
    np.testing.assert_allclose(c["rca"], d["rca"], rtol=1e-9)


@SETTINGS
@given(flow_lists)
def test_importer_lists_ignore_order_and_repetition(rows):
    wh = warehouse(rows)
    a = market_shares(wh, importer="KOR,CHN").sort_values(["product", "exporter"])
    b = market_shares(wh, importer=["CHN", "KOR", "KR"]).sort_values(["product", "exporter"])
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@SETTINGS
@given(flow_lists)
def test_importer_aggregate_agrees_with_the_flows(rows):
    wh = warehouse(rows)
    every = concentration(wh, by_importer=True).set_index(["importer", "product"])
    for iso in CODES.values():
        one = concentration(wh, importer=iso)                  # flows, party-mapped
        for r in one.itertuples():
            agg = every.loc[(iso, r.product)]
            assert agg["total_kusd"] == pytest.approx(r.total_kusd, rel=1e-9)
            assert agg["hhi"] == pytest.approx(r.hhi, rel=1e-9)
            assert (agg["top_exporter"], agg["n_exporters"]) == (r.top_exporter, r.n_exporters)
            assert agg["top_share"] == pytest.approx(r.top_share, rel=1e-9)


@SETTINGS
@given(flow_lists, st.sampled_from(["KOR+JPN", "EU27", "KOR+CHN+USA"]))
def test_bloc_exports_from_aggregate_and_from_flows(rows, bloc):
    wh = warehouse(rows)
    members = {"KOR+JPN": {410, 392}, "EU27": {276, 251}, "KOR+CHN+USA": {410, 156, 842}}[bloc]
    # by the exporter aggregate: members' exports less their trade with each other
    raw = pd.DataFrame(rows, columns=["e", "m", "p", "v"])
    inside = raw[raw.e.isin(members) & raw.m.isin(members)].groupby("p").v.sum()
    from straits.warehouse import aggregates
    from straits.warehouse.query import Query

    src = aggregates.ensure(wh, [2020])
    agg = wh.arrow(Query("t", f"SELECT product, sum(value_kusd) AS v FROM {src.exports} "
                              "WHERE list_contains($m, exporter) GROUP BY product",
                         {"m": sorted(members)})).to_pandas().set_index("product")["v"]
    via_agg = agg.astype(float).sub(inside, fill_value=0)
    via_agg = via_agg[via_agg.abs() > 1e-9 * max(1.0, raw.v.max())]
    via_flows = totals(wh, country=bloc).set_index("product")["exports_kusd"].astype(float)
    via_flows = via_flows[via_flows > 0]
    assert sorted(via_agg.index) == sorted(via_flows.index)
    np.testing.assert_allclose(via_agg.loc[via_flows.index], via_flows, rtol=1e-9, atol=1e-6)
    # and the RCA matrix's bloc row is the same exports
    r = rca(wh, country=bloc)
    assert set(r["product"]) == set(via_flows.index)
