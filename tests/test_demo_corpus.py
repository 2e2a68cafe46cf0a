"""Specification of the demo structured corpus ``ingest/demo/studies.jsonl``.

The corpus is built by ``scripts/build_demo_corpus.py`` from the curated study
facts in ``../shared/data/studies.facts.jsonl``; these tests read the committed
output and, when the facts file is present, check that a rebuild reproduces it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facekg.records import DEMOGRAPHIC_ATTRIBUTES, StudyRecord
from ontology import Ontology, load_ontology
from tests.scripts_support import load_script

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "ingest" / "demo" / "studies.jsonl"
FACTS = REPO.parent / "shared" / "data" / "studies.facts.jsonl"
MAX_UNMAPPED_CONDITIONS = 2


@pytest.fixture(scope="module")
def records() -> list[StudyRecord]:
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [StudyRecord.model_validate_json(line) for line in lines]


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology()


def test_demo_corpus_has_85_valid_records_with_unique_ids(records: list[StudyRecord]) -> None:
    assert len(records) == 85
    assert len({r.id for r in records}) == 85
    assert len({r.key for r in records}) == 85


def test_demo_corpus_conditions_resolve_to_ontology_conditions(
    records: list[StudyRecord], onto: Ontology
) -> None:
    unmapped = [(r.id, c.name) for r in records for c in r.conditions if c.concept_id is None]
    print("unmapped conditions:", unmapped)
    assert len(unmapped) <= MAX_UNMAPPED_CONDITIONS
    for record in records:
        assert record.conditions, record.id
        for condition in record.conditions:
            if condition.concept_id is not None:
                assert onto.get(condition.concept_id).kind == "condition"
                assert onto.lookup(condition.name, kind="condition") == onto.get(condition.concept_id)


def test_demo_corpus_metrics_use_ontology_labels_when_resolved(
    records: list[StudyRecord], onto: Ontology
) -> None:
    for record in records:
        for result in record.metrics:
            if result.metric_id is not None:
                concept = onto.get(result.metric_id)
                assert concept.kind == "metric" and result.metric == concept.label
            assert result.value is not None or result.value_text is not None, (record.id, result.metric)


def test_demo_corpus_architectures_take_the_ontology_flag(records: list[StudyRecord], onto: Ontology) -> None:
    for record in records:
        for architecture in record.architectures:
            if architecture.concept_id is None:
                assert architecture.is_deep_learning is None
            else:
                assert architecture.is_deep_learning == onto.is_deep_learning(architecture.concept_id)


def test_demo_corpus_every_fact_is_curated_with_the_study_sources(records: list[StudyRecord]) -> None:
    for record in records:
        assert record.source_urls
        assert record.abstract is None
        assert record.review_update is None
        for facts in record.fact_lists().values():
            for fact in facts:
                assert fact.provenance.source == "curated"
                assert fact.provenance.source_urls == record.source_urls
                assert fact.provenance.review_update is None


def test_demo_corpus_reports_all_five_demographic_attributes(records: list[StudyRecord]) -> None:
    for record in records:
        assert [d.attribute for d in record.demographics] == list(DEMOGRAPHIC_ATTRIBUTES)
        assert {f.name for f in record.flags} == {"external_validation", "clinician_comparison"}


def test_demo_corpus_sample_counts_come_from_the_sample_text(records: list[StudyRecord]) -> None:
    for record in records:
        for sample in record.samples:
            assert sample.value is not None and sample.value > 0
            assert sample.description and sample.description in (record.sample_description or "")


def test_demo_corpus_marks_exactly_the_retracted_study(records: list[StudyRecord]) -> None:
    retracted = [r.id for r in records if r.retracted]
    assert retracted == ["ali-2021-parkinson-online-video-retracted"]


@pytest.mark.skipif(not FACTS.exists(), reason="shared study facts not present")
def test_demo_corpus_rebuild_matches_the_committed_file(tmp_path: Path) -> None:
    module = load_script("build_demo_corpus", siblings=("demo_corpus_tables",))
    out = tmp_path / "studies.jsonl"
    records, unmapped = module.build(FACTS, out)
    assert len(records) == 85
    assert unmapped.by_kind["condition"] == []
    assert out.read_text(encoding="utf-8") == CORPUS.read_text(encoding="utf-8")
    facts = [json.loads(line) for line in FACTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {f["id"] for f in facts} == set(module.CONDITIONS)
