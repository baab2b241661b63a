"""Queries bind their values: no caller value ever appears in SQL text.

For every builder in ``straits.warehouse``, called with sentinel values, the sentinel must be
in ``params`` (or an attached table) and never in ``sql``; and the query must run on DuckDB.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from straits.warehouse import queries
from straits.warehouse.backend import sql_literal
from straits.warehouse.query import Query

SENTINEL_PRODUCT = "8112'9; DROP TABLE flows; --"


def test_flows_query_binds_values(session):
    q = queries.flows(years=[2023], exporters=[156], importers=[410],
                      products=[SENTINEL_PRODUCT], limit=7, offset=3)
    assert SENTINEL_PRODUCT not in q.sql and "2023" not in q.sql and "410" not in q.sql
    assert session.backend.arrow(q).num_rows == 0  # the odd product matches nothing, safely
    assert session.backend.arrow(queries.flows_count(
        years=[2023], exporters=[156], importers=[410], products=["811292"])).column(
            "n")[0].as_py() == 1


def test_optional_filters_mean_no_filter(session):
    everything = session.backend.arrow(queries.flows_count(
        years=None, exporters=None, importers=None, products=None)).column("n")[0].as_py()
    cat = session.backend.catalog().to_pylist()
    assert everything == sum(r["rows"] for r in cat if r["dataset"] == "baci") > 100_000


def test_empty_list_matches_nothing(session):
    q = queries.flows_count(years=[2024], exporters=[], importers=None, products=None)
    assert session.backend.arrow(q).column("n")[0].as_py() == 0


def test_query_params_are_plain_python():
    q = Query("t", "SELECT $a, $b", {"a": np.int64(3), "b": (1, 2)})
    assert q.params == {"a": 3, "b": [1, 2]} and type(q.params["a"]) is int


@pytest.mark.parametrize(("value", "literal"), [
    ("O'Brien", "'O''Brien'"),
    ("a''b", "'a''''b'"),
    (np.int32(5), "5"),
    (np.float64(1.5), "1.5"),
    (True, "TRUE"),
    (None, "NULL"),
    ((1, "x"), "(1, 'x')"),
])
def test_sql_literal(value, literal):
    assert sql_literal(value) == literal


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -math.inf, "a\x00b", np.float32("nan")])
def test_sql_literal_refuses_what_sql_cannot_hold(bad):
    with pytest.raises(ValueError):
        sql_literal(bad)


def test_sql_literal_round_trips_through_duckdb():
    import duckdb

    for text in ["plain", "it's", "''", "\\n", "한국", "日本", "semi;colon --"]:
        assert duckdb.sql(f"SELECT {sql_literal(text)} AS v").fetchall()[0][0] == text


def test_batches_stream_the_same_rows_as_arrow(wh):
    """``batches`` is ``arrow`` in pieces, on every engine: same rows, each batch bounded,
    bound parameters honoured (the Korean customs series, 2019 hydrogen fluoride lines)."""
    import pyarrow as pa

    from straits.warehouse import reporter_sql

    q = reporter_sql.monthly_imports_simple("KOR", ["2811"])
    whole = wh.arrow(q)
    parts = list(wh.batches(q, rows=1_000))
    assert whole.num_rows > 1_000 and len(parts) > 1
    assert all(b.num_rows <= 1_000 for b in parts)
    streamed = pa.Table.from_batches(parts)
    key = [("product", "ascending"), ("supplier", "ascending"), ("period", "ascending")]
    assert streamed.sort_by(key).equals(whole.sort_by(key))
    assert set(streamed.column("product").to_pylist()) <= {
        p for p in whole.column("product").to_pylist() if p.startswith("2811")}
