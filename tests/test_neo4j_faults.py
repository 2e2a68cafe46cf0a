"""The Neo4j store when things go wrong: a dead server, a failing transaction, a server that comes back.

These tests start their OWN throwaway server (``NEO4J_INSTANCE=faults`` of
``scripts/neo4j-local.sh``, on a free port) so stopping it never disturbs the
server the rest of the suite uses. They need the jars (``scripts/neo4j-local.sh
fetch``) and Java 17; without them they fail and say so.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pytest

from facekg.errors import StoreError, StoreUnavailable
from graph.mapping import GraphRows, NodeRow
from graph.neo4j_connect import connect
from graph.neo4j_store import Neo4jStore
from graph.store import StudyQuery
from tests.store_fixtures import corpus, review_update, rich_study

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "neo4j-local.sh"
PASSWORD = "facekg-faults-pw"


@dataclass
class Server:
    """A second local server the tests may stop and start."""

    port: int
    env: dict[str, str]

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def _run(self, command: str) -> str:
        done = subprocess.run([str(SCRIPT), command], env=self.env, capture_output=True, text=True,
                              timeout=240, check=False)
        if done.returncode != 0:
            pytest.fail(f"scripts/neo4j-local.sh {command} failed ({done.returncode}):\n{done.stderr}",
                        pytrace=False)
        return done.stdout

    def start(self) -> None:
        out = self._run("start")
        assert f"NEO4J_URI={self.uri}" in out, f"server came up elsewhere: {out!r}"

    def stop(self) -> None:
        self._run("stop")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    env = {**os.environ, "NEO4J_INSTANCE": f"faults-{os.getpid()}", "NEO4J_PASSWORD": PASSWORD,
           "NEO4J_PYTHON": sys.executable, "NEO4J_BOLT_PORT": str(_free_port())}
    srv = Server(int(env["NEO4J_BOLT_PORT"]), env)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def driver(server: Server) -> Iterator[neo4j.Driver]:
    # Short timeouts: a dead server should be reported in seconds, not after 30 s of retries.
    drv = connect(server.uri, "neo4j", PASSWORD, connection_timeout=2.0, max_transaction_retry_time=1.0)
    yield drv
    drv.close()


def _rows(store: Neo4jStore) -> dict[str, Any]:
    return store.export_rows().as_jsonable()


def test_neo4j_faults_transaction_failing_in_its_last_batch_changes_nothing(driver: neo4j.Driver) -> None:
    store = Neo4jStore(driver, batch_size=2)
    store.clear()
    store.write(corpus(), review_update())
    before = _rows(store)
    # Neo4j cannot store a map as a property: the server rejects the last batch, after earlier ones ran.
    rows = GraphRows([NodeRow(f"gene:G{i}", "Gene", {"symbol": f"G{i}"}) for i in range(5)], [])
    rows.nodes.append(NodeRow("gene:BAD", "Gene", {"symbol": {"not": "storable"}}))  # type: ignore[dict-item]
    with pytest.raises(StoreError) as info:
        store.write_ontology(rows)
    assert not isinstance(info.value, StoreUnavailable)
    assert isinstance(info.value.__cause__, neo4j.exceptions.Neo4jError)
    assert _rows(store) == before

    # A study write whose last record names a missing review update: earlier deletes and merges roll back.
    rewritten = [rich_study(r.id, metrics=0, samples=0, review_update="u2") for r in corpus()]
    with pytest.raises(StoreError, match="nowhere"):
        store.write([*rewritten, rich_study("late", review_update="nowhere")],
                    review_update("u2", "2026-02-01T00:00:00+00:00"))
    assert _rows(store) == before


def test_neo4j_faults_dead_server_raises_unavailable_then_recovers(server: Server,
                                                                   driver: neo4j.Driver) -> None:
    store = Neo4jStore(driver)
    store.clear()
    store.write(corpus(), review_update())
    store.check()
    server.stop()
    try:
        with pytest.raises(StoreUnavailable):
            store.check()
        with pytest.raises(StoreUnavailable):
            store.get("s-2019")
        with pytest.raises(StoreUnavailable):
            store.query(StudyQuery())
        with pytest.raises(StoreUnavailable) as info:
            store.write([rich_study("x")], review_update())
        assert isinstance(info.value.__cause__, (neo4j.exceptions.ServiceUnavailable,
                                                 neo4j.exceptions.SessionExpired))
    finally:
        server.start()
    # Same store object, same driver: it reconnects. The throwaway server starts empty.
    store.check()
    assert store.query(StudyQuery()).total == 0
    store.write(corpus(), review_update())
    assert store.get("s-2019") == corpus()[0]
    assert store.stats().studies == 6
