"""The composition root: settings in, an open graph store out, for the API and the CLI alike.

This is the one place that knows both backends; what lies below it (``graph/``,
``ingest/``, ``analysis/``) is handed a store and never picks one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from facekg.settings import Settings

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jStore
    from graph.networkx_store import NetworkxStore
    from graph.store import GraphStore


def open_embedded_store(settings: Settings) -> NetworkxStore:
    """The embedded store kept under ``FACEKG_DATA_DIR``."""
    from graph.networkx_store import NetworkxStore

    return NetworkxStore(settings.data_dir)


def open_neo4j_store(settings: Settings) -> Neo4jStore:
    """A Neo4j store on a fresh driver (``store.close()`` closes it); refuses without ``NEO4J_PASSWORD``."""
    from graph.neo4j_connect import open_neo4j_store as open_store

    return open_store(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_secret(), settings.neo4j_database)


def open_store(settings: Settings) -> GraphStore:
    """The configured store: Neo4j when ``FACEKG_BACKEND=neo4j``, else the embedded one."""
    if settings.backend == "neo4j":
        return open_neo4j_store(settings)
    return open_embedded_store(settings)
