"""The synthesis endpoints through the real app: JSON numbers, SVG/PNG pictures, CSV tables and refusals."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from graph.sqlite_store import SqliteStore
from tests.data import update
from tests.synthesis_data import MADA_AUDITC
from tests.synthesis_fixtures import auditc_studies

SVG = "{http://www.w3.org/2000/svg}"
META = "/v1/synthesis/meta-analysis"


def is_svg(body: bytes) -> bool:
    return ET.fromstring(body).tag == f"{SVG}svg"


@pytest.fixture(scope="module")
def auditc_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The 14 AuditC studies, stored as studies of Down syndrome, behind the real app."""
    data_dir: Path = tmp_path_factory.mktemp("auditc")
    SqliteStore(data_dir).write(auditc_studies(), update("auditc-load"))
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        yield client


def test_synthesis_api_overview_pools_what_the_demo_data_allow_and_gives_reasons_for_the_rest(
        client: TestClient) -> None:
    body = client.get(META).json()
    assert body["count"] == body["pooled"] + body["refused"] > 0
    assert body["review_update"]
    refused = [o for o in body["data"] if o["status"] == "refused"]
    assert refused and all(o["reason"] and o["message"] for o in refused)
    pooled = {(o["scope_id"], o["metric"]) for o in body["data"] if o["status"] == "pooled"}
    assert ("GeneRelated", "accuracy") in pooled


def test_synthesis_api_meta_analysis_json_carries_the_forest_numbers(client: TestClient) -> None:
    body = client.get(META, params={"cause": "gene-related", "metric": "accuracy", "method": "dl"}).json()
    analysis, forest = body["analysis"], body["forest"]
    assert analysis["model"] == "univariate" and analysis["method"] == "DerSimonian-Laird"
    assert [row["study_id"] for row in forest["rows"]] == [s["study_id"] for s in analysis["studies"]]
    assert forest["pooled_estimate"] == pytest.approx(analysis["pooled"]["estimate"])
    assert body["review_update"] == analysis["review_update"] is not None


@pytest.mark.parametrize(("params", "media"), [
    pytest.param({"cause": "gene-related", "metric": "accuracy", "format": "svg"}, "image/svg+xml", id="forest-svg"),
    pytest.param({"cause": "gene-related", "metric": "accuracy", "format": "png"}, "image/png", id="forest-png"),
])
def test_synthesis_api_forest_plot_renders(client: TestClient, params: dict, media: str) -> None:
    response = client.get(META, params=params)
    assert response.status_code == 200 and response.headers["content-type"] == media
    assert is_svg(response.content) if media == "image/svg+xml" else response.content.startswith(b"\x89PNG")


def test_synthesis_api_bivariate_model_matches_mada_and_draws_an_sroc(auditc_client: TestClient) -> None:
    body = auditc_client.get(META, params={"condition": "Down syndrome", "model": "bivariate"}).json()
    fit = body["analysis"]["bivariate"]
    assert round(fit["sensitivity"], 3) == MADA_AUDITC["sensitivity"][0]
    assert round(fit["false_positive_rate"], 3) == MADA_AUDITC["false_positive_rate"][0]
    sroc = body["sroc"]
    assert len(sroc["studies"]) == 14 and sroc["summary"] == pytest.approx([fit["false_positive_rate"],
                                                                            fit["sensitivity"]])
    assert len(sroc["confidence_region"]) == len(sroc["prediction_region"]) > 10
    picture = auditc_client.get(META, params={"condition": "Down syndrome", "model": "bivariate", "format": "svg"})
    assert picture.headers["content-type"] == "image/svg+xml" and is_svg(picture.content)


