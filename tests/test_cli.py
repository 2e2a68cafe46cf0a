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


def test_cli_version() -> None:
    from facekg import __version__

    result = subprocess.run([FACEKG, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"facekg {__version__}"


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["load", "missing.jsonl"], "missing.jsonl", id="missing-file"),
    pytest.param(["ingest", "."], "is a directory", id="directory-as-file"),
    pytest.param(["extract", "missing.jsonl", "--out", "out.jsonl"], "no such file", id="extract-missing"),
    pytest.param(["screen", "missing.jsonl", "--out", "out.jsonl"], "no such file", id="screen-missing"),
    pytest.param(["ingest", str(DEMO_STUDIES), "--column-map", "{bad"], "'--column-map'", id="bad-column-map"),
    pytest.param(["ingest", str(DEMO_STUDIES), "--pdf-dir", "no-such-dir"], "no such directory",
                 id="missing-pdf-dir"),
])
def test_cli_bad_arguments_give_one_line_and_no_traceback(tmp_path: Path, args: list[str], expected: str) -> None:
    env = {**os.environ, "FACEKG_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([FACEKG, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert expected in _one_line_error(result)


@pytest.mark.parametrize(("env", "variable"), [
    pytest.param({"FACEKG_PORT": "abc"}, "FACEKG_PORT", id="bad-port"),
    pytest.param({"FACEKG_BACKEND": "sqlite"}, "FACEKG_BACKEND", id="unknown-backend"),
    pytest.param({"FACEKG_BACKEND": "neo4j", "NEO4J_PASSWORD": ""}, "NEO4J_PASSWORD", id="no-neo4j-password"),
])
def test_cli_bad_settings_name_the_variable(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FACEKG_", "NEO4J_"))}
    result = subprocess.run([FACEKG, "stats"], env={**clean, **env}, cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert f"setting {variable}:" in _one_line_error(result)


def test_cli_reads_settings_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("FACEKG_DATA_DIR=from-dot-env\nFACEKG_PORT=abc\n", encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FACEKG_", "NEO4J_"))}
    result = subprocess.run([FACEKG, "stats"], env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "setting FACEKG_PORT:" in _one_line_error(result)
    (tmp_path / ".env").write_text("FACEKG_DATA_DIR=from-dot-env\n", encoding="utf-8")
    result = subprocess.run([FACEKG, "stats"], env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "'from-dot-env' does not exist" in _one_line_error(result)
    (tmp_path / "from-dot-env").mkdir()
    result = subprocess.run([FACEKG, "stats"], env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_cli_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = subprocess.run([FACEKG, "--debug", "load", "missing.jsonl"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and result.stderr.strip().splitlines()[-1].startswith("error: ")


EXPORT = """TY  - JOUR
ID  - own-slug-2020
TI  - Deep learning on facial photographs of children with Noonan syndrome
PY  - 2020
ER  -
TY  - JOUR
TI  - Convolutional networks detect acromegaly from faces
DO  - 10.1000/ACRO.2021
PY  - 2021
ER  -
TY  - JOUR
AU  - Doe, Jane
TI  - A facial recognition study of Williams syndrome in adults
PY  - 2019
ER  -
"""


def test_cli_extract_screen_and_ingest_give_a_record_the_same_id(tmp_path: Path) -> None:
    export = tmp_path / "export.ris"
    export.write_text(EXPORT, encoding="utf-8")
    run(["extract", str(export), "--out", str(tmp_path / "facts.jsonl")], tmp_path)
    run(["screen", str(export), "--out", str(tmp_path / "screen.jsonl")], tmp_path)
    run(["ingest", str(export), "--no-progress"], tmp_path / "data")
    extracted = [json.loads(line)["id"] for line in (tmp_path / "facts.jsonl").read_text().splitlines()]
    screened = [json.loads(line)["id"] for line in (tmp_path / "screen.jsonl").read_text().splitlines()]
    ingested = [json.loads(line)["id"] for line in run(["export", "--format", "jsonl"], tmp_path / "data")
                .stdout.splitlines()]
    assert extracted == screened == ["own-slug-2020", "doi-10-1000-acro-2021",
                                     "doe-2019-a-facial-recognition-study-of-williams"]
    assert sorted(ingested) == sorted(extracted)
