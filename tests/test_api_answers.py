"""Answers kept per store revision, through the real app: paged lists, Link, ETag and 304, gzip, and a write.

A write goes through a second store opened on the same data directory, as ``facekg load`` would while the
server runs, so the server only learns of it from the store's revision.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.records import StudyRecord
from facekg.runtime import open_store
from facekg.settings import Settings
from ingest.load import load_records
from ingest.structured import read_study_records
from ontology import Ontology
from tests.data import DEMO_STUDIES, demo_store_dir

LISTS = ["/v1/studies", "/v1/conditions", "/v1/causes", "/v1/updates", "/v1/exports", "/v1/gaps/evidence",
         "/v1/gaps/bias-reporting", "/v1/gaps/bias-reporting/studies", "/v1/gaps/map"]


@pytest.fixture
def writable_dir(tmp_path: Path, ontology: Ontology) -> Path:
    """A data directory of its own holding the curated demo corpus (tests here write to it)."""
    return demo_store_dir(tmp_path, ontology)


@pytest.fixture
def live(writable_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=writable_dir, backend="memory"))) as client:
        yield client


def _add_study_like(data_dir: Path, ontology: Ontology, template: StudyRecord, new_id: str) -> str:
    """Write one more study with ``template``'s conditions through a second store; the new update's id."""
    record = template.model_copy(update={"id": new_id, "doi": None, "pmid": None,
                                         "title": f"A further study {new_id} of the same conditions"})
    store = open_store(Settings(data_dir=data_dir, backend="memory"))
    try:
        load_records(store, [record], ontology, source="a later search")
        return store.review_updates()[-1].id
    finally:
        store.close()


@pytest.mark.parametrize("path", LISTS)
def test_every_list_endpoint_is_a_paged_envelope_with_links(client: TestClient, path: str) -> None:
    response = client.get(path, params={"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["limit"] == 2 and body["offset"] == 0
    assert len(body["data"]) == min(2, body["count"])
    assert body["review_update"] == response.headers["X-Facekg-Update"] != "none"
    assert "offset=0" in response.links["first"]["url"]
    assert "prev" not in response.links
    assert ("next" in response.links) == (body["count"] > 2)


def test_following_next_links_visits_every_item_once(client: TestClient) -> None:
    everything = [c["id"] for c in client.get("/v1/conditions").json()["data"]]
    seen: list[str] = []
    url: str | None = "/v1/conditions?limit=7"
    while url:
        response = client.get(url)
        seen += [c["id"] for c in response.json()["data"]]
        url = response.links.get("next", {}).get("url")
    assert seen == everything
    assert len(everything) > 7
    last = client.get("/v1/conditions", params={"limit": 7, "offset": 7})
    assert "offset=0" in last.links["prev"]["url"]
    assert "offset=" + str((len(everything) - 1) // 7 * 7) in last.links["last"]["url"]


def test_a_page_past_the_end_is_empty_but_counts(client: TestClient) -> None:
    body = client.get("/v1/gaps/evidence", params={"offset": 100000}).json()
    assert body["data"] == [] and body["count"] > 0


def test_bias_ledger_pages_walk_the_whole_ledger_in_study_order(client: TestClient) -> None:
    summary = client.get("/v1/gaps/bias-reporting").json()
    ids: list[str] = []
    for offset in range(0, summary["study_count"], 10):
        ids += [row["study_id"] for row in client.get("/v1/gaps/bias-reporting/studies",
                                                      params={"offset": offset, "limit": 10}).json()["data"]]
    assert len(ids) == summary["study_count"] > 10
    assert ids == sorted(ids)


def test_etag_revalidation_answers_304_without_a_body(client: TestClient) -> None:
    first = client.get("/v1/conditions")
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')
    again = client.get("/v1/conditions", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == tag
    assert again.headers["X-Facekg-Update"] == first.headers["X-Facekg-Update"]
    other = client.get("/v1/conditions", headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200


def test_etags_differ_between_representations(client: TestClient) -> None:
    json_tag = client.get("/v1/conditions", headers={"Accept": "application/json"}).headers["ETag"]
    page = client.get("/conditions", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["ETag"] != json_tag
    assert "Accept" in page.headers["Vary"]


def test_errors_carry_the_update_but_no_etag(client: TestClient) -> None:
    response = client.get("/v1/studies/no-such-study")
    assert response.status_code == 404
    assert "ETag" not in response.headers
    assert response.headers["X-Facekg-Update"] != "none"


def test_large_answers_are_gzip_compressed_when_the_client_accepts_it(client: TestClient) -> None:
    with client.stream("GET", "/v1/conditions", headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["Content-Encoding"] == "gzip"
    plain = client.get("/v1/conditions", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert json.loads(gzip.decompress(raw)) == plain.json()
    assert len(raw) < len(plain.content) / 3


def test_answers_are_kept_until_a_write_and_recomputed_after(live: TestClient, writable_dir: Path,
                                                             ontology: Ontology) -> None:
    answers = live.app.state.answers  # type: ignore[attr-defined]
    before = live.get("/v1/conditions")
    computed = answers.computed
    assert live.get("/v1/conditions").json() == before.json()
    assert answers.computed == computed, "a second read of the same revision computes nothing"

    template = next(s for s in read_study_records(DEMO_STUDIES) if s.conditions and s.conditions[0].concept_id
                    and not s.retracted)
    condition_id = template.conditions[0].concept_id
    counts = {c["id"]: c["study_count"] for c in before.json()["data"]}
    update_id = _add_study_like(writable_dir, ontology, template, "answers-test-new-study")

    after = live.get("/v1/conditions", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "the write changed the revision, so the old tag no longer matches"
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.headers["X-Facekg-Update"] == after.json()["review_update"] == update_id
    assert {c["id"]: c["study_count"] for c in after.json()["data"]}[condition_id] == counts[condition_id] + 1
    assert answers.computed > computed
    assert live.get("/v1/studies/answers-test-new-study").status_code == 200


def test_the_website_reads_the_same_kept_answers(live: TestClient, writable_dir: Path, ontology: Ontology) -> None:
    html = {"Accept": "text/html"}
    live.get("/conditions", headers=html)
    answers = live.app.state.answers  # type: ignore[attr-defined]
    computed = answers.computed
    live.get("/v1/conditions")
    live.get("/conditions", headers=html)
    assert answers.computed == computed
    template = next(s for s in read_study_records(DEMO_STUDIES) if not s.retracted)
    _add_study_like(writable_dir, ontology, template, "answers-test-page-study")
    assert "answers-test-page-study" in live.get("/studies", params={"limit": 500, "q": "further study"},
                                                 headers=html).text


def test_gap_map_pictures_are_drawn_once_per_revision(live: TestClient, writable_dir: Path,
                                                      ontology: Ontology) -> None:
    answers = live.app.state.answers  # type: ignore[attr-defined]
    first = live.get("/v1/gaps/map", params={"rows": "cause", "format": "svg"})
    computed = answers.computed
    second = live.get("/v1/gaps/map", params={"rows": "cause", "format": "svg"})
    assert second.content == first.content and answers.computed == computed
    template = next(s for s in read_study_records(DEMO_STUDIES) if s.conditions and not s.retracted)
    _add_study_like(writable_dir, ontology, template, "answers-test-map-study")
    live.get("/v1/gaps/map", params={"rows": "cause", "format": "svg"})
    assert answers.computed > computed


def test_httpx_parses_our_link_header_as_rfc_8288(client: TestClient) -> None:
    header = client.get("/v1/studies", params={"limit": 5, "offset": 5}).headers["Link"]
    links = httpx.Response(200, headers={"Link": header}).links
    assert set(links) == {"first", "prev", "next", "last"}
    assert all(link["url"].startswith("http") and "limit=5" in link["url"] for link in links.values())
