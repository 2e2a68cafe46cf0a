"""Subgroup results end to end over HTTP: extracted from an abstract, pre-filled as subgroup rows of the
reviewers' form, checked (422 naming the field), resolved by consensus into the graph and read by synthesis.

The abstract is written for the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from graph.sqlite_store import SqliteStore
from ingest.pipeline import ingest_files
from ontology import load_ontology
from tests.review_http import auth, filled, reviewers, writable_copy

STUDY = "subgroup-test-2026"
ABSTRACT = ("We trained a convolutional neural network to recognise Down syndrome from facial photographs. "
            "In women (n = 120), accuracy was 85%, whereas in men (n = 80) it was 92%. "
            "Performance did not differ by age (p = 0.4).")


@pytest.fixture(scope="module")
def ingested_dir(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The curated demo corpus plus the test abstract, ingested (and extracted) once for the module."""
    root = tmp_path_factory.mktemp("subgroups-http")
    data_dir = writable_copy(demo_data_dir, root / "data")
    ris = root / "subgroup.ris"
    ris.write_text(f"TY  - JOUR\nID  - {STUDY}\nTI  - Facial recognition of Down syndrome in women and men\n"
                   f"AB  - {ABSTRACT}\nPY  - 2026\nER  - \n", encoding="utf-8")
    ingest_files(SqliteStore(data_dir), load_ontology(), [ris])
    return data_dir


@pytest.fixture
def session(ingested_dir: Path, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    data_dir = writable_copy(ingested_dir, tmp_path / "data")
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"), ("CD", "reviewer"))
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        yield client, keys


def gaps_for(client: TestClient, **params: str) -> list[dict[str, object]]:
    response = client.get("/v1/synthesis/subgroups", params={"condition": "Down syndrome", **params})
    assert response.status_code == 200, response.text
    [row] = response.json()["conditions"]
    return [gap for gap in row["gaps"] if gap["study_id"] == STUDY]


def test_subgroup_rows_go_from_extraction_through_consensus_to_the_synthesis(
        session: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = session
    form = client.get(f"/v1/studies/{STUDY}/extraction", headers=auth(keys["AB"])).json()
    rows = [(f["machine"]["subgroup"]["attribute"], f["machine"]["subgroup"]["value"], f["machine"]["metric"],
             f["machine"]["value"], f["machine"]["denominator"]) for f in form["subgroups"]]
    assert rows == [("sex", "female", "accuracy", 85.0, 120), ("sex", "male", "accuracy", 92.0, 80)]
    assert all(f["machine"]["subgroup"] is None for f in form["metrics"])  # subgroup figures are rows, not metrics

    # Before review the figures are machine-read: left out by default, shown flagged when asked for.
    assert gaps_for(client) == []
    [unverified] = gaps_for(client, include_unverified="true")
    assert unverified["unverified"] is True and unverified["sources"] == ["extracted"]
    page = client.get("/synthesis/subgroups", params={"include_unverified": "true"})
    assert page.status_code == 200 and "unverified" in page.text and f"/studies/{STUDY}" in page.text
    assert f"/studies/{STUDY}" not in client.get("/synthesis/subgroups").text

    for reviewer in ("AB", "CD"):
        mine = client.get(f"/v1/studies/{STUDY}/extraction", headers=auth(keys[reviewer])).json()
        saved = client.put(f"/v1/studies/{STUDY}/extraction", json=filled(mine), headers=auth(keys[reviewer]))
        assert saved.status_code == 200, saved.text
    consensus = {k: v for k, v in filled(form).items() if k not in ("reviewer", "submitted")}
    resolved = client.put(f"/v1/studies/{STUDY}/extraction/consensus", json=consensus, headers=auth(keys["Admin"]))
    assert resolved.status_code == 200, resolved.text

    stored = [m for m in client.get(f"/v1/studies/{STUDY}").json()["metrics"] if m.get("subgroup")]
    assert [(m["subgroup"]["value"], m["provenance"]["source"]) for m in stored] == [
        ("female", "consensus"), ("male", "consensus")]
    [gap] = gaps_for(client)
    assert (gap["group"], gap["reference"], gap["uncertainty"], gap["unverified"]) == (
        "female", "male", "counts", False)
    assert gap["gap"] == pytest.approx(102 / 120 - 74 / 80)
    assert gap["ci_low"] < gap["gap"] < gap["ci_high"] and gap["logit_gap"] < 0


@pytest.mark.parametrize(("value", "field"), [
    pytest.param({"metric": "accuracy", "value": 0.9, "unit": "fraction"}, "subgroup", id="row-without-group"),
    pytest.param({"metric": "accuracy", "value": 0.9, "unit": "fraction",
                  "subgroup": {"attribute": "shoe size", "value": "large"}}, "subgroup.attribute",
                 id="unknown-attribute"),
    pytest.param({"metric": "accuracy", "unit": "fraction", "subgroup": {"attribute": "sex", "value": "female"}},
                 "value", id="row-without-figure"),
])
def test_a_subgroup_row_that_does_not_fit_is_422_naming_the_field(
        session: tuple[TestClient, dict[str, str]], value: dict[str, object], field: str) -> None:
    client, keys = session
    form = client.get(f"/v1/studies/{STUDY}/extraction", headers=auth(keys["AB"])).json()
    form["subgroups"].append({"key": "subgroups:new", "verdict": "edited", "value": value})
    response = client.put(f"/v1/studies/{STUDY}/extraction", json=form, headers=auth(keys["AB"]))
    assert response.status_code == 422, response.text
    body = response.json()
    assert str(body["field"]).startswith(f"subgroups.{len(form['subgroups']) - 1}.value"), body
    assert field in str(body["field"]) + str(body["detail"])
