"""A two-reviewer review over HTTP, through the real app: screen 20 studies blind, agree, resolve, extract, judge.

The same session is the README's walkthrough (curl lines). Kappa is checked
against a value computed here from the two reviewers' decisions, by the
textbook formula (observed minus chance agreement over one minus chance).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from tests.review_http import auth, filled, judge_by_consensus, reviewers, writable_copy

# Which of the 20 studies each reviewer excludes at title/abstract (by position); the rest they include.
AB_EXCLUDES = {2, 5, 9, 14}
CD_EXCLUDES = {2, 5, 10}


@pytest.fixture
def session(demo_ingested_dir: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    data_dir = writable_copy(demo_ingested_dir, tmp_path / "data")
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        yield client, data_dir


def independent_kappa(first: list[str], second: list[str]) -> tuple[float, float]:
    """Percent agreement and Cohen's kappa, from the two rating lists."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    labels = set(first) | set(second)
    chance = sum((first.count(label) / n) * (second.count(label) / n) for label in labels)
    return 100 * observed, (observed - chance) / (1 - chance)


def test_a_two_reviewer_session_screens_blind_agrees_resolves_extracts_and_judges(
        session: tuple[TestClient, Path]) -> None:
    client, data_dir = session
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"))
    added = client.post("/v1/reviewers", json={"name": "CD"}, headers=auth(keys["Admin"]))
    assert added.status_code == 201 and added.json()["role"] == "reviewer"
    keys["CD"] = added.json()["key"]
    assert [r["id"] for r in client.get("/v1/reviewers").json()] == ["AB", "Admin", "CD"]

    studies = sorted(s["id"] for s in client.get("/v1/studies", params={"limit": 500}).json()["data"])[:20]
    overview_before = client.get("/v1/overview").json()["studies"]
    excluded_id = studies[2]
    bias_before = client.get("/v1/gaps/bias-reporting").text
    assert excluded_id in bias_before

    # Screen blind: after AB decides, CD (and the public) cannot see AB's decision until CD has decided too.
    votes: dict[str, list[str]] = {"AB": [], "CD": []}
    for index, study in enumerate(studies):
        for reviewer, excludes in (("AB", AB_EXCLUDES), ("CD", CD_EXCLUDES)):
            decision = "exclude" if index in excludes else "include"
            reason = {"AB": "not-deep-learning", "CD": "no deep learning model, only an SVM"}[reviewer]
            body = {"stage": "title-abstract", "decision": decision, **({"reason": reason} if decision == "exclude"
                                                                      else {})}
            response = client.post(f"/v1/studies/{study}/screening", json=body, headers=auth(keys[reviewer]))
            assert response.status_code == 201, response.text
            votes[reviewer].append(decision)
            if index == 0 and reviewer == "AB":
                seen_by_cd = client.get(f"/v1/studies/{study}/review", headers=auth(keys["CD"])).json()
                assert seen_by_cd["entries"]["screening"] == []
                assert seen_by_cd["entries"]["hidden"] == {"screening/title-abstract": 1}
                assert seen_by_cd["status"]["stages"][0]["decisions"] == {}
                public = client.get(f"/v1/studies/{study}/review").json()
                assert public["entries"]["screening"] == [] and public["entries"]["hidden"]
        if index == 0:
            both = client.get(f"/v1/studies/{study}/review", headers=auth(keys["CD"])).json()
            assert {entry["reviewer"] for entry in both["entries"]["screening"]} == {"AB", "CD"}

    # Agreement against the independent computation.
    agreement = client.get("/v1/agreement", params={"stage": "title-abstract"}).json()
    percent, kappa = independent_kappa(votes["AB"], votes["CD"])
    assert agreement["n"] == 20
    assert agreement["percent_agreement"] == pytest.approx(percent, abs=1e-9)
    assert agreement["kappa"] == pytest.approx(kappa, abs=1e-9)
    assert agreement["ci_low"] < agreement["kappa"] < agreement["ci_high"]
    assert {d["subject"] for d in agreement["discrepancies"]} == {studies[i] for i in (9, 10, 14)}

    # Consensus on the three discrepancies (admin), full text for two studies.
    for index, decision in ((9, "include"), (10, "exclude"), (14, "include")):
        body = {"stage": "title-abstract", "decision": decision,
                **({"reason": "non-human"} if decision == "exclude" else {})}
        response = client.post(f"/v1/studies/{studies[index]}/screening/consensus", json=body,
                               headers=auth(keys["Admin"]))
        assert response.status_code == 201, response.text
        assert response.json()["resolution"] == {"resolver": "Admin", "reviewers": ["AB", "CD"], "note": None}
    for study in studies[:2]:
        for reviewer in ("AB", "CD"):
            response = client.post(f"/v1/studies/{study}/screening", json={"stage": "full-text", "decision":
                                   "include"}, headers=auth(keys[reviewer]))
            assert response.status_code == 201

    # Excluded studies: listed with their reasons, gone from every count.
    excluded = client.get("/v1/studies", params={"screening": "excluded", "limit": 500}).json()["data"]
    reasons = {study["id"]: study["screening"]["review_reasons"] for study in excluded}
    assert reasons == {studies[2]: ["not-deep-learning", "no deep learning model, only an SVM"],
                       studies[5]: ["not-deep-learning", "no deep learning model, only an SVM"],
                       studies[10]: ["non-human"]}
    counted = client.get("/v1/studies", params={"limit": 500})
    assert counted.headers["Facekg-Counting"] == "provisional" and counted.headers["Facekg-Provisional"] == "true"
    assert excluded_id not in {study["id"] for study in counted.json()["data"]}
    assert client.get("/v1/overview").json()["studies"] == overview_before - 3
    for url in ("/v1/gaps/bias-reporting", "/v1/gaps/map", "/v1/gaps/evidence", "/v1/conditions?limit=500",
                "/v1/synthesis/characteristics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert excluded_id not in response.text, url
    under_consensus = client.get("/v1/studies", params={"counting": "consensus", "limit": 500})
    assert sorted(study["id"] for study in under_consensus.json()["data"]) == sorted(studies[:2])
    assert under_consensus.headers["Facekg-Provisional"] == "false"
    counting = client.get("/v1/counting").json()
    assert {item["id"]: item["reasons"] for item in counting["excluded"]} == reasons

    # Extraction of two studies: prefilled forms, blind until both submitted, then consensus facts in the graph.
    candidates = [s for s in studies if s not in reasons and any(
        fact["provenance"]["source"] == "extracted" for section in ("conditions", "samples", "architectures",
                                                                    "metrics", "demographics")
        for fact in client.get(f"/v1/studies/{s}").json()[section])]
    assert len(candidates) >= 2
    for study in candidates[:2]:
        forms = {reviewer: client.get(f"/v1/studies/{study}/extraction", headers=auth(keys[reviewer])).json()
                 for reviewer in ("AB", "CD")}
        assert forms["AB"]["reviewer"] == "AB" and forms["AB"]["submitted"] is False
        assert [f["key"] for f in forms["AB"]["conditions"]] == [f["key"] for f in forms["CD"]["conditions"]]
        saved = client.put(f"/v1/studies/{study}/extraction", json=filled(forms["AB"]), headers=auth(keys["AB"]))
        assert saved.status_code == 200, saved.text
        hidden = client.get(f"/v1/studies/{study}/review", headers=auth(keys["CD"])).json()["entries"]
        assert hidden["extraction"] == [] and hidden["hidden"]["extraction"] == 1
        saved = client.put(f"/v1/studies/{study}/extraction", json=filled(forms["CD"], reject_first=True),
                           headers=auth(keys["CD"]))
        assert saved.status_code == 200, saved.text
        shown = client.get(f"/v1/studies/{study}/review").json()["entries"]["extraction"]
        assert {form["reviewer"] for form in shown} == {"AB", "CD"}
        consensus_form = {key: value for key, value in forms["AB"].items() if key not in ("reviewer", "submitted")}
        resolved = client.put(f"/v1/studies/{study}/extraction/consensus", json=consensus_form,
                              headers=auth(keys["Admin"]))
        assert resolved.status_code == 200, resolved.text
        stored = client.get(f"/v1/studies/{study}").json()
        sources = {fact["provenance"]["source"] for section in ("conditions", "samples", "architectures")
                   for fact in stored[section]}
        assert "consensus" in sources and "extracted" not in sources
        consensus_fact = next(fact for section in ("conditions", "samples", "architectures")
                              for fact in stored[section] if fact["provenance"]["source"] == "consensus")
        assert consensus_fact["provenance"]["reviewer"] == "Admin"
        assert consensus_fact["provenance"]["reviewers"] == ["AB", "CD"]
    by_section = {item["scope"]: item for item in client.get("/v1/agreement/extraction").json()}
    assert by_section["extraction:demographics"]["n"] > 0
    assert sum(len(item["discrepancies"]) for item in by_section.values()) == 2  # CD rejected one proposal each

    # Risk of bias with two tools, by consensus; summaries and pictures.
    judged = candidates[0]
    for tool_id in ("rob1", "quadas2"):
        tool = judge_by_consensus(client, keys, judged, tool_id, ("low", "high"), "unclear")
        summary = client.get(f"/v1/rob/{tool_id}/summary").json()
        assert [row["study_id"] for row in summary["studies"]] == [judged]
        first_domain = tool["domains"][0]["id"]
        assert summary["studies"][0]["levels"][first_domain] == "unclear"
        assert summary["domains"][0]["counts"]["unclear"] == 1
        picture = client.get(f"/v1/rob/{tool_id}/plot", params={"kind": "traffic-light"})
        assert picture.headers["content-type"].startswith("image/svg+xml") and b"<svg" in picture.content
        bars = client.get(f"/v1/rob/{tool_id}/plot", params={"kind": "summary", "format": "png"})
        assert bars.content.startswith(b"\x89PNG")

    # The audit trail holds every write, with its author.
    audit = client.get("/v1/audit", params={"kind": "screening", "limit": 1000}).json()
    assert audit["count"] == 20 * 2 + 2 * 2
    assert {row["actor"] for row in audit["data"]} == {"AB", "CD"}
    consensus_rows = client.get("/v1/audit", params={"kind": "consensus"}).json()
    assert consensus_rows["count"] == 3 and {row["actor"] for row in consensus_rows["data"]} == {"Admin"}
    reviewer_rows = client.get("/v1/audit", params={"kind": "reviewer"}).json()["data"]
    assert all(row["after"]["key_hash"] == "(hidden)" for row in reviewer_rows)
