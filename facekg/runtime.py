"""The composition root: settings in, an open graph store out, for the API and the CLI alike.

This is the one place that knows both backends; what lies below it (``graph/``,
``ingest/``, ``analysis/``) is handed a store and never picks one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from facekg.settings import Settings

if TYPE_CHECKING:
    from graph.sqlite_store import SqliteStore
    from graph.store import GraphStore


def open_embedded_store(settings: Settings, *, create: bool = False) -> SqliteStore:
    """The embedded store kept under ``FACEKG_DATA_DIR`` (``facekg.sqlite3``).

    ``create``: writing commands make a missing data directory; for everything else a
    missing one is an error (a typo in the setting must not look like an empty review).
    A graph file of the old JSON store found there is migrated first (:mod:`graph.migrate`).
    """
    from graph.migrate import migrate_if_needed
    from graph.sqlite_store import SqliteStore

    migrate_if_needed(settings.data_dir)
    return SqliteStore(settings.data_dir, create=create)


def open_neo4j_store(settings: Settings) -> GraphStore:
    """A Neo4j store on a fresh driver (``store.close()`` closes it); refuses without ``NEO4J_PASSWORD``."""
    from graph.neo4j_connect import open_neo4j_store as open_store

    # Neo4jStore gains revision() and the history verbs on the `neo4j` branch (issue 9); until that is
    # merged the cast keeps the types honest everywhere else and only those three calls fail on Neo4j.
    store = open_store(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_secret(), settings.neo4j_database,
                       revision_max_age=settings.neo4j_revision_max_age)
    return cast("GraphStore", store)


def open_store(settings: Settings, *, create: bool = False) -> GraphStore:
    """The configured store: Neo4j when ``FACEKG_BACKEND=neo4j``, else the embedded one (see ``create`` there)."""
    if settings.backend == "neo4j":
        return open_neo4j_store(settings)
    return open_embedded_store(settings, create=create)
