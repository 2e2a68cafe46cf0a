"""Building a Neo4j driver and store from settings: the only place facekg constructs a driver.

:class:`graph.neo4j_store.Neo4jStore` is handed a driver; the CLI and the API
call :func:`open_neo4j_store` with values from their settings.
"""

from __future__ import annotations

import neo4j

from facekg.errors import StoreError
from graph.neo4j_revision import DEFAULT_MAX_AGE
from graph.neo4j_store import Neo4jStore, translate_errors


def connect(uri: str, user: str, password: str, *, connection_timeout: float = 5.0,
            max_transaction_retry_time: float = 5.0) -> neo4j.Driver:
    """A driver for ``uri``; the short retry window keeps a down server from stalling requests for 30 s.

    Raises :class:`facekg.errors.StoreError` for a malformed URI.
    """
    with translate_errors(f"connect to {uri}"):
        try:
            return neo4j.GraphDatabase.driver(
                uri, auth=(user, password), connection_timeout=connection_timeout,
                max_transaction_retry_time=max_transaction_retry_time,
                # "Label/type/property does not exist yet" warnings are expected on a young graph.
                notifications_disabled_classifications=[neo4j.NotificationDisabledClassification.UNRECOGNIZED])
        except ValueError as exc:
            raise StoreError(f"NEO4J_URI {uri!r} is not a Neo4j URI (bolt://host:port or neo4j://...): "
                             f"{exc}") from exc


def open_neo4j_store(uri: str, user: str, password: str, database: str = "neo4j", *,
                     revision_max_age: float = DEFAULT_MAX_AGE) -> Neo4jStore:
    """A :class:`Neo4jStore` on a fresh driver; ``store.close()`` closes the driver.

    ``revision_max_age``: how stale a revision read from the server may be (see :mod:`graph.neo4j_revision`).
    """
    return Neo4jStore(connect(uri, user, password), database, revision_max_age=revision_max_age)
