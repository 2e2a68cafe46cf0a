"""The REST API through the real FastAPI app on the demo corpus: filters, paging, problems."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from tests.data import DEMO_STUDIES
from tests.http_problems import problem

DEMO = [json.loads(line) for line in DEMO_STUDIES.read_text(encoding="utf-8").splitlines() if line.strip()]
COUNTED = [s for s in DEMO if not s.get("retracted")]


def test_api_healthz_reports_store_available(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["store"] == "available"
    assert body["studies"] == len(DEMO)


def test_api_lists_studies_with_total_count_and_paging(client: TestClient) -> None:
    first = client.get("/v1/studies", params={"limit": 10}).json()
    second = client.get("/v1/studies", params={"limit": 10, "offset": 10}).json()
    assert first["count"] == len(COUNTED)
    assert len(first["data"]) == 10
    assert not {s["id"] for s in first["data"]} & {s["id"] for s in second["data"]}
    years = [s["year"] for s in first["data"]]
    assert years == sorted(years, reverse=True)


def test_api_keeps_retracted_studies_out_unless_asked(client: TestClient) -> None:
    retracted = {s["id"] for s in DEMO if s.get("retracted")}
    assert retracted, "the demo corpus holds one retracted study"
    default = {s["id"] for s in client.get("/v1/studies", params={"limit": 500}).json()["data"]}
    everything = client.get("/v1/studies", params={"limit": 500, "include_retracted": True}).json()
    assert not retracted & default
    assert everything["count"] == len(DEMO)


@pytest.mark.parametrize(("params", "expect"), [
    pytest.param({"condition": "Down syndrome"}, lambda s: any(
        "down" in c["name"].lower() or "trisomy" in c["name"].lower() for c in s["conditions"]), id="condition"),
    pytest.param({"condition": "CdLS"}, lambda s: any("lange" in c["name"].lower() for c in s["conditions"]),
                 id="condition-abbreviation"),
    pytest.param({"year_from": 2024}, lambda s: s["year"] >= 2024, id="year-from"),
    pytest.param({"year_from": 2019, "year_to": 2020}, lambda s: 2019 <= s["year"] <= 2020, id="year-range"),
    pytest.param({"deep_learning": True}, lambda s: s["is_deep_learning"] is True, id="deep-learning"),
    pytest.param({"q": "Parkinson"}, lambda s: "parkinson" in (s["title"] + (s["abstract"] or "")).lower(),
                 id="text"),
])
def test_api_study_filters_return_only_matching_studies(client: TestClient, params: dict, expect) -> None:
    body = client.get("/v1/studies", params={**params, "limit": 500}).json()
    assert body["count"] > 0
    assert body["count"] == len(body["data"])
    assert all(expect(s) for s in body["data"])


def test_api_cause_filter_matches_the_cause_category_of_the_conditions(client: TestClient) -> None:
    body = client.get("/v1/studies", params={"cause": "gene-related", "limit": 500}).json()
    assert body["count"] > 0
    conditions = client.get("/v1/conditions").json()["data"]
    gene_related = {c["id"] for c in conditions if any("gene" in cat.lower() for cat in c["cause_categories"])}
    for s in body["data"]:
        assert {c["concept_id"] for c in s["conditions"]} & gene_related


def test_api_architecture_filter_includes_subtypes(client: TestClient) -> None:
    cnn = client.get("/v1/studies", params={"architecture": "CNN", "limit": 500}).json()
    resnet = client.get("/v1/studies", params={"architecture": "ResNet-50", "limit": 500}).json()
    assert resnet["count"] > 0
    assert {s["id"] for s in resnet["data"]} <= {s["id"] for s in cnn["data"]}


def test_api_study_detail_carries_provenance(client: TestClient) -> None:
    study_id = COUNTED[0]["id"]
    body = client.get(f"/v1/studies/{study_id}").json()
    assert body["id"] == study_id
    assert body["conditions"][0]["provenance"]["source"] in {"curated", "consensus", "extracted"}
    assert body["review_update"]


def test_api_unknown_study_is_a_404_problem_naming_the_id(client: TestClient) -> None:
    body = problem(client.get("/v1/studies/no-such-study"), 404)
    assert "no-such-study" in body["detail"]


@pytest.mark.parametrize(("params", "parameter"), [
    pytest.param({"limit": 0}, "limit", id="limit-zero"),
    pytest.param({"year_from": "soon"}, "year_from", id="year-not-a-number"),
    pytest.param({"condition": ""}, "condition", id="empty-condition"),
])
def test_api_bad_filter_is_a_422_problem_naming_the_parameter(client: TestClient, params: dict,
                                                             parameter: str) -> None:
    assert problem(client.get("/v1/studies", params=params), 422)["parameter"] == parameter


@pytest.mark.parametrize(("params", "parameter"), [
    pytest.param({"condition": "no such disease"}, "condition", id="unknown-condition"),
    pytest.param({"cause": "astrological"}, "cause", id="unknown-cause"),
])
def test_api_unknown_name_is_a_404_problem_naming_the_parameter(client: TestClient, params: dict,
                                                                parameter: str) -> None:
    body = problem(client.get("/v1/studies", params=params), 404)
    assert body["parameter"] == parameter and params[parameter] in body["detail"]


def test_api_reversed_years_are_an_empty_page(client: TestClient) -> None:
    body = client.get("/v1/studies", params={"year_from": 2024, "year_to": 2020}).json()
    assert body["count"] == 0 and body["data"] == []


def test_api_conditions_carry_study_counts_and_categories(client: TestClient) -> None:
    conditions = {c["label"]: c for c in client.get("/v1/conditions").json()["data"]}
    down = next(c for label, c in conditions.items() if label.lower() == "down syndrome")
    assert down["study_count"] >= 2 and down["deep_learning_study_count"] <= down["study_count"]
    rett = next(c for label, c in conditions.items() if label.lower() == "rett syndrome")
    assert rett["study_count"] == 0
    assert len(rett["cause_categories"]) >= 2


def test_api_condition_detail_lists_its_studies(client: TestClient) -> None:
    conditions = client.get("/v1/conditions").json()["data"]
    acromegaly = next(c for c in conditions if c["label"].lower() == "acromegaly")
    body = client.get(f"/v1/conditions/{acromegaly['id']}").json()
    assert len(body["study_ids"]) == acromegaly["study_count"] >= 1
    assert client.get("/v1/conditions/NoSuchCondition").status_code == 404


def test_api_causes_show_the_four_table4_categories_first(client: TestClient) -> None:
    causes = client.get("/v1/causes").json()["data"]
    framework = [c for c in causes if c["in_framework"]]
    assert len(framework) == 4
    assert causes[:4] == framework
    assert any(not c["in_framework"] for c in causes)
    assert sum(c["study_count"] for c in framework) > 0


def test_api_ontology_is_served_as_turtle_and_json_ld(client: TestClient) -> None:
    turtle = client.get("/v1/ontology")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 100
    jsonld = client.get("/v1/ontology", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(Graph().parse(data=turtle.text,
                                                                                         format="turtle"))


def test_api_openapi_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/studies" in spec["paths"] and "/v1/gaps/evidence" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_api_finds_a_study_by_doi_in_any_case_and_refuses_an_unknown_one(client: TestClient) -> None:
    found = client.get("/v1/studies/doi/10.1038/S41591-018-0279-0")
    assert found.status_code == 200
    assert found.json()["id"] == "gurovich-2019-deepgestalt"
    assert client.get("/v1/studies/doi/https://doi.org/10.1038/s41591-018-0279-0").json()["id"] == found.json()["id"]
    missing = client.get("/v1/studies/doi/10.9999/not-there")
    assert missing.status_code == 404
    assert "10.9999/not-there" in missing.json()["detail"]
