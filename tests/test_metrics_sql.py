"""The metrics SQL and the warehouse aggregates: bound values, both sources, rebuilds.

Every builder of :mod:`straits.warehouse.metrics_sql` is called with a sentinel product code
and checked to bind it (never in the text), to run on DuckDB over each aggregate source
(the in-memory build and the inline sub-query a Spark engine gets) with the same answer,
and to transpile to Spark SQL. The aggregates are checked against sums of the raw flows and
for being rebuilt when a year is re-ingested.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from straits.metrics._common import parties
from straits.warehouse import aggregates
from straits.warehouse import metrics_sql as q
from straits.warehouse.backend import to_dialect
from straits.warehouse.query import Query

ODD = "8112'9; DROP TABLE flows; --"
BOTH = ("exports", "imports")


def _builders(src, products):
    named = parties("EU27,KOR+JPN", param="p", func="t")
    pair = parties(["KOR", "EU27"], param="p", func="t")
    kw = {"years": [2024], "products": products}
    return [
        q.export_cells(src, level="hs6", **kw),
        q.export_cells(src, level="hs4", parties=named.table, **kw),
        q.market_shares(src, level="hs6", top=None, **kw),
        q.market_shares(src, level="hs2", top=2, parties=named.table,
                        labels=named.labels_table, **kw),
        q.concentration(src, level="hs6", **kw),
        q.concentration(src, level="hs6", parties=named.table, labels=named.labels_table,
                        by_party=True, **kw),
        q.concentration_by_importer(src, **kw),
        q.concentration_every_importer(level="hs4", **kw),
        q.totals(src, level="total", **kw),
        q.party_totals(level="hs6", parties=named.table, labels=named.labels_table, **kw),
        q.bilateral_sums(src, level="hs6", parties=pair.table, **kw),
    ]


def _sorted(t: pa.Table) -> list:
    rows = [tuple(None if v != v else (round(v, 6) if isinstance(v, float) else v)
                  for v in r.values()) for r in t.to_pylist()]
    return sorted(rows, key=repr)


def test_builders_bind_values_and_transpile(wh):
    for query in _builders(aggregates.ensure(wh, [2024], BOTH), [ODD]):
        assert isinstance(query, Query)
        assert ODD not in query.sql and "2024" not in query.sql
        assert wh.arrow(query).num_rows == 0, query.name   # the odd code matches nothing
        assert "SELECT" in to_dialect(query.sql, "spark"), query.name


def test_memory_and_inline_sources_agree(wh):
    mem = aggregates.ensure(wh, [2024], BOTH)
    assert mem.where in (("memory", "warehouse") if wh.dialect == "duckdb" else ("inline",))
    for a, b in zip(_builders(mem, None), _builders(aggregates.INLINE, None), strict=True):
        ta, tb = wh.arrow(a), wh.arrow(b)
        assert ta.num_rows > 0, a.name
        assert _sorted(ta) == _sorted(tb), a.name


def test_aggregates_match_the_flows(wh):
    src = aggregates.ensure(wh, [2023, 2024], BOTH)
    x = wh.arrow(Query("t", f"SELECT year, exporter, product, value_kusd FROM {src.exports}"
                            " WHERE year = 2024")).to_pandas()
    m = wh.arrow(Query("t", f"SELECT * FROM {src.imports} WHERE year = 2024")).to_pandas()
    f = wh.arrow(Query("t", "SELECT exporter, importer, product, value_kusd FROM flows "
                            "WHERE year = 2024")).to_pandas()
    want = f.groupby(["exporter", "product"])["value_kusd"].sum()
    got = x.set_index(["exporter", "product"])["value_kusd"]
    assert len(got) == len(want)
    np.testing.assert_allclose(got.loc[want.index], want, rtol=1e-12)
    g = f[f.value_kusd > 0].groupby(["importer", "product"])["value_kusd"]
    m = m.set_index(["importer", "product"]).loc[g.sum().index]
    np.testing.assert_allclose(m["import_kusd"], g.sum(), rtol=1e-12)
    np.testing.assert_allclose(m["import_sumsq_kusd2"], g.apply(lambda v: (v * v).sum()),
                               rtol=1e-12)
    np.testing.assert_array_equal(m["n_suppliers"], g.size())
    np.testing.assert_allclose(m["top_kusd"], g.max(), rtol=1e-12)
    top = f.sort_values(["value_kusd", "exporter"], ascending=[False, True]).drop_duplicates(
        ["importer", "product"]).set_index(["importer", "product"])["exporter"]
    np.testing.assert_array_equal(m["top_exporter"], top.loc[m.index])


def _tiny(tmp_path):
    from tests._tiny import tiny_warehouse

    flows = {2020: [(410, 392, "811292", 10.0), (156, 410, "811292", 5.0)],
             2021: [(410, 392, "811292", 20.0)]}
    return tiny_warehouse(tmp_path / "t.duckdb", [(410, "KOR"), (392, "JPN"), (156, "CHN")],
                          flows, {"811292": "x"})


BUILDS = Query("builds", "SELECT name, year, ingest_key FROM agg_builds ORDER BY 1, 2")


def test_built_once_into_the_file_and_rebuilt_after_a_reingest(tmp_path):
    import os

    s = _tiny(tmp_path)
    try:
        wh = s.backend
        inode = os.stat(s.path).st_ino
        assert aggregates.ensure(wh, [2020, 2021], BOTH).where == "warehouse"
        assert os.stat(s.path).st_ino != inode          # written through the writer's swap
        first = wh.arrow(BUILDS).to_pylist()
        assert len(first) == 4
        inode = os.stat(s.path).st_ino
        aggregates.ensure(wh, [2020], BOTH)             # current: nothing rebuilt or written
        assert os.stat(s.path).st_ino == inode and wh.arrow(BUILDS).to_pylist() == first
        with wh.writing("re-ingest 2020") as con:        # a re-ingest of 2020
            con.execute("UPDATE flows SET value_kusd = 99 WHERE year = 2020 AND exporter = 410")
            con.execute("UPDATE releases SET loaded_at = now() + INTERVAL 1 DAY "
                        "WHERE year = 2020")
        src = aggregates.ensure(wh, [2020, 2021], BOTH)
        after = wh.arrow(BUILDS).to_pylist()
        assert [r for r in after if r["year"] == 2021] == [r for r in first if r["year"] == 2021]
        old20 = {r["ingest_key"] for r in first if r["year"] == 2020}
        assert {r["ingest_key"] for r in after if r["year"] == 2020}.isdisjoint(old20)
        v = wh.arrow(Query("t", f"SELECT value_kusd FROM {src.exports} WHERE year = 2020 "
                                "AND exporter = 410")).column("value_kusd").to_pylist()
        assert v == [99.0]
    finally:
        s.close()


def test_memory_when_the_file_cannot_be_written(tmp_path, monkeypatch):
    import os

    from straits.warehouse import write

    s = _tiny(tmp_path)
    try:
        with write.lock(s.path, command="another writer"):   # an ingest is running
            assert aggregates.ensure(s.backend, [2020]).where == "memory"
        monkeypatch.setenv(aggregates.ENV, "memory")
        assert aggregates.ensure(s.backend, [2021]).where == "memory"
        monkeypatch.delenv(aggregates.ENV)
        os.chmod(tmp_path, 0o500)                             # a read-only folder
        try:
            if not os.access(tmp_path, os.W_OK):              # (root may write anyway)
                assert aggregates.ensure(s.backend, [2021], BOTH).where == "memory"
        finally:
            os.chmod(tmp_path, 0o700)
        assert not s.backend.has_table("agg_builds")          # nothing was written
    finally:
        s.close()


def test_read_only_warehouse_gets_memory_tables(session):
    assert session.read_only
    assert aggregates.ensure(session.backend, [2024], BOTH).where in ("memory", "warehouse")


@pytest.mark.parametrize("bad", ["EU27,DEU", "KOR+JPN,KOR"])
def test_overlapping_parties_are_refused(bad):
    from straits.errors import ParameterError

    with pytest.raises(ParameterError, match="do not overlap"):
        parties(bad, param="importer", func="t")


def test_only_the_tables_asked_for_are_built(tmp_path, monkeypatch):
    monkeypatch.setenv(aggregates.ENV, "memory")
    s = _tiny(tmp_path)
    try:
        src = aggregates.ensure(s.backend, [2020])            # what RCA and ECI need
        assert src.exports == aggregates.MEMORY.exports
        assert src.imports == aggregates.INLINE.imports       # not built: read inline
        names = s.backend.arrow(Query("t", "SELECT DISTINCT name FROM straits_mem.agg_builds"))
        assert names.column("name").to_pylist() == ["agg_exports"]
        both = aggregates.ensure(s.backend, [2020], BOTH)
        assert (both.exports, both.imports) == (aggregates.MEMORY.exports,
                                                aggregates.MEMORY.imports)
    finally:
        s.close()
