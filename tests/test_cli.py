"""The facekg command line, run as a user runs it (the installed console script)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from tests.data import DEMO_STUDIES

FACEKG = str(Path(sys.executable).parent / "facekg")


def run(args: list[str], data_dir: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"}
    result = subprocess.run([FACEKG, *args], env=env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"facekg {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def loaded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli-data")
    run(["load", str(DEMO_STUDIES)], data_dir)
    return data_dir


def test_cli_load_prints_a_summary_and_a_second_load_changes_nothing(tmp_path: Path) -> None:
    first = run(["load", str(DEMO_STUDIES), "--json"], tmp_path)
    summary = json.loads(first.stdout)
    demo_count = sum(1 for line in DEMO_STUDIES.read_text(encoding="utf-8").splitlines() if line.strip())
    assert summary["created"] == demo_count
    second = json.loads(run(["load", str(DEMO_STUDIES), "--json"], tmp_path).stdout)
    assert second["unchanged"] == demo_count and second["review_update"] is None


def test_cli_load_of_a_malformed_line_fails_naming_file_line_and_field_and_changes_nothing(
        loaded_dir: Path, tmp_path: Path) -> None:
    before = run(["export", "--format", "jsonl"], loaded_dir).stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "new-one", "title": "fine"}\n{"id": "x", "year": 2020}\n', encoding="utf-8")
    result = run(["load", str(bad)], loaded_dir, check=False)
    assert result.returncode != 0
    assert str(bad) in result.stderr and "line 2" in result.stderr and "title" in result.stderr
    assert run(["export", "--format", "jsonl"], loaded_dir).stdout == before


def test_cli_stats_counts_studies_and_updates(loaded_dir: Path) -> None:
    out = run(["stats"], loaded_dir).stdout
    assert "studies: " in out and "Condition" in out and "ADDRESSES" in out


def test_cli_export_jsonl_round_trips_through_load(loaded_dir: Path, tmp_path: Path) -> None:
    exported = tmp_path / "export.jsonl"
    run(["export", "--format", "jsonl", "--out", str(exported)], loaded_dir)
    copy_dir = tmp_path / "copy"
    run(["load", str(exported)], copy_dir)

    def without_update(text: str) -> list[dict]:
        return [{k: v for k, v in json.loads(line).items() if k != "review_update"} for line in text.splitlines()]

    copied = run(["export", "--format", "jsonl"], copy_dir).stdout
    assert without_update(copied) == without_update(exported.read_text(encoding="utf-8"))


def test_cli_export_graphml_and_turtle_parse(loaded_dir: Path, tmp_path: Path) -> None:
    graphml = tmp_path / "g.graphml"
    run(["export", "--format", "graphml", "--out", str(graphml)], loaded_dir)
    graph = nx.read_graphml(graphml)
    assert sum(1 for _n, data in graph.nodes(data=True) if data.get("labels") == ":Study") > 0
    turtle = run(["export", "--format", "ttl"], loaded_dir).stdout
    assert len(Graph().parse(data=turtle, format="turtle")) > 500


def test_cli_gaps_evidence_lists_conditions_without_deep_learning(loaded_dir: Path) -> None:
    out = run(["gaps", "evidence"], loaded_dir).stdout
    assert "Rett syndrome" in out
