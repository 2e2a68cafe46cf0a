"""The Neo4j store's kept revision (graph/neo4j_revision.py): one read per interval, shared, never stale after a write.

The poll is exercised with real threads and the real clock; the API tests run the real app on the real
Neo4j: kept reads ask Neo4j nothing, a write through the API is seen by the very next read, and a write
by another process (``facekg load``) is seen once the documented bound has passed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.errors import StoreUnavailable
from facekg.settings import Settings
from graph.neo4j_revision import DEFAULT_MAX_AGE, RevisionPoll
from graph.neo4j_store import Neo4jStore
from ingest.load import load_records
from ontology import Ontology
from tests.browser_support import server_process
from tests.data import study
from tests.review_http import auth, reviewers
from tests.store_fixtures import neo4j_driver_fixture, neo4j_settings, neo4j_store_fixture  # noqa: F401
from tests.test_serve_workers import _workers

FACEKG = str(Path(sys.executable).parent / "facekg")


class Server:
    """A revision source that counts its reads and can hold one open until released."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.asked = 0
        self.hold = threading.Event()
        self.hold.set()
        self.inside = threading.Event()

    def read(self) -> str:
        self.asked += 1
        value = self.values[min(self.asked, len(self.values)) - 1]
        self.inside.set()
        self.hold.wait(30)
        if value == "down":
            raise StoreUnavailable("the server is down")
        return value


