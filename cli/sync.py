"""``facekg sync --to neo4j|memory``: copy the graph between the embedded store and Neo4j.

Both stores come from the settings (``FACEKG_DATA_DIR``; ``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``, ``NEO4J_DATABASE``). The target is cleared first; the copy is verified
(identical export rows).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cli.errors import reported_errors
from cli.store import command_settings


class SyncTarget(StrEnum):
    neo4j = "neo4j"
    memory = "memory"


def sync(
    to: Annotated[SyncTarget, typer.Option("--to", help="the store to overwrite: neo4j or memory")],
    batch_size: Annotated[int, typer.Option(min=1, help="studies per write")] = 1000,
) -> None:
    """Copy every study, review update and concept from one backend to the other (the target is replaced)."""
    from facekg.runtime import open_embedded_store, open_neo4j_store
    from graph.sync import copy_store

    with reported_errors():
        settings = command_settings()
        neo4j_store = open_neo4j_store(settings)
        memory = open_embedded_store(settings, create=to is SyncTarget.memory)
        src, dst = (memory, neo4j_store) if to is SyncTarget.neo4j else (neo4j_store, memory)
        try:
            copied = copy_store(src, dst, batch_size=batch_size)
            stats = dst.stats()
        finally:
            neo4j_store.close()
            memory.close()
    where = {"memory": f"the embedded store in {settings.data_dir}",
             "neo4j": f"Neo4j at {settings.neo4j_uri} (database {settings.neo4j_database})"}
    source_name = "memory" if to is SyncTarget.neo4j else "neo4j"
    typer.echo(f"copied {copied} studies and {stats.review_updates} review updates from {where[source_name]} "
               f"to {where[to.value]}: {sum(stats.nodes.values())} nodes, {sum(stats.edges.values())} edges")


def register(app: typer.Typer) -> None:
    """Add ``sync``."""
    app.command("sync")(sync)
