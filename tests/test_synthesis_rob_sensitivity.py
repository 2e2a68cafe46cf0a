"""Sensitivity analysis by risk of bias: a study the review's consensus judges at high risk leaves the pooling.

Through the real app on the demo corpus: the largest pooled pair is taken, two
reviewers and the admin judge one of its studies high risk with RoB 1, and the
same analysis asked with ``exclude_high_risk=rob1`` pools one study fewer and
names the one it left out and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from tests.review_http import judge_by_consensus, reviewers, writable_copy


@pytest.fixture
def client_and_dir(demo_ingested_dir: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    data_dir = writable_copy(demo_ingested_dir, tmp_path / "data")
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        yield client, data_dir


def _analysis(client: TestClient, params: dict[str, str]) -> dict:
    response = client.get("/v1/synthesis/meta-analysis", params=params)
    assert response.status_code == 200, response.text
    return response.json()["analysis"]


def test_a_high_risk_study_by_consensus_leaves_the_sensitivity_analysis(
        client_and_dir: tuple[TestClient, Path]) -> None:
    client, data_dir = client_and_dir
    pairs = client.get("/v1/synthesis/meta-analysis").json()["data"]
    pooled = [p for p in pairs if p["status"] == "pooled" and p["model"] == "univariate"]
    assert pooled
    pair = max(pooled, key=lambda p: p["k"])
    params = {pair["scope_kind"]: pair["scope_id"], "metric": pair["metric"]}
    before = _analysis(client, params)
    studies = [row["study_id"] for row in before["studies"]]
    assert len(studies) == pair["k"]
    # Nothing is judged yet: asking for the sensitivity analysis changes nothing.
    assert _analysis(client, {**params, "exclude_high_risk": "rob1"})["pooled"] == before["pooled"]

    judged = studies[0]
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"), ("CD", "reviewer"))
    judge_by_consensus(client, keys, judged, "rob1", ("high", "low"), "high")

    response = client.get("/v1/synthesis/meta-analysis", params={**params, "exclude_high_risk": "rob1"})
    if pair["k"] > 2:
        after = response.json()["analysis"]
        assert [row["study_id"] for row in after["studies"]] == studies[1:]
        left_out = [e for e in after["excluded"] if e["study_id"] == judged]
        assert left_out and "high risk of bias" in left_out[0]["reason"] and "rob1" in left_out[0]["reason"]
        assert after["pooled"]["logit"]["k"] == pair["k"] - 1
    else:  # the demo's pairs pool two studies: one left is too few, and the refusal says which one left and why
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["reason"] == "too-few-studies"
        assert judged in response.text and "high risk of bias overall (rob1)" in response.text
    # Without the option the judged study is pooled as before; another tool's consensus does not exclude it.
    assert [row["study_id"] for row in _analysis(client, params)["studies"]] == studies
    assert [row["study_id"] for row in _analysis(client, {**params, "exclude_high_risk": "quadas2"})["studies"]] \
        == studies


def test_an_unknown_risk_of_bias_tool_is_a_404_naming_it(client_and_dir: tuple[TestClient, Path]) -> None:
    client, _ = client_and_dir
    response = client.get("/v1/synthesis/meta-analysis",
                          params={"cause": "gene-related", "metric": "accuracy", "exclude_high_risk": "astrology"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "astrology" in response.json()["detail"]


def test_the_characteristics_table_shows_each_studys_consensus_risk_of_bias(
        client_and_dir: tuple[TestClient, Path]) -> None:
    client, data_dir = client_and_dir
    rows = client.get("/v1/synthesis/characteristics").json()["studies"]
    assert {row["risk_of_bias"] for row in rows} == {"not assessed"}
    judged = rows[0]["id"]
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"), ("CD", "reviewer"))
    for tool_id, consensus in (("rob1", "high"), ("quadas2", "low")):
        judge_by_consensus(client, keys, judged, tool_id, (consensus, consensus), consensus)
    table = client.get("/v1/synthesis/characteristics").json()
    by_id = {row["id"]: row["risk_of_bias"] for row in table["studies"]}
    assert by_id[judged] == "quadas2: low; rob1: high"
    assert sum(value == "not assessed" for value in by_id.values()) == len(by_id) - 1
    csv_text = client.get("/v1/synthesis/characteristics", params={"format": "csv"}).text
    assert "quadas2: low; rob1: high" in csv_text
