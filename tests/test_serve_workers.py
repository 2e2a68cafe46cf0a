"""``facekg serve --workers 2``: a real server of two processes that answer alike, before and after a write."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from facekg.runtime import open_store
from facekg.settings import Settings
from ingest.load import load_records
from ingest.structured import read_study_records
from ontology import Ontology
from tests.browser_support import server_process
from tests.data import DEMO_STUDIES

pytestmark = pytest.mark.slow


def _workers(parent: int) -> list[int]:
    """The worker processes uvicorn's supervisor ``parent`` spawned (multiprocessing's spawn children)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(pid) for pid in children
            if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()]


def _answers(base: str, times: int) -> set[tuple[str, str]]:
    """(ETag, X-Facekg-Update) of ``/v1/conditions`` over ``times`` fresh connections (spread over workers)."""
    seen = set()
    for _ in range(times):
        response = httpx.get(f"{base}/v1/conditions", timeout=30)
        assert response.status_code == 200
        seen.add((response.headers["ETag"], response.headers["X-Facekg-Update"]))
    return seen


def test_two_workers_serve_one_revision_and_follow_a_write(tmp_path: Path, ontology: Ontology) -> None:
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, backend="memory")
    store = open_store(settings, create=True)
    try:
        load_records(store, read_study_records(DEMO_STUDIES), ontology, source="curated")
    finally:
        store.close()
    with server_process(data_dir, tmp_path / "serve.log", timeout=120, extra_args=["--workers", "2"]) as (
            base, process):
        deadline = time.monotonic() + 60
        while len(_workers(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_workers(process.pid)) == 2
        [(tag, update)] = _answers(base, 12)

        record = next(iter(read_study_records(DEMO_STUDIES))).model_copy(
            update={"id": "workers-test-study", "doi": None, "pmid": None, "title": "One more study"})
        writer = open_store(settings)
        try:
            load_records(writer, [record], ontology, source="a later search")
            new_update = writer.review_updates()[-1].id
        finally:
            writer.close()

        [(new_tag, seen_update)] = _answers(base, 12)
        assert seen_update == new_update != update
        assert new_tag != tag
        revalidated = httpx.get(f"{base}/v1/conditions", headers={"If-None-Match": new_tag}, timeout=30)
        assert revalidated.status_code == 304
