"""Dashboard pages (placeholder while the pages are built)."""

from __future__ import annotations

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    """Add the dashboard's routes and static files to ``app``."""