@pytest.mark.parametrize(("params", "reason"), [
    pytest.param({"condition": "thyroid eye disease", "model": "bivariate"}, "too-few-studies", id="too-few"),
    pytest.param({"cause": "endocrine", "metric": "specificity"}, "mixed-test-sets", id="internal-vs-external"),
    pytest.param({"cause": "endocrine", "metric": "AUC"}, "metric-not-poolable", id="auc"),
])
def test_synthesis_api_refusals_are_problems_with_the_reason(client: TestClient, params: dict, reason: str) -> None:
    response = client.get(META, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["reason"] == reason and problem["detail"]


def test_synthesis_api_pools_one_test_set_kind_when_asked(client: TestClient) -> None:
    body = client.get(META, params={"cause": "endocrine", "metric": "specificity", "test_set": "internal"}).json()
    assert body["analysis"]["test_sets"] == ["internal"]
    assert all(s["test_set"] != "external" for s in body["analysis"]["studies"])


def test_synthesis_api_unknown_names_are_404_and_the_overview_has_a_picture(client: TestClient) -> None:
    unknown = client.get(META, params={"condition": "no such syndrome"})
    assert unknown.status_code == 404 and unknown.json()["parameter"] == "condition"
    picture = client.get(META, params={"format": "svg"})
    assert picture.status_code == 200 and picture.headers["content-type"].startswith("image/svg+xml")
    assert b"every pooled pair" in picture.content


def test_synthesis_api_subgroups_list_gaps_and_flag_conditions_without_them(client: TestClient) -> None:
    body = client.get("/v1/synthesis/subgroups").json()
    rows = {r["condition_id"]: r for r in body["conditions"]}
    wbs = rows["WilliamsBeurenSyndrome"]
    assert {g["group"] for g in wbs["gaps"]} == {"African", "Asian", "Latin American"}
    assert all(g["reference"] == "Caucasian" and g["uncertainty"] == "not-computable" for g in wbs["gaps"])
    assert rows["DownSyndrome"]["flag"] == "no-subgroup-results"


def test_synthesis_api_prisma_flow_as_json_and_as_a_diagram(client: TestClient) -> None:
    flow = client.get("/v1/synthesis/prisma").json()
    assert flow["cumulative"]["total_studies"] == flow["updates"][-1]["total_studies"]
    assert flow["cumulative"]["report_exclusions"] == [{"reason": "retracted publication", "count": 1}]
    picture = client.get("/v1/synthesis/prisma", params={"format": "svg"})
    assert picture.headers["content-type"] == "image/svg+xml" and is_svg(picture.content)
    assert client.get("/v1/synthesis/prisma", params={"format": "svg", "update": "nope"}).status_code == 404


def test_synthesis_api_characteristics_as_json_and_csv(client: TestClient) -> None:
    body = client.get("/v1/synthesis/characteristics", params={"condition": "Down syndrome"}).json()
    ids = [s["id"] for s in body["studies"]]
    assert ids and "kruszka-2017-down-diverse" in ids
    table = client.get("/v1/synthesis/characteristics", params={"condition": "Down syndrome", "format": "csv"})
    assert table.headers["content-type"].startswith("text/csv")
    assert [r["id"] for r in csv.DictReader(io.StringIO(table.text))] == ids


def test_synthesis_api_model_vs_clinicians_numbers_and_picture(client: TestClient) -> None:
    body = client.get("/v1/synthesis/model-vs-clinicians").json()
    assert body["pairs"] and body["model_higher"] + body["clinicians_higher"] + body["equal"] == len(body["pairs"])
    picture = client.get("/v1/synthesis/model-vs-clinicians", params={"format": "svg"})
    assert is_svg(picture.content)


def test_synthesis_api_overview_reports_the_bivariate_pair_with_both_summaries(auditc_client: TestClient) -> None:
    body = auditc_client.get(META).json()
    bivariate = next(o for o in body["data"] if o["scope_id"] == "DownSyndrome" and o["model"] == "bivariate")
    assert bivariate["status"] == "pooled" and bivariate["k"] == 14
    assert round(bivariate["estimate"], 3) == MADA_AUDITC["sensitivity"][0]
    assert round(1 - bivariate["specificity"], 3) == MADA_AUDITC["false_positive_rate"][0]
    assert bivariate["specificity_ci_low"] < bivariate["specificity"] < bivariate["specificity_ci_high"]
