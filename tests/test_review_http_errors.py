"""The review's bad input over HTTP: each error is the problem+json the issue names, and nothing partial is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from review.service import revoke_reviewer
from review.workspace import Workspace
from tests.http_problems import problem
from tests.review_http import auth, reviewers, writable_copy

STUDY = "gurovich-2019-deepgestalt"
EXCLUDE = {"stage": "title-abstract", "decision": "exclude", "reason": "non-human"}


@pytest.fixture
def review(demo_data_dir: Path, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Path]]:
    data_dir = writable_copy(demo_data_dir, tmp_path / "data")
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"), ("CD", "reviewer"))
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        yield client, keys, data_dir


def audit_count(client: TestClient) -> int:
    count: int = client.get("/v1/audit").json()["count"]
    return count


def test_writes_without_a_key_or_with_a_bad_or_revoked_key_are_401_and_store_nothing(
        review: tuple[TestClient, dict[str, str], Path]) -> None:
    client, keys, data_dir = review
    before = audit_count(client)
    unauthenticated = client.post(f"/v1/studies/{STUDY}/screening", json=EXCLUDE)
    assert problem(unauthenticated, 401)["title"] == "Unauthenticated"
    assert unauthenticated.headers["www-authenticate"] == "Bearer"
    wrong = keys["AB"][:-4] + "AAAA"
    assert "not valid" in str(problem(client.post(f"/v1/studies/{STUDY}/screening", json=EXCLUDE,
                                                  headers=auth(wrong)), 401)["detail"])
    revoke_reviewer(Workspace.in_data_dir(data_dir), "AB")
    revoked = client.post(f"/v1/studies/{STUDY}/screening", json=EXCLUDE, headers=auth(keys["AB"]))
    assert "revoked" in str(problem(revoked, 401)["detail"])
    assert audit_count(client) == before + 1  # the revocation only
    assert client.get(f"/v1/studies/{STUDY}/review").status_code == 200  # reads stay public


def test_writing_as_another_reviewer_or_resolving_as_a_reviewer_is_403(
        review: tuple[TestClient, dict[str, str], Path]) -> None:
    client, keys, _ = review
    before = audit_count(client)
    as_other = client.post(f"/v1/studies/{STUDY}/screening", json={**EXCLUDE, "reviewer": "CD"},
                           headers=auth(keys["AB"]))
    assert "as 'CD'" in str(problem(as_other, 403)["detail"])
    for reviewer in ("AB", "CD"):
        client.post(f"/v1/studies/{STUDY}/screening", json=EXCLUDE, headers=auth(keys[reviewer]))
    by_reviewer = client.post(f"/v1/studies/{STUDY}/screening/consensus", json=EXCLUDE, headers=auth(keys["AB"]))
    assert "only an admin" in str(problem(by_reviewer, 403)["detail"])
    adding = client.post("/v1/reviewers", json={"name": "EF"}, headers=auth(keys["AB"]))
    problem(adding, 403)
    assert audit_count(client) == before + 2


def test_consensus_before_both_reviews_is_409_with_the_reason(
        review: tuple[TestClient, dict[str, str], Path]) -> None:
    client, keys, _ = review
    client.post(f"/v1/studies/{STUDY}/screening", json=EXCLUDE, headers=auth(keys["AB"]))
    before = audit_count(client)
    early = client.post(f"/v1/studies/{STUDY}/screening/consensus", json=EXCLUDE, headers=auth(keys["Admin"]))
    body = problem(early, 409)
    assert "needs 2 independent entries; 1 submitted (AB)" in str(body["detail"])
    early_form = client.put(f"/v1/studies/{STUDY}/extraction/consensus", json={}, headers=auth(keys["Admin"]))
    assert "0 submitted" in str(problem(early_form, 409)["detail"])
    assert audit_count(client) == before


def test_a_decision_on_an_unknown_study_is_404(review: tuple[TestClient, dict[str, str], Path]) -> None:
    client, keys, _ = review
    missing = client.post("/v1/studies/no-such-study/screening", json=EXCLUDE, headers=auth(keys["AB"]))
    assert problem(missing, 404)["id"] == "no-such-study"
    problem(client.put("/v1/studies/gurovich-2019-deepgestalt/rob/no-such-tool", json={},
                       headers=auth(keys["AB"])), 404)


def test_an_extraction_field_of_the_wrong_type_is_422_naming_the_field_and_stores_nothing(
        review: tuple[TestClient, dict[str, str], Path]) -> None:
    client, keys, _ = review
    form = client.get(f"/v1/studies/{STUDY}/extraction", headers=auth(keys["AB"])).json()
    form["samples"].append({"key": "samples:new", "verdict": "edited", "value": {"value": "many"}})
    before = audit_count(client)
    wrong = client.put(f"/v1/studies/{STUDY}/extraction", json=form, headers=auth(keys["AB"]))
    body = problem(wrong, 422)
    assert body["field"] == f"samples.{len(form['samples']) - 1}.value.value"
    form["samples"][-1]["value"] = {"value": "12"}  # a number in a string is no number either
    assert problem(client.put(f"/v1/studies/{STUDY}/extraction", json=form, headers=auth(keys["AB"])),
                   422)["field"] == body["field"]
    pending = client.put(f"/v1/studies/{STUDY}/extraction", json={**form, "samples": [], "submitted": True},
                         headers=auth(keys["AB"]))
    assert "pending" in str(problem(pending, 422)["detail"])
    assert audit_count(client) == before


@pytest.mark.parametrize(("body", "field"), [
    pytest.param({"stage": "abstract", "decision": "include"}, "stage", id="unknown-stage"),
    pytest.param({"stage": "title-abstract", "decision": "exclude"}, "reasons", id="exclusion-without-reason"),
])
def test_a_screening_body_that_does_not_fit_is_422(review: tuple[TestClient, dict[str, str], Path],
                                                   body: dict[str, str], field: str) -> None:
    client, keys, _ = review
    response = client.post(f"/v1/studies/{STUDY}/screening", json=body, headers=auth(keys["AB"]))
    problem_body = problem(response, 422)
    assert field in str(problem_body.get("field") or problem_body.get("parameter")) or field in str(problem_body)


def test_a_risk_of_bias_judgement_the_tool_does_not_allow_is_422_naming_the_field(
        review: tuple[TestClient, dict[str, str], Path]) -> None:
    client, keys, _ = review
    body = {"domains": [{"domain": "random-sequence-generation", "judgement": "probably fine"}]}
    response = client.put(f"/v1/studies/{STUDY}/rob/rob1", json=body, headers=auth(keys["AB"]))
    assert problem(response, 422)["field"] == "domains[0].judgement"


def test_the_counting_parameter_is_checked(review: tuple[TestClient, dict[str, str], Path]) -> None:
    client, _, _ = review
    assert problem(client.get("/v1/overview", params={"counting": "everything"}), 422)["parameter"] == "counting"
    assert problem(client.get("/v1/studies", params={"screening": "maybe"}), 422)["parameter"] == "screening"


def test_openapi_documents_the_key_scheme_and_problem_bodies_on_writes(
        review: tuple[TestClient, dict[str, str], Path]) -> None:
    client, _, _ = review
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["ApiKey"]
        ["description"]}
    operation = spec["paths"]["/v1/studies/{study_id}/screening"]["post"]
    assert operation["security"] == [{"ApiKey": []}]
    for status in ("401", "403", "404", "409", "422"):
        assert "application/problem+json" in operation["responses"][status]["content"], status
