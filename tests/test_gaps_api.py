"""The gap endpoints, mounted on a bare app over the hand-built corpus (dependencies overridden)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.deps import get_ontology, get_settings, get_store
from api.problems import install_problem_handlers
from api.routers import gaps
from facekg.settings import Settings
from ontology import load_ontology
from tests.gap_fixtures import store_with


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(gaps.router)
    store, ontology = store_with(), load_ontology()
    app.dependency_overrides[get_store] = lambda: store
    app.dependency_overrides[get_ontology] = lambda: ontology
    app.dependency_overrides[get_settings] = lambda: Settings()
    with TestClient(app) as test_client:
        yield test_client


def test_gaps_api_evidence_lists_gaps_with_reasons_and_links(client: TestClient) -> None:
    body = client.get("/v1/gaps/evidence", params={"reference_year": 2026}).json()
    items = {item["id"]: item for item in body["data"]}
    assert body["count"] == len(body["data"]) and body["universe"] == "protocol"
    assert items["RettSyndrome"]["rules"][0] == {"rule": "no-study", "severity": 1,
                                                 "reason": "no study addresses this condition",
                                                 "study_ids": [], "study_links": []}
    assert items["NoonanSyndrome"]["rules"][0]["study_links"] == ["/v1/studies/ns-classical"]
    assert "HemifacialSpasm" in items
    assert {g["id"] for g in body["by_cause"]} >= {"GeneRelated", "Neurological", "Psychiatric",
                                                   "MedicationInduced"}


def test_gaps_api_evidence_thresholds_and_paging(client: TestClient) -> None:
    body = client.get("/v1/gaps/evidence", params={"rule": "small-sample", "min_sample": 35,
                                                   "reference_year": 2026, "limit": 1}).json()
    assert body["thresholds"]["min_sample"] == 35
    assert body["count"] > 1 and len(body["data"]) == 1
    assert all("small-sample" in [r["rule"] for r in item["rules"]] for item in body["data"])


@pytest.mark.parametrize(("url", "status", "parameter"), [
    pytest.param("/v1/gaps/evidence?universe=all", 422, "universe", id="universe"),
    pytest.param("/v1/gaps/evidence?rule=bad", 422, "rule", id="rule"),
    pytest.param("/v1/gaps/evidence?cause=astrology", 404, "cause", id="cause"),
    pytest.param("/v1/gaps/evidence?stale_years=-1", 422, "stale_years", id="stale-years"),
    pytest.param("/v1/gaps/bias-reporting?attribute=height", 422, "attribute", id="attribute"),
    pytest.param("/v1/gaps/map?rows=genes", 422, "rows", id="rows"),
    pytest.param("/v1/gaps/map?cols=journals", 422, "cols", id="cols"),
    pytest.param("/v1/gaps/map?format=gif", 422, "format", id="format"),
])
def test_gaps_api_invalid_parameters_are_problems_naming_them(client: TestClient, url: str, status: int,
                                                              parameter: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["parameter"] == parameter


def test_gaps_api_unknown_condition_is_not_found(client: TestClient) -> None:
    response = client.get("/v1/gaps/bias-reporting", params={"condition": "no such syndrome"})
    assert response.status_code == 404


def test_gaps_api_bias_reporting_for_one_condition(client: TestClient) -> None:
    body = client.get("/v1/gaps/bias-reporting", params={"condition": "DownSyndrome",
                                                         "attribute": "skin_tone"}).json()
    assert body["count"] == 1
    [row] = body["data"]
    assert row["shares"] == [{"attribute": "skin_tone", "reported": 0, "stated_not_reported": 1,
                              "not_mentioned": 1, "denominator": 2, "share": 0.0, "subgroup_performance": 0}]
    assert row["flags"] == ["skin-tone-not-reported", "single-country"]


@pytest.mark.parametrize(("fmt", "media_type"), [
    pytest.param("svg", "image/svg+xml", id="svg"),
    pytest.param("png", "image/png", id="png"),
])
def test_gaps_api_map_images(client: TestClient, fmt: str, media_type: str) -> None:
    response = client.get("/v1/gaps/map", params={"rows": "cause", "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


def test_gaps_api_map_json(client: TestClient) -> None:
    body = client.get("/v1/gaps/map", params={"rows": "cause", "cols": "metric"}).json()
    assert body["count"] == len(body["rows"]) * len(body["cols"])
    cells = {(c["row"], c["col"]): c for c in body["data"]}
    assert cells["GeneRelated", "AUC"]["study_ids"] == ["ds-second", "kabuki-a"]


@pytest.fixture
def demo_client(demo_data_dir: Path) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(Settings(data_dir=demo_data_dir, backend="memory"))) as test_client:
        yield test_client


def test_gaps_api_demo_lists_table_conditions_without_deep_learning(demo_client: TestClient) -> None:
    response = demo_client.get("/v1/gaps/evidence")
    assert response.status_code == 200
    items = {item["label"]: item for item in response.json()["data"]}
    for label in ("Rett syndrome", "hemifacial spasm"):
        assert items[label]["grade"] in ("no-study", "no-deep-learning")
        assert items[label]["rules"][0]["reason"]
    assert set(items["Rett syndrome"]["cause_categories"]) == {"GeneRelated", "Neurological"}
