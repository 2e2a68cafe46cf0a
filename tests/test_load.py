"""Loading study records: concept resolution, idempotent upserts, curated facts win, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facekg.errors import InputError
from facekg.records import ConditionFact, DemographicReport, StudyRecord
from graph.sqlite_store import SqliteStore
from ingest.load import load_records, resolve_concepts
from ingest.structured import read_study_records
from ontology import load_ontology
from tests.data import extracted, study


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path)


def test_load_resolves_names_and_abbreviations_to_ontology_concepts(store: SqliteStore) -> None:
    ontology = load_ontology()
    load_records(store, [study("s1", conditions=("CdLS",))], ontology, source="test")
    stored = store.get("s1")
    assert stored.conditions[0].concept_id == ontology.lookup("Cornelia de Lange syndrome").id
    assert stored.architectures[0].concept_id == ontology.lookup("ResNet-50").id
    assert stored.metrics[0].metric_id == ontology.lookup("accuracy", kind="metric").id


def test_resolving_concepts_leaves_the_incoming_record_unchanged() -> None:
    ontology = load_ontology()
    incoming = study("s1", conditions=("CdLS",))
    before = incoming.model_dump()
    resolved = resolve_concepts(incoming, ontology)
    assert resolved.conditions[0].concept_id == ontology.lookup("Cornelia de Lange syndrome").id
    assert incoming.model_dump() == before


def test_load_keeps_and_reports_unknown_conditions_as_unmapped(store: SqliteStore) -> None:
    summary = load_records(store, [study("s1", conditions=("Zorblax facial syndrome",))], load_ontology(),
                           source="test")
    assert summary.unmapped["conditions"] == ["Zorblax facial syndrome"]
    stored = store.get("s1")
    assert stored.conditions[0].name == "Zorblax facial syndrome"
    assert stored.conditions[0].concept_id is None


def test_loading_the_same_records_twice_leaves_the_graph_identical(store: SqliteStore) -> None:
    records = [study("s1", doi="10.1/A"), study("s2", pmid="123")]
    first = load_records(store, records, load_ontology(), source="test")
    before = store.export_rows().as_jsonable()
    second = load_records(store, records, load_ontology(), source="test")
    assert first.created == 2
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert second.review_update is None
    assert store.export_rows().as_jsonable() == before


def test_upsert_matches_on_doi_before_our_id(store: SqliteStore) -> None:
    load_records(store, [study("first-id", doi="10.1/X")], load_ontology(), source="test")
    load_records(store, [study("other-id", doi="https://doi.org/10.1/x", conditions=("Noonan syndrome",))],
                 load_ontology(), source="test")
    assert [s.id for s in store.studies()] == ["first-id"]
    names = {c.name for c in store.get("first-id").conditions}
    assert names == {"Down syndrome", "Noonan syndrome"}


def test_extracted_facts_never_overwrite_curated_ones(store: SqliteStore) -> None:
    ontology = load_ontology()
    curated_record = study("s1", doi="10.1/c")
    load_records(store, [curated_record], ontology, source="curated")
    re_extracted = StudyRecord(
        id="s1-extracted", title="re-ingested", doi="10.1/C",
        demographics=[DemographicReport(attribute="sex", reported=False, provenance=extracted("sex"))],
        conditions=[ConditionFact(name="Noonan syndrome", provenance=extracted("Noonan syndrome"))])
    load_records(store, [re_extracted], ontology, source="extracted")
    stored = store.get("s1")
    sex = stored.demographic("sex")
    assert sex is not None and sex.reported is True and sex.provenance.source == "curated"
    sources = {c.name: c.provenance.source for c in stored.conditions}
    assert sources == {"Down syndrome": "curated", "Noonan syndrome": "extracted"}
    assert stored.title == curated_record.title


def test_each_load_records_a_review_update_with_counts(store: SqliteStore) -> None:
    summary = load_records(store, [study("s1")], load_ontology(), source="file.jsonl")
    [update] = store.review_updates()
    assert update.id == summary.review_update
    assert update.counts["created"] == 1
    assert store.get("s1").review_update == update.id


@pytest.mark.parametrize(("line", "field", "message"), [
    pytest.param('{"id": "x", "title": "t"', "json", "invalid JSON", id="bad-json"),
    pytest.param('{"id": "x"}', "title", "Field required", id="missing-title"),
    pytest.param('{"id": "x", "title": "t", "year": "soon"}', "year", "integer", id="wrong-type"),
    pytest.param('[1, 2]', "record", "expected a JSON object", id="not-an-object"),
])
def test_bad_line_names_file_line_and_field(tmp_path: Path, line: str, field: str | None, message: str) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps({"id": "ok", "title": "fine"}) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_study_records(path))
    assert info.value.file == str(path)
    assert info.value.record == "line 2"
    assert info.value.field == field
    assert message in str(info.value)


def test_an_extracted_metric_restating_a_curated_one_is_not_added_again(store: SqliteStore) -> None:
    from facekg.records import MetricResult

    ontology = load_ontology()
    load_records(store, [study("s1", doi="10.1/m")], ontology, source="curated")
    restated = StudyRecord(id="s1x", title="t", doi="10.1/m", metrics=[
        MetricResult(metric="accuracy", value=0.91, unit="fraction", provenance=extracted("accuracy of 0.91")),
        MetricResult(metric="AUC", value=0.88, unit="fraction", provenance=extracted("AUC 0.88"))])
    load_records(store, [restated], ontology, source="extracted")
    metrics = [(m.metric, m.value, m.provenance.source) for m in store.get("s1").metrics]
    assert metrics == [("accuracy", 91.0, "curated"), ("AUC", 0.88, "extracted")]


def test_a_reviewer_decision_is_stored_beside_the_suggestion_as_its_own_update(store: SqliteStore) -> None:
    from ingest.load import record_screening_decision

    load_records(store, [study("s1")], load_ontology(), source="test")
    record_screening_decision(store, "s1", "exclude", reviewer="AB", reason="retina photographs only")
    screening = store.get("s1").screening
    assert screening is not None
    assert (screening.decision, screening.decided_by, screening.suggestion) == ("exclude", "AB", "unsure")
    assert {"criterion": "reviewer:AB", "evidence": "retina photographs only"} in screening.reasons
    assert [u.counts for u in store.review_updates()][-1] == {"decisions": 1}
