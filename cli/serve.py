"""``facekg serve``: the REST API and website under uvicorn, one process per CPU unless told otherwise."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.errors import reported_errors
from cli.store import BackendOption, command_settings
from facekg.settings import variable_name

APP_FACTORY = "api.app:app_from_environment"


def serve(
    host: Annotated[str | None, typer.Option(help="interface (default FACEKG_HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default FACEKG_PORT or 8000)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="server processes (default FACEKG_WORKERS, "
                                                                    "else one per CPU)")] = None,
    backend: BackendOption = None,
    access_log: Annotated[bool, typer.Option(help="log every request (off for load tests)")] = True,
) -> None:
    """Serve the REST API (under /v1, docs at /docs) and the website with uvicorn.

    With more than one worker, each process opens the store itself and keeps its own answers; they agree
    because answers are keyed by the store's revision, which every process reads the same.
    """
    import uvicorn

    from api.app import create_app

    with reported_errors():
        settings = command_settings(backend)
        count = workers or settings.worker_count()
        app = create_app(settings)
    bind = {"host": host or settings.host, "port": port or settings.port, "log_level": "info",
            "access_log": access_log}
    if count == 1:
        uvicorn.run(app, **bind)  # type: ignore[arg-type]
        return
    # Worker processes import the app by name and read the settings from the environment: pass --backend on.
    if backend is not None:
        os.environ[variable_name("backend")] = backend.value
    uvicorn.run(APP_FACTORY, factory=True, workers=count, **bind)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add ``serve``."""
    app.command("serve")(serve)
