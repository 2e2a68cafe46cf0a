"""Answers kept as bytes per revision, through the real app: exports built once, the revision watched cheaply.

A write goes through a second store opened on the same data directory (as ``facekg load`` would while the
server runs), so the server learns of it only from the store's files.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.caching import BUILDS_HEADER
from api.routers.exports import EXPORTS_CACHE
from facekg.runtime import open_store
from facekg.settings import Settings
from ingest.load import load_records
from ingest.structured import read_study_records
from ontology import Ontology
from tests.data import DEMO_STUDIES, demo_store_dir

EXPORT = "/v1/exports/csv"


@pytest.fixture
def writable_dir(tmp_path: Path, ontology: Ontology) -> Path:
    return demo_store_dir(tmp_path, ontology, limit=20)


@pytest.fixture
def live(writable_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=writable_dir, backend="memory"))) as client:
        yield client


def _write_one_more(data_dir: Path, ontology: Ontology, new_id: str) -> None:
    template = next(iter(read_study_records(DEMO_STUDIES)))
    record = template.model_copy(update={"id": new_id, "doi": None, "pmid": None, "title": f"Study {new_id}"})
    store = open_store(Settings(data_dir=data_dir, backend="memory"))
    try:
        load_records(store, [record], ontology, source="a later search")
    finally:
        store.close()


def test_an_export_is_built_once_per_revision_and_served_as_kept_bytes(live: TestClient, writable_dir: Path,
                                                                      ontology: Ontology) -> None:
    first = [live.get(EXPORT) for _ in range(3)]
    assert [r.status_code for r in first] == [200, 200, 200]
    assert [r.headers[BUILDS_HEADER] for r in first] == ["1", "1", "1"]
    assert first[0].content == first[1].content == first[2].content
    assert live.get(EXPORT, headers={"Accept-Encoding": "identity"}).content == first[0].content
    assert live.app.state.stored_answers.hits >= 3  # type: ignore[attr-defined]
    _write_one_more(writable_dir, ontology, "kept-export-new-study")
    after = [live.get(EXPORT) for _ in range(2)]
    assert [r.headers[BUILDS_HEADER] for r in after] == ["2", "2"], "a write makes exactly one new build"
    assert after[0].headers["ETag"] != first[0].headers["ETag"]
    with zipfile.ZipFile(io.BytesIO(after[0].content)) as tables:
        assert "kept-export-new-study" in tables.read("studies.csv").decode()


def test_concurrent_first_requests_share_one_build(live: TestClient) -> None:
    async def many() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=live.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://facekg.test") as client:
            return list(await asyncio.gather(*(client.get("/v1/exports/graphml") for _ in range(6))))

    responses = asyncio.run(many())
    assert {r.status_code for r in responses} == {200}
    assert {r.headers[BUILDS_HEADER] for r in responses} == {"1"}
    assert len({r.content for r in responses}) == 1


def test_reads_ask_the_store_for_its_revision_only_after_a_write(live: TestClient, writable_dir: Path,
                                                                 ontology: Ontology) -> None:
    answers = live.app.state.answers  # type: ignore[attr-defined]
    assert answers.watched
    live.get("/v1/conditions")
    reads = answers._watch.reads
    for path in ("/v1/conditions", "/v1/studies", "/healthz", "/v1/gaps/evidence", "/v1/conditions"):
        assert live.get(path).status_code == 200
    assert answers._watch.reads == reads, "no write: the revision came from the watch, not the store"
    before = live.get("/v1/conditions").headers["ETag"]
    _write_one_more(writable_dir, ontology, "kept-watch-new-study")
    assert live.get("/v1/conditions").headers["ETag"] != before
    assert answers._watch.reads == reads + 1


def test_per_user_and_failed_answers_are_not_kept(live: TestClient) -> None:
    kept = live.app.state  # type: ignore[attr-defined]
    live.get("/v1/studies/no-such-study")
    live.get("/v1/conditions", headers={"Authorization": "Bearer fkg_not.a-key"})
    stored = getattr(kept, "stored_answers", None)
    assert stored is None or not any("no-such-study" in key[2] or key[2] == "/v1/conditions"
                                     for key in stored._entries)
    assert live.get("/v1/studies/no-such-study").status_code == 404


def test_workers_share_an_export_through_the_data_dir(live: TestClient, writable_dir: Path) -> None:
    first = live.get("/v1/exports/jsonl")
    (kept,) = (writable_dir / EXPORTS_CACHE).glob("*.jsonl")
    written = kept.stat().st_mtime_ns
    with TestClient(create_app(Settings(data_dir=writable_dir, backend="memory"))) as other_worker:
        second = other_worker.get("/v1/exports/jsonl")
    assert second.content == first.content
    assert kept.stat().st_mtime_ns == written, "the second process read the first one's build"
