"""The `facekg extract` contract (DESIGN.md §3): shape, offsets, batching, facts, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from facekg.errors import InputError
from facekg.records import ConditionFact, DemographicReport, MetricResult, SampleFact, StudyFlag
from ingest.nlp import EXTRACTOR_VERSION
from ingest.nlp.pipeline import document_text, extract_many, extract_record, facts_from_extraction
from tests.nlp_support import pipeline

TITLE = "Deep learning recognises acromegaly from facial photographs"
ABSTRACT = (
    "Background: Acromegaly is often diagnosed late. Methods: We trained a deep convolutional neural network "
    "on 1,124 photographs of 603 patients and 621 controls from three hospitals in China, and tested it on an "
    "independent external test set. Results: The AUC was 0.96 (95% CI 0.94-0.98); sensitivity and "
    "specificity were 96.0% and 94.5%, respectively. Endocrinologists reached an accuracy of 78%. The mean "
    "age was 44 years and 51% were women; ethnicity was not recorded."
)
CONTRACT_KEYS = {"id", "conditions", "genes", "architectures", "metrics", "sample_sizes",
                 "demographics_reported", "external_validation", "clinician_comparison"}
ITEM_KEYS = {
    "conditions": {"text", "start", "end", "concept_id", "name", "cause_categories"},
    "genes": {"text", "start", "end", "symbol"},
    "architectures": {"text", "start", "end", "concept_id", "name", "is_deep_learning"},
    "metrics": {"name", "value", "unit", "ci_low", "ci_high", "text", "start", "end"},
    "sample_sizes": {"value", "unit", "text"},
}


@pytest.fixture(scope="module")
def result() -> dict:
    return extract_record("acro-1", TITLE, ABSTRACT, nlp=pipeline())


def test_nlp_contract_has_every_required_key(result: dict) -> None:
    assert set(result) >= CONTRACT_KEYS
    for kind, keys in ITEM_KEYS.items():
        assert all(keys <= set(item) for item in result[kind]), kind
    assert set(result["demographics_reported"]) == {"sex", "age", "race_ethnicity", "skin_tone", "geography"}
    assert all(isinstance(v, bool) for v in result["demographics_reported"].values())
    assert isinstance(result["external_validation"], bool) and isinstance(result["clinician_comparison"], bool)
    json.dumps(result)  # serialisable as one JSONL line


def test_nlp_contract_offsets_index_title_newline_abstract(result: dict) -> None:
    text = document_text(TITLE, ABSTRACT)
    for kind in ("conditions", "genes", "architectures", "metrics"):
        for item in result[kind]:
            assert text[item["start"]:item["end"]] == item["text"], item
    assert result["conditions"][0]["start"] == TITLE.index("acromegaly")


def test_nlp_contract_content(result: dict) -> None:
    assert {c["concept_id"] for c in result["conditions"]} == {"Acromegaly"}
    assert result["conditions"][0]["cause_categories"] == ["Endocrine"]
    figures = {(m["name"], m["value"], m["unit"], m["ci_low"], m["ci_high"], m["subject"])
               for m in result["metrics"]}
    assert figures == {("AUC", 0.96, "fraction", 0.94, 0.98, "model"), ("sensitivity", 96.0, "%", None, None, "model"),
                       ("specificity", 94.5, "%", None, None, "model"),
                       ("accuracy", 78.0, "%", None, None, "clinicians")}
    assert [(s["value"], s["unit"]) for s in result["sample_sizes"]] == [
        (1124, "images"), (603, "patients"), (621, "controls")]
    assert result["demographics_reported"] == {"sex": True, "age": True, "race_ethnicity": False,
                                               "skin_tone": False, "geography": True}
    assert result["external_validation"] is True and result["clinician_comparison"] is True


def test_nlp_extract_many_matches_extract_record_in_order() -> None:
    records = [{"id": f"r{i}", "title": TITLE, "abstract": ABSTRACT if i % 2 else "No abstract content."}
               for i in range(5)]
    batch = list(extract_many(records, batch_size=2, nlp=pipeline()))
    assert [r["id"] for r in batch] == ["r0", "r1", "r2", "r3", "r4"]
    assert batch[1] == extract_record("r1", TITLE, ABSTRACT, nlp=pipeline())


def test_nlp_facts_carry_provenance(result: dict) -> None:
    facts = facts_from_extraction(result)
    condition = facts["conditions"][0]
    assert isinstance(condition, ConditionFact) and condition.concept_id == "Acromegaly"
    evidence = condition.provenance.evidence
    assert condition.provenance.source == "extracted" and condition.provenance.extractor_version == EXTRACTOR_VERSION
    assert evidence is not None and evidence.text == "acromegaly" and evidence.sentence == TITLE
    clinician = [m for m in facts["metrics"] if isinstance(m, MetricResult) and m.subject == "clinicians"]
    assert [(m.metric, m.value) for m in clinician] == [("accuracy", 78.0)]
    assert all(isinstance(s, SampleFact) for s in facts["samples"])
    reports = {d.attribute: d.reported for d in facts["demographics"] if isinstance(d, DemographicReport)}
    assert reports["race_ethnicity"] is False and reports["sex"] is True
    flags = {f.name: f.value for f in facts["flags"] if isinstance(f, StudyFlag)}
    assert flags == {"external_validation": True, "clinician_comparison": True}


def _cli() -> typer.Typer:
    from cli.extract import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:  # keeps "extract" a subcommand
        """facekg"""

    return app


def test_nlp_cli_extract_writes_one_object_per_record(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"id": f"s{i}", "title": TITLE, "abstract": ABSTRACT})
                                for i in range(3)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    outcome = CliRunner().invoke(_cli(), ["extract", str(source), "--out", str(out)])
    assert outcome.exit_code == 0, outcome.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["s0", "s1", "s2"] and all(set(r) >= CONTRACT_KEYS for r in rows)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param('{"id": "a", "title": "T", "abstract": "A"}\n{"title": "T"}\n', "record line 2, field 'id'",
                     id="missing-id"),
        pytest.param('{"id": "a", "title": "T"\n', "record line 1", id="bad-json"),
        pytest.param('{"id": "a", "title": 3}\n', "field 'title'", id="wrong-type"),
    ],
)
def test_nlp_cli_extract_bad_input_names_file_line_field(tmp_path: Path, content: str, message: str) -> None:
    from ingest.abstracts import read_abstracts

    source = tmp_path / "bad.jsonl"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_abstracts(source, "jsonl"))
    assert str(source) in str(info.value) and message in str(info.value)
    outcome = CliRunner().invoke(_cli(), ["extract", str(source), "--out", str(tmp_path / "o.jsonl")])
    assert outcome.exit_code == 1 and not (tmp_path / "o.jsonl").exists()
