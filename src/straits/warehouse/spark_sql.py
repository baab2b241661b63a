"""DuckDB-dialect Straits SQL to Spark SQL: one sqlglot transpile per query shape, cached.

A :class:`~straits.warehouse.query.Query` keeps DuckDB text with ``$name`` parameters. Spark
binds most values natively (``spark.sql(text, args=...)``, ``:name`` markers): numbers and
strings as typed literals, lists as arrays. What Spark cannot bind is handled here, once per
*shape* (which parameters are ``None`` or empty lists), by rewriting the syntax tree:

- ``list_contains($p, x)`` with ``$p`` NULL is an untyped array in Spark (an analysis error),
  so the call becomes ``CAST(NULL AS BOOLEAN)``: ``($p IS NULL OR ...)`` stays TRUE;
- the same with ``$p = []`` becomes ``FALSE`` (an empty list matches nothing);
- any other NULL parameter becomes the literal ``NULL``; ``LIMIT NULL`` (DuckDB: no limit)
  and ``OFFSET NULL`` are dropped;
- tables attached to the query get a per-call name (``name__<token>``), so concurrent
  queries never see each other's temporary views;
- functions sqlglot leaves as DuckDB spells them are mapped: ``regexp_full_match(s, p)``
  becomes ``s RLIKE '^(?:p)$'``.

So the text sent to Spark never holds a caller's value either, and a query transpiles once
per shape however often it runs (the report runs the same builders dozens of times).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TOKEN = "straitsqtoken"
"""Stand-in for the per-call suffix of attached tables in cached text."""


class TranspileError(ValueError):
    """A query uses DuckDB syntax that has no Spark equivalent here."""


@dataclass(frozen=True)
class Plan:
    """A query's Spark text for one shape, and the parameters it still binds."""

    text: str
    params: tuple[str, ...]
    tables: tuple[str, ...]


def shape(params: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """What the rewrite depends on: each parameter's kind (null, empty list, list, scalar)."""
    def kind(v: Any) -> str:
        if v is None:
            return "null"
        if isinstance(v, list):
            return "list" if v else "empty"
        return "value"

    return tuple(sorted((k, kind(v)) for k, v in params.items()))


def _rewrite(tree, kinds: dict[str, str], tables: frozenset[str]):
    from sqlglot import exp

    def name_of(node) -> str | None:
        if isinstance(node, exp.Placeholder) and node.this:
            return str(node.this)
        if isinstance(node, exp.Parameter):
            return node.name
        return None

    def fix(node):
        if isinstance(node, exp.ArrayContains):
            p = name_of(node.this)
            if p is not None and kinds.get(p) == "null":
                return exp.cast(exp.null(), "BOOLEAN")
            if p is not None and kinds.get(p) == "empty":
                return exp.false()
        if isinstance(node, exp.Is) and kinds.get(name_of(node.this) or "") == "empty":
            return exp.false()
        if isinstance(node, exp.Limit | exp.Offset) and kinds.get(name_of(node.expression) or "") == "null":
            return None
        p = name_of(node)
        if p is not None and kinds.get(p) == "null":
            return exp.null()
        if isinstance(node, exp.RegexpFullMatch):
            pattern = node.expression
            if not (isinstance(pattern, exp.Literal) and pattern.is_string):
                raise TranspileError("regexp_full_match needs a constant pattern on Spark")
            return exp.RegexpLike(this=node.this,
                                  expression=exp.Literal.string(f"^(?:{pattern.this})$"))
        if isinstance(node, exp.Table) and not node.db and node.name in tables:
            return exp.to_table(f"{node.name}__{TOKEN}").as_(node.alias_or_name)
        return node

    return tree.transform(fix)


def compile_query(sql: str, kinds: Mapping[str, str], tables: frozenset[str]) -> Plan:
    """Transpile ``sql`` for the given parameter ``kinds`` and attached table names."""
    import sqlglot
    from sqlglot import exp

    trees = sqlglot.parse(sql, read="duckdb")
    if len(trees) != 1 or trees[0] is None:
        raise TranspileError("a Straits query is exactly one statement")
    tree = _rewrite(trees[0], dict(kinds), tables)
    left = sorted({str(n.this) for n in tree.find_all(exp.Placeholder) if n.this})
    return Plan(tree.sql(dialect="spark"), tuple(left), tuple(sorted(tables)))


class PlanCache:
    """Thread-safe cache of :class:`Plan` by (text, shape, attached tables)."""

    def __init__(self, maxsize: int = 512) -> None:
        self._plans: dict[tuple, Plan] = {}
        self._lock = threading.Lock()
        self.maxsize = maxsize

    def get(self, sql: str, params: Mapping[str, Any], tables: frozenset[str]) -> Plan:
        """The plan of a query, transpiling it on first use of its shape."""
        kinds = shape(params)
        key = (sql, kinds, tables)
        with self._lock:
            hit = self._plans.get(key)
        if hit is not None:
            return hit
        plan = compile_query(sql, dict(kinds), tables)
        with self._lock:
            if len(self._plans) >= self.maxsize:
                self._plans.pop(next(iter(self._plans)))
            self._plans[key] = plan
        return plan

    def __len__(self) -> int:
        return len(self._plans)


def expression(sql: str) -> str:
    """One DuckDB SQL expression (no parameters) as Spark SQL, with the same fix-ups."""
    import sqlglot

    tree = _rewrite(sqlglot.parse_one(sql, read="duckdb"), {}, frozenset())
    return tree.sql(dialect="spark")
