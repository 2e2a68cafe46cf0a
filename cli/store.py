"""What the commands share: the ``--backend`` option, the settings and the store they open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer

from cli.errors import reported_errors
from facekg.runtime import open_store
from facekg.settings import Settings, load_settings
from graph.store import GraphStore


class Backend(StrEnum):
    memory = "memory"
    neo4j = "neo4j"


BackendOption = Annotated[Backend | None, typer.Option(help="store backend (default FACEKG_BACKEND)")]


def command_settings(backend: Backend | None = None) -> Settings:
    """The settings, read once for this command, with ``--backend`` on top."""
    return load_settings(backend=backend.value if backend is not None else None)


@contextmanager
def opened_store(backend: Backend | None = None, *, create: bool = False) -> Iterator[GraphStore]:
    """The configured store for one command, closed afterwards; errors end the command in one line.

    ``create``: the command writes, so a missing data directory is made (else it is an error).
    """
    with reported_errors():
        store = open_store(command_settings(backend), create=create)
        try:
            yield store
        finally:
            store.close()
