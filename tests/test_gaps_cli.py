"""``facekg gaps`` commands, run in-process with typer's runner over a data directory holding the fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.gaps import register
from facekg.records import ReviewUpdate
from graph.sqlite_store import SqliteStore
from tests.gap_fixtures import corpus


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gaps-cli")
    SqliteStore(path).write(corpus(), ReviewUpdate(id="u1", created_at="2026-01-01T00:00:00+00:00",
                                                     source="tests"))
    return path


def invoke(data_dir: Path, *args: str) -> tuple[int, str]:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """facekg (test harness)."""

    register(app)
    result = CliRunner().invoke(app, ["gaps", *args],
                                env={"FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"})
    return result.exit_code, result.output


def test_gaps_cli_evidence_json(data_dir: Path) -> None:
    code, output = invoke(data_dir, "evidence", "--json", "--reference-year", "2026",
                          "--cause", "gene-related")
    assert code == 0, output
    items = {item["id"]: item for item in json.loads(output)["items"]}
    assert items["NoonanSyndrome"]["grade"] == "no-deep-learning"
    assert items["RettSyndrome"]["grade"] == "no-study"


def test_gaps_cli_evidence_text_groups_by_cause(data_dir: Path) -> None:
    code, output = invoke(data_dir, "evidence", "--rule", "no-deep-learning")
    assert code == 0, output
    assert "gene-related (Table 4)" in output
    assert "- no-deep-learning: 1 study, none using deep learning (ns-classical)" in output


def test_gaps_cli_bias(data_dir: Path) -> None:
    code, output = invoke(data_dir, "bias", "--condition", "Down syndrome", "--attribute", "sex")
    assert code == 0, output
    assert "Down syndrome (2 studies): sex 2/2" in output


@pytest.mark.parametrize(("fmt", "magic"), [
    pytest.param("svg", b"<?xml", id="svg"),
    pytest.param("png", b"\x89PNG", id="png"),
    pytest.param("json", b"{", id="json"),
])
def test_gaps_cli_map_writes_a_file(data_dir: Path, tmp_path: Path, fmt: str, magic: bytes) -> None:
    out = tmp_path / f"map.{fmt}"
    code, output = invoke(data_dir, "map", "--rows", "cause", "--format", fmt, "--out", str(out))
    assert code == 0, output
    assert out.read_bytes().startswith(magic)


def test_gaps_cli_invalid_rule_fails_with_a_message(data_dir: Path) -> None:
    code, output = invoke(data_dir, "evidence", "--rule", "nope")
    assert code == 1
    assert "parameter 'rule'" in output
