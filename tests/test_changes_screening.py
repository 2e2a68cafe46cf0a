"""Screening in the change list: a consensus that excludes a study is an update subscribers see, with its reason.

Only the review's resolved status is listed; a reviewer's own decision stays blind (the review API's rule).
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from tests.review_http import auth, reviewers, writable_copy

STUDY = "gurovich-2019-deepgestalt"


def test_a_consensus_exclusion_is_listed_in_the_changes_and_the_feed(demo_data_dir: Path, tmp_path: Path) -> None:
    data_dir = writable_copy(demo_data_dir, tmp_path / "data")
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"), ("CD", "reviewer"))
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        last = client.get("/v1/updates", params={"limit": 1000}).json()["data"][-1]["id"]
        assert client.get("/v1/changes", params={"since": last}).json()["data"] == []
        for reviewer, decision in (("AB", "exclude"), ("CD", "include")):
            body = {"stage": "title-abstract", "decision": decision,
                    **({"reason": "not-deep-learning"} if decision == "exclude" else {})}
            assert client.post(f"/v1/studies/{STUDY}/screening", json=body,
                               headers=auth(keys[reviewer])).status_code == 201
        resolved = client.post(f"/v1/studies/{STUDY}/screening/consensus", headers=auth(keys["Admin"]),
                               json={"stage": "title-abstract", "decision": "exclude", "reason": "not-deep-learning"})
        assert resolved.status_code == 201, resolved.text

        later = client.get("/v1/changes", params={"since": last}).json()["data"]
        screening = [change for entry in later for change in entry["screening"]]
        assert screening and {c["study_id"] for c in screening} == {STUDY}
        final = screening[-1]
        assert final["status"] == "excluded" and final["reasons"] == ["not-deep-learning"]
        assert later[-1]["counts"]["screening_changed"] == 1
        assert all(set(c) == {"study_id", "title", "status_before", "status", "reasons"} for c in screening)
        assert "1 screening statuses changed" in client.get("/feeds/updates.atom").text
        page = client.get("/updates")
        assert page.status_code == 200 and "excluded (not-deep-learning)" in page.text
