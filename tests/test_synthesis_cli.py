"""``facekg synthesis ...`` answers what ``/v1/synthesis/...`` answers, through the real CLI and the real app."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from cli.app import app
from facekg.settings import Settings
from tests.synthesis_site import write_synthesis_review


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthesis_review(tmp_path_factory.mktemp("synthesis-cli"))


@pytest.fixture(scope="module")
def api(data_dir: Path) -> TestClient:
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        yield client


def run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["synthesis", *args],
                                env={"FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"})
    return result.exit_code, result.stdout, result.stderr


def test_synthesis_cli_meta_analysis_gives_the_apis_answer(data_dir: Path, api: TestClient) -> None:
    code, out, err = run(data_dir, "meta-analysis", "--condition", "Down syndrome", "--metric", "specificity")
    assert code == 0, err
    answer = json.loads(out)
    expected = api.get("/v1/synthesis/meta-analysis", params={"condition": "Down syndrome",
                                                              "metric": "specificity"}).json()
    assert answer["analysis"]["pooled"] == expected["analysis"]["pooled"]
    assert len(answer["forest"]["rows"]) == 14 and answer["review_update"] == "u1"


def test_synthesis_cli_bivariate_model_reproduces_mada_and_draws_the_sroc(data_dir: Path, tmp_path: Path) -> None:
    code, out, err = run(data_dir, "meta-analysis", "--condition", "DownSyndrome", "--model", "bivariate")
    assert code == 0, err
    fit = json.loads(out)["analysis"]["bivariate"]
    assert (round(fit["sensitivity"], 3), round(fit["false_positive_rate"], 3)) == (0.891, 0.220)
    picture = tmp_path / "sroc.svg"
    code, _out, err = run(data_dir, "meta-analysis", "--condition", "DownSyndrome", "--model", "bivariate",
                          "--format", "svg", "--out", str(picture))
    assert code == 0 and f"wrote {picture}" in err
    assert ET.fromstring(picture.read_bytes()).tag == "{http://www.w3.org/2000/svg}svg"


def test_synthesis_cli_refuses_to_pool_one_study_in_one_line_with_the_reason(data_dir: Path) -> None:
    code, out, err = run(data_dir, "meta-analysis", "--condition", "thyroid eye disease")
    assert code == 1 and out == ""
    assert err.startswith("error: not pooled (too-few-studies)") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("args", "named"), [
    pytest.param(("--condition", "DownSyndrome", "--metric", "AUC"), "AUC", id="metric-not-pooled"),
    pytest.param(("--condition", "DownSyndrome", "--model", "trivariate"), "--model", id="unknown-model"),
    pytest.param(("--format", "svg"), "--format", id="overview-has-no-picture"),
])
def test_synthesis_cli_bad_options_end_in_one_line_naming_the_option(data_dir: Path, args: tuple[str, ...],
                                                                     named: str) -> None:
    code, _out, err = run(data_dir, "meta-analysis", *args)
    assert code == 1 and named in err and len(err.strip().splitlines()) == 1, err


def test_synthesis_cli_overview_counts_what_pools(data_dir: Path, api: TestClient) -> None:
    code, out, _err = run(data_dir, "meta-analysis")
    assert code == 0
    answer = json.loads(out)
    assert (answer["count"], answer["pooled"]) == (api.get("/v1/synthesis/meta-analysis").json()["count"],
                                                   sum(o["status"] == "pooled" for o in answer["data"]))
    assert any(o["scope_id"] == "DownSyndrome" and o["model"] == "bivariate" and o["status"] == "pooled"
               for o in answer["data"])


def test_synthesis_cli_prisma_json_and_diagram(data_dir: Path) -> None:
    code, out, _err = run(data_dir, "prisma")
    assert code == 0
    flow = json.loads(out)
    assert flow["cumulative"]["databases"] == [{"source": "PubMed", "records": 17}]
    assert (flow["cumulative"]["duplicates_removed"], flow["cumulative"]["total_studies"]) == (2, 15)
    code, out, _err = run(data_dir, "prisma", "--update", "u1", "--format", "svg")
    assert code == 0 and "PRISMA 2020 flow: review update u1" in out
    code, _out, err = run(data_dir, "prisma", "--update", "u9", "--format", "svg")
    assert code == 1 and "u9" in err


def test_synthesis_cli_characteristics_csv_and_subgroups(data_dir: Path) -> None:
    code, out, _err = run(data_dir, "characteristics", "--format", "csv", "--table", "counts")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    conditions = {r["category"]: int(r["count"]) for r in rows if r["variable"] == "condition"}
    assert conditions == {"Down syndrome": 14, "thyroid eye disease": 1}
    code, out, _err = run(data_dir, "subgroups", "--condition", "DownSyndrome")
    assert code == 0
    assert [(c["condition_id"], c["flag"]) for c in json.loads(out)["conditions"]] == [
        ("DownSyndrome", "no-subgroup-results")]
