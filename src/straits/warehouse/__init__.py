"""Warehouse: schema, atomic loads and the relational queries, kept in one place."""
