"""Opening the configured graph store: the one place that knows both backends."""

from __future__ import annotations

from api.settings import Settings
from graph.networkx_store import NetworkxStore
from graph.store import GraphStore


def open_store(settings: Settings) -> GraphStore:
    """The embedded store under ``FACEKG_DATA_DIR``, or Neo4j when ``FACEKG_BACKEND=neo4j``."""
    if settings.backend == "neo4j":
        from graph.neo4j_connect import open_neo4j_store

        return open_neo4j_store(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                                settings.neo4j_database)
    return NetworkxStore(settings.data_dir)
