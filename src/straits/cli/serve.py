"""`straits serve`: the dashboard and the HTTP API v1 in one process (FastAPI + uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from straits.cli._common import DbOpt


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (1-65535).", min=1, max=65535)] = 8000,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Extra name accepted in the Host header (repeatable); loopback "
        "names always are. Needed when serving a LAN with --host 0.0.0.0.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Server processes (each keeps its "
                                         "own connection and cache).")] = 1,
    db: DbOpt = None,
) -> None:
    """Serve the dashboard at / and the API at /api/v1 (docs at /docs), offline."""
    import os

    import uvicorn

    from straits.api.app import create_app
    from straits.session import Session

    Session(db, read_only=True).close()  # a bad --db is one error now, not one per request
    typer.echo(f"Straits dashboard on http://{host}:{port}/ (API docs: /docs)", err=True)
    if workers == 1:
        uvicorn.run(create_app(db, hosts=allow_host or ()), host=host, port=port,
                    log_level="warning")
        return
    # worker processes build their own app from the environment (uvicorn's factory mode)
    if db is not None:
        os.environ["STRAITS_DB"] = str(db)
    if allow_host:
        os.environ["STRAITS_ALLOWED_HOSTS"] = ",".join(
            [*filter(None, os.environ.get("STRAITS_ALLOWED_HOSTS", "").split(",")), *allow_host])
    uvicorn.run("straits.api.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add `serve` to the top-level app."""
    app.command()(serve)
