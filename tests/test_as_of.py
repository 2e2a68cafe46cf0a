"""``?as_of=<update>``: every read endpoint and page answers as the graph stood after that update.

Two review updates of the demo corpus (tests/living_data.py); answers as of the first must leave out what
the second added and changed, and say which update they reflect (header and body).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from ontology import Ontology
from tests.living_data import TwoUpdates, load_two_updates

READS = ["/v1/studies", "/v1/conditions", "/v1/causes", "/v1/updates", "/v1/changes", "/v1/gaps/evidence",
         "/v1/gaps/bias-reporting", "/v1/gaps/bias-reporting/studies", "/v1/gaps/map", "/v1/overview",
         "/v1/exports/csv", "/v1/synthesis/characteristics", "/v1/synthesis/prisma", "/feeds/updates.json"]
PAGES = ["/", "/studies", "/conditions", "/gaps", "/gap-map", "/bias", "/updates", "/open-data", "/synthesis"]


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, ontology: Ontology) -> tuple[Path, TwoUpdates]:
    data_dir = tmp_path_factory.mktemp("as-of")
    return data_dir, load_two_updates(data_dir, ontology)


@pytest.fixture(scope="module")
def client(two: tuple[Path, TwoUpdates]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=two[0], backend="memory"))) as test_client:
        yield test_client


def test_as_of_the_first_update_lists_only_its_studies(client: TestClient, two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    today = client.get("/v1/studies", params={"limit": 500, "include_retracted": True})
    then = client.get("/v1/studies", params={"limit": 500, "include_retracted": True, "as_of": loaded.first})
    assert today.json()["count"] == len(loaded.first_ids) + len(loaded.second_ids)
    assert sorted(s["id"] for s in then.json()["data"]) == loaded.first_ids
    assert then.headers["X-Facekg-Update"] == then.json()["review_update"] == loaded.first
    assert today.headers["X-Facekg-Update"] == today.json()["review_update"] == loaded.second


def test_a_study_as_of_an_update_is_that_update_s_version(client: TestClient,
                                                          two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    now = client.get(f"/v1/studies/{loaded.changed_id}").json()
    then = client.get(f"/v1/studies/{loaded.changed_id}", params={"as_of": loaded.first})
    assert then.headers["X-Facekg-Update"] == loaded.first
    names = {a["name"] for a in then.json()["architectures"]}
    assert "Vision Transformer" in {a["name"] for a in now["architectures"]} and "Vision Transformer" not in names
    assert then.json()["sample_description"] != now["sample_description"]
    later = loaded.second_ids[0]
    assert client.get(f"/v1/studies/{later}").status_code == 200
    assert client.get(f"/v1/studies/{later}", params={"as_of": loaded.first}).status_code == 404


def test_as_of_answers_differ_where_the_second_update_added_evidence(client: TestClient,
                                                                     two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    def counts(path: str, **params: str) -> dict[str, int]:
        body = client.get(path, params={**params, "limit": 1000}).json()
        return {c["id"]: c["study_count"] for c in body["data"]}
    today, then = counts("/v1/conditions"), counts("/v1/conditions", as_of=loaded.first)
    assert sum(then.values()) < sum(today.values())
    assert all(then.get(cid, 0) <= count for cid, count in today.items())
    overview_now = client.get("/v1/overview").json()
    overview_then = client.get("/v1/overview", params={"as_of": loaded.first}).json()
    assert overview_then != overview_now
    updates_then = client.get("/v1/updates", params={"as_of": loaded.first}).json()
    assert [u["id"] for u in updates_then["data"]] == [loaded.first]
    changes_then = client.get("/v1/changes", params={"as_of": loaded.first}).json()
    assert [c["update"]["id"] for c in changes_then["data"]] == [loaded.first]
    csv_then = client.get("/v1/exports/csv", params={"as_of": loaded.first}).content
    assert csv_then != client.get("/v1/exports/csv").content
    assert loaded.second_ids[0].encode() not in csv_then


@pytest.mark.parametrize("path", READS)
def test_every_read_endpoint_says_which_update_it_reflects(client: TestClient, two: tuple[Path, TwoUpdates],
                                                           path: str) -> None:
    _, loaded = two
    response = client.get(path, params={"as_of": loaded.first})
    assert response.status_code == 200, response.text
    assert response.headers["X-Facekg-Update"] == loaded.first
    body = response.json() if "json" in response.headers["content-type"] else {}
    if "review_update" in body:  # the list envelopes and the synthesis answers say it in the body too
        assert body["review_update"] == loaded.first


@pytest.mark.parametrize("path", [*READS, *PAGES, "/v1/studies/some-study"])
def test_as_of_naming_no_update_is_422_naming_the_parameter(client: TestClient, path: str) -> None:
    response = client.get(path, params={"as_of": "19990101T000000Z-nosuch"})
    assert response.status_code == 422
    assert "as_of" in response.text
    if path.startswith(("/v1", "/feeds")):
        assert response.json()["parameter"] == "as_of"


@pytest.mark.parametrize("path", PAGES)
def test_pages_as_of_an_earlier_update_say_so_and_keep_it_on_their_links(
        client: TestClient, two: tuple[Path, TwoUpdates], path: str) -> None:
    _, loaded = two
    response = client.get(path, params={"as_of": loaded.first}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["X-Facekg-Update"] == loaded.first
    assert f"as it stood after update <a href=\"/updates#update-{loaded.first}\"" in response.text
    assert f'href="/studies?as_of={loaded.first}"' in response.text
    today = client.get(path, headers={"Accept": "text/html"}).text
    assert "as it stood after update" not in today


def test_the_studies_page_as_of_leaves_out_later_studies(client: TestClient, two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    later = loaded.second_ids[0]
    today = client.get("/studies", params={"limit": 100}).text
    then = client.get("/studies", params={"limit": 100, "as_of": loaded.first}).text
    assert f"/studies/{later}" in today and f"/studies/{later}" not in then
    assert f'href="/studies/{loaded.changed_id}?as_of={loaded.first}"' in then  # links keep the update
    assert f'href="/studies/{loaded.changed_id}"' in today


def test_answers_as_of_an_update_are_materialised_once(client: TestClient, two: tuple[Path, TwoUpdates]) -> None:
    _, loaded = two
    client.get("/v1/conditions", params={"as_of": loaded.first})
    kept = client.app.state.as_of  # type: ignore[attr-defined]
    before, computed = kept.materialised, kept.answers(loaded.first).computed
    for _ in range(3):
        client.get("/v1/conditions", params={"as_of": loaded.first})
    assert kept.materialised == before
    assert kept.answers(loaded.first).computed == computed
    assert kept.answers(loaded.second) is kept.live  # the latest update is today's answers
