"""``facekg release`` (run as a user runs it), the release registry, "cite as" on pages, and CITATION.cff."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.web.citation import AUTHORS
from facekg.settings import Settings
from ontology import Ontology
from tests.data import ROOT
from tests.living_data import TwoUpdates, load_two_updates
from tests.review_http import auth, reviewers, writable_copy

BIN = Path(sys.executable).parent
FACEKG = str(BIN / "facekg")


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"}
    return subprocess.run([FACEKG, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, ontology: Ontology) -> tuple[Path, Path, TwoUpdates]:
    data_dir = tmp_path_factory.mktemp("release-data")
    loaded = load_two_updates(data_dir, ontology)
    bundle = tmp_path_factory.mktemp("bundles") / "1.0"
    result = run(["release", "--version", "1.0", "--out", str(bundle)], data_dir)
    assert result.returncode == 0, result.stderr
    assert f"release 1.0 of review update {loaded.second}" in result.stdout
    return data_dir, bundle, loaded


def test_release_writes_every_export_with_its_checksum_in_the_manifest(
        released: tuple[Path, Path, TwoUpdates]) -> None:
    _, bundle, loaded = released
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "1.0" and manifest["review_update"] == loaded.second
    assert manifest["ontology_version"] == "0.1.0"
    assert manifest["counts"]["studies"] == len(loaded.first_ids) + len(loaded.second_ids)
    assert manifest["counts"]["review_updates"] == 2 and manifest["counts"]["facts_architectures"] > 0
    formats = {item["format"] for item in manifest["exports"]}
    assert formats == {"ttl", "jsonld", "graphml", "csv", "jsonl"}
    for item in manifest["exports"]:
        data = (bundle / item["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"] and len(data) == item["bytes"] > 0


def test_a_release_is_recorded_and_listed(released: tuple[Path, Path, TwoUpdates]) -> None:
    data_dir, _, loaded = released
    registry = json.loads((data_dir / "releases.json").read_text(encoding="utf-8"))
    assert [(r["version"], r["review_update"]) for r in registry] == [("1.0", loaded.second)]
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        body = client.get("/v1/releases").json()
    assert [r["version"] for r in body["data"]] == ["1.0"] and body["count"] == 1


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["--version", "1.0"], "release 1.0 exists already", id="same-version-twice"),
    pytest.param(["--version", "v2"], "--version", id="not-a-version"),
])
def test_release_refusals_are_one_line_errors(released: tuple[Path, Path, TwoUpdates], tmp_path: Path,
                                              args: list[str], expected: str) -> None:
    data_dir, _, _ = released
    result = run(["release", *args, "--out", str(tmp_path / "bundle")], data_dir)
    assert result.returncode == 1
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_release_refuses_a_folder_that_is_not_empty(released: tuple[Path, Path, TwoUpdates], tmp_path: Path) -> None:
    data_dir, _, _ = released
    (tmp_path / "old.txt").write_text("something else", encoding="utf-8")
    result = run(["release", "--version", "1.1", "--out", str(tmp_path)], data_dir)
    assert result.returncode == 1 and "not empty" in result.stderr and str(tmp_path) in result.stderr
    registry = json.loads((data_dir / "releases.json").read_text(encoding="utf-8"))
    assert [r["version"] for r in registry] == ["1.0"]


def test_release_of_an_empty_review_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = run(["release", "--version", "1.0", "--out", str(tmp_path / "bundle")], tmp_path / "data")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no review update" in result.stderr and not (tmp_path / "bundle").exists()


def test_study_and_condition_pages_cite_the_latest_release_pinned_to_its_update(
        released: tuple[Path, Path, TwoUpdates]) -> None:
    data_dir, _, loaded = released
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        study = client.get(f"/studies/{loaded.changed_id}").text
        condition_id = client.get(f"/v1/studies/{loaded.changed_id}").json()["conditions"][0]["concept_id"]
        condition = client.get(f"/conditions/{condition_id}").text
        pinned = client.get(f"/studies/{loaded.changed_id}", params={"as_of": loaded.second})
    for page in (study, condition):
        assert 'id="cite-as"' in page and "release 1.0 (review update " + loaded.second in page
        assert f"?as_of={loaded.second}" in page and AUTHORS in page
    assert pinned.status_code == 200


def test_pages_before_any_release_cite_the_update_and_a_release_changes_their_etag(
        tmp_path: Path, ontology: Ontology) -> None:
    loaded = load_two_updates(tmp_path, ontology)
    with TestClient(create_app(Settings(data_dir=tmp_path, backend="memory"))) as client:
        before = client.get(f"/studies/{loaded.changed_id}")
        assert f"review update {loaded.second}" in before.text and "(no release yet)" in before.text
        assert run(["release", "--version", "0.9", "--out", str(tmp_path / "bundle")], tmp_path).returncode == 0
        after = client.get(f"/studies/{loaded.changed_id}", headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and "release 0.9" in after.text


def test_citation_cff_is_valid_cff_1_2_0(tmp_path: Path) -> None:
    cff = ROOT / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    assert AUTHORS in text
    ok = subprocess.run([str(BIN / "cffconvert"), "--validate", "-i", str(cff)], capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "CITATION.cff"
    broken.write_text(text.replace("cff-version: 1.2.0", "cff-version: 1.2.0\ntitle: [not, a, string]", 1)
                      .replace("title: \"facekg", "# title: \"facekg", 1), encoding="utf-8")
    bad = subprocess.run([str(BIN / "cffconvert"), "--validate", "-i", str(broken)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode != 0  # the validator does reject what the schema forbids


def test_as_of_a_release_version_answers_as_of_the_update_it_froze(released: tuple[Path, Path, TwoUpdates],
                                                                    tmp_path: Path) -> None:
    source, _, loaded = released
    data_dir = writable_copy(source, tmp_path / "data")
    keys = reviewers(data_dir, ("AB", "reviewer"))
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        decided = client.post(f"/v1/studies/{loaded.changed_id}/screening", headers=auth(keys["AB"]),
                              json={"stage": "title-abstract", "decision": "exclude", "reason": "not-deep-learning"})
        assert decided.status_code == 201, decided.text
        latest = client.get("/v1/overview")
        assert latest.headers["X-Facekg-Update"] != loaded.second  # the decision is a later update
        pinned = client.get("/v1/overview", params={"as_of": "1.0"})
        assert pinned.headers["X-Facekg-Update"] == pinned.json()["review_update"] == loaded.second
        by_id = client.get("/v1/overview", params={"as_of": loaded.second})
        assert pinned.json() == by_id.json()
        unknown = client.get("/v1/overview", params={"as_of": "9.9"})
        assert unknown.status_code == 422 and "as_of" in unknown.text
