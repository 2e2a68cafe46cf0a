"""``/v1/changes`` and the update feeds (Atom, JSON Feed), through the real app on two review updates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from ontology import Ontology
from tests.living_data import TwoUpdates, load_two_updates

ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, ontology: Ontology) -> tuple[Path, TwoUpdates]:
    data_dir = tmp_path_factory.mktemp("two-updates")
    return data_dir, load_two_updates(data_dir, ontology)


@pytest.fixture(scope="module")
def client(two: tuple[Path, TwoUpdates]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=two[0], backend="memory"))) as test_client:
        yield test_client


def test_changes_list_every_update_with_studies_added_and_changed(client: TestClient,
                                                                   two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    body = client.get("/v1/changes").json()
    assert [entry["update"]["id"] for entry in body["data"]] == [loaded.first, loaded.second]
    first, second = body["data"]
    assert sorted(s["study_id"] for s in first["studies"]) == loaded.first_ids
    assert {s["change"] for s in first["studies"]} == {"added"}
    assert first["counts"]["facts_added"] == len(first["facts"]) > 0
    added = sorted(s["study_id"] for s in second["studies"] if s["change"] == "added")
    assert added == loaded.second_ids
    changed = [s for s in second["studies"] if s["change"] == "changed"]
    assert [s["study_id"] for s in changed] == [loaded.changed_id]
    assert "sample_description" in changed[0]["fields"]
    new_facts = [f for f in second["facts"] if f["study_id"] == loaded.changed_id]
    assert [(f["kind"], f["change"], f["fact"]["name"]) for f in new_facts] == [
        ("architectures", "added", "Vision Transformer")]
    assert second["counts"]["studies_changed"] == 1 and second["counts"]["studies_removed"] == 0


def test_changes_since_an_update_or_a_date(client: TestClient, two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    after_first = client.get("/v1/changes", params={"since": loaded.first}).json()
    assert [e["update"]["id"] for e in after_first["data"]] == [loaded.second]
    assert client.get("/v1/changes", params={"since": loaded.second}).json()["data"] == []
    assert len(client.get("/v1/changes", params={"since": "2000-01-01"}).json()["data"]) == 2


def test_changes_since_the_future_is_an_empty_list(client: TestClient) -> None:
    response = client.get("/v1/changes", params={"since": "2999-01-01"})
    assert response.status_code == 200
    assert response.json()["data"] == [] and response.json()["count"] == 0


def test_changes_since_an_unknown_update_is_422_naming_since(client: TestClient) -> None:
    response = client.get("/v1/changes", params={"since": "20990101T000000Z-nothere"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["parameter"] == "since" and "since" in response.json()["detail"]


def test_atom_feed_has_one_entry_per_update_newest_first(client: TestClient, two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    response = client.get("/feeds/updates.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("id", "title", "updated"):  # RFC 4287 4.1.1: required feed elements
        assert root.find(f"a:{required}", ATOM_NS) is not None, required
    self_link = [link.get("href") for link in root.findall("a:link", ATOM_NS) if link.get("rel") == "self"]
    assert self_link and self_link[0].endswith("/feeds/updates.atom")
    entries = root.findall("a:entry", ATOM_NS)
    assert [e.findtext("a:title", namespaces=ATOM_NS) for e in entries] == [
        f"Review update {loaded.second}", f"Review update {loaded.first}"]
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"a:{required}", namespaces=ATOM_NS), required
    assert "1 studies changed" in (entries[0].findtext("a:summary", namespaces=ATOM_NS) or "")
    related = [link.get("href") or "" for link in entries[0].findall("a:link", ATOM_NS)
               if link.get("rel") == "related"]
    since = client.get(related[0].replace("http://testserver", "")).json()
    assert since["data"][0]["update"]["id"] == loaded.second


def test_json_feed_follows_version_1_1(client: TestClient, two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    response = client.get("/feeds/updates.json")
    assert response.headers["content-type"].startswith("application/feed+json")
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"].endswith("/feeds/updates.json")
    assert [item["id"].rsplit("/", 1)[1] for item in feed["items"]] == [loaded.second, loaded.first]
    assert all(item["id"] and item["content_text"] and item["date_published"] for item in feed["items"])
    assert feed["items"][0]["_facekg"]["counts"]["studies_added"] == len(loaded.second_ids)


def test_updates_page_links_the_feeds_and_lists_changes(client: TestClient, two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    page = client.get("/updates", headers={"Accept": "text/html"}).text
    assert '<link rel="alternate" type="application/atom+xml"' in page and 'href="/feeds/updates.atom"' in page
    assert 'type="application/feed+json"' in page
    assert f'href="/studies/{loaded.changed_id}"' in page
    assert "1 changed" in page


def test_a_single_study_or_condition_says_which_update_it_reflects(client: TestClient,
                                                                   two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    study = client.get(f"/v1/studies/{loaded.changed_id}")
    assert study.json()["reflects_update"] == loaded.second == study.headers["X-Facekg-Update"]
    assert study.json()["review_update"] == loaded.first  # the update that added it
    pinned = client.get(f"/v1/studies/{loaded.changed_id}", params={"as_of": loaded.first})
    assert pinned.json()["reflects_update"] == loaded.first
    condition_id = client.get("/v1/conditions", params={"limit": 1}).json()["data"][0]["id"]
    condition = client.get(f"/v1/conditions/{condition_id}")
    assert condition.json()["review_update"] == loaded.second
    assert client.get(f"/v1/conditions/{condition_id}",
                      params={"as_of": loaded.first}).json()["review_update"] == loaded.first
