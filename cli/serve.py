"""``facekg serve``: the REST API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.errors import reported_errors
from cli.store import BackendOption, command_settings


def serve(
    host: Annotated[str | None, typer.Option(help="interface (default FACEKG_HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default FACEKG_PORT or 8000)")] = None,
    backend: BackendOption = None,
) -> None:
    """Serve the REST API (under /v1, docs at /docs) with uvicorn."""
    import uvicorn

    from api.app import create_app

    with reported_errors():
        settings = command_settings(backend)
        app = create_app(settings)
    uvicorn.run(app, host=host or settings.host, port=port or settings.port, log_level="info")


def register(app: typer.Typer) -> None:
    """Add ``serve``."""
    app.command("serve")(serve)
