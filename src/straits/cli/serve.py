"""`straits serve`: the read-only HTTP API (FastAPI + uvicorn, the optional `api` extra)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the report and the analytical tables as a JSON API (docs at /docs)."""
    try:
        import uvicorn
    except ImportError:
        typer.echo("Error: the API needs the optional extra: pip install 'straits[api]'", err=True)
        raise typer.Exit(2) from None
    uvicorn.run("straits.api.app:app", host=host, port=port)


def register(app: typer.Typer) -> None:
    """Add `serve` to the top-level app."""
    app.command()(serve)
