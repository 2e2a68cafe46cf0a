"""The API on Neo4j when Neo4j is down: 503 problems with Retry-After, and recovery without a restart.

Runs its own throwaway server (``NEO4J_INSTANCE``) so stopping it never disturbs the suite's main server.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from graph.neo4j_connect import open_neo4j_store
from ingest.load import load_records
from ontology import load_ontology
from tests.data import study
from tests.test_neo4j_faults import Server, _free_port

pytestmark = pytest.mark.neo4j
PASSWORD = "facekg-api-faults-pw"


@pytest.fixture(scope="module")
def stopped_server() -> Server:
    """A server that is configured but not running yet (Neo4j down at API start-up)."""
    env = {**os.environ, "NEO4J_INSTANCE": f"api-faults-{os.getpid()}", "NEO4J_PASSWORD": PASSWORD,
           "NEO4J_PYTHON": sys.executable, "NEO4J_BOLT_PORT": str(_free_port())}
    return Server(int(env["NEO4J_BOLT_PORT"]), env)


@pytest.fixture(scope="module")
def client(stopped_server: Server) -> Iterator[TestClient]:
    settings = Settings(backend="neo4j", neo4j_uri=stopped_server.uri, neo4j_user="neo4j",
                        neo4j_password=PASSWORD)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _assert_unavailable(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["store"] == "unavailable"
    assert int(health.headers["Retry-After"]) > 0
    studies = client.get("/v1/studies")
    assert studies.status_code == 503
    assert studies.headers["content-type"].startswith("application/problem+json")
    assert int(studies.headers["Retry-After"]) > 0
    assert studies.json()["status"] == 503


def test_api_on_neo4j_down_at_start_up_answers_503_then_recovers_by_itself(
        client: TestClient, stopped_server: Server) -> None:
    _assert_unavailable(client)
    stopped_server.start()
    try:
        store = open_neo4j_store(stopped_server.uri, "neo4j", PASSWORD)
        load_records(store, [study("s1", doi="10.1/fault")], load_ontology(), source="test")
        store.close()
        assert client.get("/healthz").json()["store"] == "available"
        body = client.get("/v1/studies").json()
        assert [s["id"] for s in body["data"]] == ["s1"]

        stopped_server.stop()
        _assert_unavailable(client)
        stopped_server.start()
        assert client.get("/healthz").status_code == 200
    finally:
        stopped_server.stop()
