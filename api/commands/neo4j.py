"""``facekg sync --to neo4j|memory``: copy the graph between the embedded store and Neo4j.

Settings come from the environment as everywhere else (``FACEKG_DATA_DIR``,
``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``).
The target is cleared first; the copy is verified (identical export rows).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from facekg.errors import FacekgError


class SyncTarget(StrEnum):
    neo4j = "neo4j"
    memory = "memory"


def sync(
    to: Annotated[SyncTarget, typer.Option("--to", help="the store to overwrite: neo4j or memory")],
    batch_size: Annotated[int, typer.Option(min=1, help="studies per write")] = 1000,
) -> None:
    """Copy every study, review update and concept from one backend to the other (the target is replaced)."""
    from api.settings import Settings
    from graph.neo4j_connect import open_neo4j_store
    from graph.networkx_store import NetworkxStore
    from graph.sync import copy_store

    settings = Settings()
    memory = NetworkxStore(settings.data_dir)
    try:
        neo4j_store = open_neo4j_store(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                                       settings.neo4j_database)
    except FacekgError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from exc
    src, dst = (memory, neo4j_store) if to is SyncTarget.neo4j else (neo4j_store, memory)
    where = {"memory": f"the embedded store in {settings.data_dir}",
             "neo4j": f"Neo4j at {settings.neo4j_uri} (database {settings.neo4j_database})"}
    source_name = "memory" if to is SyncTarget.neo4j else "neo4j"
    try:
        copied = copy_store(src, dst, batch_size=batch_size)
        stats = dst.stats()
    except FacekgError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from exc
    finally:
        neo4j_store.close()
        memory.close()
    typer.echo(f"copied {copied} studies and {stats.review_updates} review updates from {where[source_name]} "
               f"to {where[to.value]}: {sum(stats.nodes.values())} nodes, {sum(stats.edges.values())} edges")


def register(app: typer.Typer) -> None:
    """Add ``facekg sync`` to the CLI."""
    app.command("sync")(sync)
