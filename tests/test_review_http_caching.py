"""Kept answers and entity tags follow the review: a reviewer's write changes them, and so does the counting rule.

The answers cache (:mod:`analysis.answers`) and the ETags (:mod:`api.caching`) key on the store's revision;
what counts also depends on the review workspace and on ``counting=``, so both are part of the key.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from tests.review_http import auth, reviewers, writable_copy

STUDY = "gurovich-2019-deepgestalt"
GAPS = "/v1/gaps/bias-reporting"


@pytest.fixture(scope="module")
def review(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[TestClient, dict[str, str]]]:
    data_dir = writable_copy(demo_data_dir, tmp_path_factory.mktemp("caching") / "data")
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"), ("CD", "reviewer"))
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        yield client, keys


def revalidated(client: TestClient, url: str, tag: str) -> int:
    return client.get(url, headers={"If-None-Match": tag}).status_code


def test_a_consensus_exclusion_changes_the_gaps_their_etag_and_every_count(
        review: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = review
    before = client.get(GAPS)
    assert before.status_code == 200 and STUDY in before.text
    tag = before.headers["ETag"]
    assert revalidated(client, GAPS, tag) == 304  # unchanged review: the kept answer is still good
    overview = client.get("/v1/overview").json()["studies"]
    counted_ids = {s["id"] for s in client.get("/v1/studies", params={"limit": 500}).json()["data"]}
    assert STUDY in counted_ids

    tags = [tag]
    for reviewer, decision in (("AB", "exclude"), ("CD", "include")):
        body = {"stage": "title-abstract", "decision": decision,
                **({"reason": "not-deep-learning"} if decision == "exclude" else {})}
        assert client.post(f"/v1/studies/{STUDY}/screening", json=body,
                           headers=auth(keys[reviewer])).status_code == 201
        tags.append(client.get(GAPS).headers["ETag"])
    assert len(set(tags)) == 3  # each reviewer's write is a new revision of the review
    assert STUDY in client.get(GAPS).text  # reviewers disagree: provisionally still counted

    resolved = client.post(f"/v1/studies/{STUDY}/screening/consensus", headers=auth(keys["Admin"]),
                           json={"stage": "title-abstract", "decision": "exclude", "reason": "not-deep-learning"})
    assert resolved.status_code == 201, resolved.text
    for old in tags:
        assert revalidated(client, GAPS, old) == 200
    after = client.get(GAPS)
    assert after.headers["ETag"] not in tags
    assert STUDY not in after.text
    assert client.get("/v1/overview").json()["studies"] == overview - 1
    assert STUDY not in {s["id"] for s in client.get("/v1/studies", params={"limit": 500}).json()["data"]}
    for url in ("/v1/gaps/map", "/v1/gaps/evidence", "/v1/conditions?limit=500"):
        assert STUDY not in client.get(url).text, url

    excluded = client.get("/v1/studies", params={"screening": "excluded", "limit": 500})
    assert excluded.status_code == 200
    by_id = {s["id"]: s["screening"]["review_reasons"] for s in excluded.json()["data"]}
    assert by_id == {STUDY: ["not-deep-learning"]}


def test_the_counting_rule_keeps_answers_and_tags_apart_and_labels_kept_answers(
        review: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = review
    provisional = client.get(GAPS)
    consensus = client.get(GAPS, params={"counting": "consensus"})
    assert provisional.headers["ETag"] != consensus.headers["ETag"]
    assert provisional.text != consensus.text  # nothing is included by consensus: nothing is counted
    assert revalidated(client, GAPS + "?counting=consensus", provisional.headers["ETag"]) == 200
    for _ in range(2):  # the second answer of each comes from the cache and is labelled as the first was
        again = client.get(GAPS)
        assert again.headers["Facekg-Provisional"] == "true" and again.text == provisional.text
        assert again.headers["Facekg-Counting"] == "provisional"
        kept = client.get(GAPS, params={"counting": "consensus"})
        assert kept.headers["Facekg-Provisional"] == "false" and kept.text == consensus.text
        assert kept.headers["Facekg-Counting"] == "consensus"
    assert client.get(GAPS, headers={"If-None-Match": provisional.headers["ETag"]}).headers[
        "Facekg-Counting"] == "provisional"


def test_a_write_only_the_workspace_sees_changes_the_tag_of_what_it_shows(
        review: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = review
    study = next(s["id"] for s in client.get("/v1/studies", params={"limit": 500}).json()["data"])
    url = f"/v1/studies/{study}/review"
    before = client.get(url)
    assert before.json()["entries"]["hidden"] == {}
    form = client.get(f"/v1/studies/{study}/extraction", headers=auth(keys["AB"])).json()
    saved = client.put(f"/v1/studies/{study}/extraction", json={**form, "submitted": False},
                       headers=auth(keys["AB"]))
    assert saved.status_code == 200, saved.text
    assert revalidated(client, url, before.headers["ETag"]) == 200
    assert client.get(url).headers["ETag"] != before.headers["ETag"]