def test_revision_poll_concurrent_readers_share_one_read() -> None:
    server = Server(["r1"])
    server.hold.clear()
    poll = RevisionPoll(server.read, max_age=3600)
    seen: list[str] = []
    threads = [threading.Thread(target=lambda: seen.append(poll.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    assert server.inside.wait(30)
    server.hold.set()
    for thread in threads:
        thread.join(30)
    assert seen == ["r1"] * 8
    assert server.asked == 1 and poll.reads == 1
    assert poll.get() == "r1" and server.asked == 1  # kept while fresh


def test_revision_poll_is_asked_again_after_max_age_and_every_time_at_zero() -> None:
    server = Server(["r1", "r2"])
    poll = RevisionPoll(server.read, max_age=0.2)
    assert poll.get() == "r1" and poll.get() == "r1"
    assert poll.fresh
    time.sleep(0.2)
    assert not poll.fresh
    assert poll.get() == "r2" and server.asked == 2
    always = RevisionPoll(Server(["a", "b", "c"]).read, max_age=0)
    assert [always.get(), always.get(), always.get()] == ["a", "b", "c"]


def test_revision_poll_a_read_begun_before_a_write_is_neither_joined_nor_kept() -> None:
    server = Server(["before the write", "after the write"])
    server.hold.clear()
    poll = RevisionPoll(server.read, max_age=3600)
    early: list[str] = []
    reader = threading.Thread(target=lambda: early.append(poll.get()))
    reader.start()
    assert server.inside.wait(30)  # the first read is on the wire
    poll.invalidate()  # this process committed a write meanwhile
    server.hold.set()
    assert poll.get() == "after the write"  # a read of its own, not the one in flight
    reader.join(30)
    assert early == ["before the write"]
    assert poll.get() == "after the write" and server.asked == 2


def test_revision_poll_shares_an_error_and_never_keeps_it() -> None:
    server = Server(["down", "r1"])
    poll = RevisionPoll(server.read, max_age=3600)
    with pytest.raises(StoreUnavailable, match="down"):
        poll.get()
    assert not poll.fresh
    assert poll.get() == "r1" and server.asked == 2


def test_revision_poll_refuses_a_negative_max_age() -> None:
    with pytest.raises(ValueError, match="max_age"):
        RevisionPoll(lambda: "r", max_age=-1)


# -- the real app on the real Neo4j ------------------------------------------------------------------
def _settings(data_dir: Path, max_age: float) -> Settings:
    uri, user, password, database = neo4j_settings()
    return Settings(backend="neo4j", data_dir=data_dir, neo4j_uri=uri, neo4j_user=user, neo4j_password=password,
                    neo4j_database=database, neo4j_revision_max_age=max_age)


def _ids(client: TestClient) -> list[str]:
    response = client.get("/v1/studies")
    assert response.status_code == 200, response.text
    return sorted(s["id"] for s in response.json()["data"])


@pytest.mark.neo4j
def test_api_on_neo4j_kept_reads_ask_nothing_and_an_api_write_is_seen_at_once(
        tmp_path: Path, neo4j_store: Neo4jStore, ontology: Ontology) -> None:
    load_records(neo4j_store, [study("s1"), study("s2")], ontology, source="test")
    keys = reviewers(tmp_path, ("AB", "reviewer"))
    with TestClient(create_app(_settings(tmp_path, max_age=3600))) as client:
        updates = client.get("/v1/updates").json()["count"]
        poll = client.app.state.store.inner.revision_poll  # type: ignore[attr-defined]
        reads = poll.reads
        for url in ("/healthz", "/v1/studies", "/v1/studies/s1", "/v1/conditions", "/v1/gaps/evidence") * 5:
            assert client.get(url).status_code == 200, url
        assert poll.reads == reads  # every kept read answered without a round trip for the revision

        tag = client.get("/v1/updates").headers["ETag"]
        screening = client.get("/v1/studies/s1").json()["screening"]
        decision = {"stage": "title-abstract", "decision": "exclude", "reason": "not-deep-learning"}
        assert client.post("/v1/studies/s1/screening", json=decision,
                           headers=auth(keys["AB"])).status_code == 201
        after = client.get("/v1/updates")  # the very next read, well within max_age
        assert after.json()["count"] == updates + 1
        assert after.headers["ETag"] != tag
        assert client.get("/v1/studies/s1").json()["screening"] != screening
        assert poll.reads > reads  # asked the server again because of the write, not because of time


@pytest.mark.neo4j
def test_api_on_neo4j_sees_a_write_by_another_process_within_the_bound(
        tmp_path: Path, neo4j_store: Neo4jStore, ontology: Ontology) -> None:
    load_records(neo4j_store, [study("s1")], ontology, source="test")
    max_age = 0.5
    with TestClient(create_app(_settings(tmp_path / "data", max_age=max_age))) as client:
        assert _ids(client) == ["s1"]
        tag = client.get("/v1/studies").headers["ETag"]
        more = tmp_path / "more.jsonl"
        more.write_text(study("s2").model_dump_json() + "\n", encoding="utf-8")
        uri, user, password, database = neo4j_settings()
        env = {**os.environ, "FACEKG_BACKEND": "neo4j", "FACEKG_DATA_DIR": str(tmp_path / "data"),
               "NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password, "NEO4J_DATABASE": database}
        result = subprocess.run([FACEKG, "load", str(more)], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        time.sleep(max_age)  # the bound: the server's last read of the revision is now at least this old
        assert _ids(client) == ["s1", "s2"]
        assert client.get("/v1/studies").headers["ETag"] != tag


def _updates(base: str, times: int) -> set[tuple[str, str]]:
    """(ETag, X-Facekg-Update) of ``/v1/conditions`` over ``times`` fresh connections (spread over workers)."""
    seen = set()
    for _ in range(times):
        response = httpx.get(f"{base}/v1/conditions", timeout=30)
        assert response.status_code == 200, response.text
        seen.add((response.headers["ETag"], response.headers["X-Facekg-Update"]))
    return seen


@pytest.mark.neo4j
@pytest.mark.slow
def test_two_neo4j_workers_see_an_api_write_at_once_and_another_process_within_the_bound(
        tmp_path: Path, neo4j_store: Neo4jStore, ontology: Ontology) -> None:
    """Each worker keeps its own revision; the API's writes also commit to the review workspace, whose
    revision every worker reads per request, so both answer them at once (their tags agree again within
    the bound); a load by another process is seen by both once the bound (the default, 1 s) has passed."""
    load_records(neo4j_store, [study("s1"), study("s2")], ontology, source="test")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    keys = reviewers(data_dir, ("AB", "reviewer"))
    with server_process(data_dir, tmp_path / "serve.log", timeout=120,
                        extra_args=["--backend", "neo4j", "--workers", "2"]) as (base, process):
        deadline = time.monotonic() + 60
        while len(_workers(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_workers(process.pid)) == 2
        [(tag, update)] = _updates(base, 12)

        decision = {"stage": "title-abstract", "decision": "exclude", "reason": "not-deep-learning"}
        written = httpx.post(f"{base}/v1/studies/s1/screening", json=decision, headers=auth(keys["AB"]), timeout=30)
        assert written.status_code == 201, written.text
        seen = _updates(base, 12)  # at once, on both workers
        assert {update_id for _tag, update_id in seen} == {neo4j_store.review_updates()[-1].id} != {update}
        assert tag not in {seen_tag for seen_tag, _update_id in seen}
        time.sleep(DEFAULT_MAX_AGE)  # a worker that did not write tags with the graph revision it read last
        [(api_tag, api_update)] = _updates(base, 12)

        load_records(neo4j_store, [study("s3")], ontology, source="another process")
        time.sleep(DEFAULT_MAX_AGE)
        [(load_tag, load_update)] = _updates(base, 12)
        assert load_update == neo4j_store.review_updates()[-1].id != api_update
        assert load_tag != api_tag
