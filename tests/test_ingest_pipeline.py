"""``facekg ingest``: exports in, one review update out, all or nothing, curated facts kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from facekg.errors import InputError
from graph.sqlite_store import SqliteStore
from ingest.pipeline import ingest_files
from ingest.structured import read_study_records
from ontology import load_ontology
from tests.data import DEMO_MEDLINE, DEMO_RIS, DEMO_STUDIES

GOOD_RIS = """TY  - JOUR
TI  - Deep convolutional network screening of Noonan syndrome from facial photographs
AB  - We trained a ResNet-50 on 420 facial photographs of children. Accuracy was 92.0% (95% CI 89.1-94.3%).
PY  - 2021
DO  - 10.9999/facekg.test.1
ER  - 
"""
BAD_RIS = """TY  - JOUR
TI  - A record that never ends
AB  - It lost its end-of-record tag.
"""


@pytest.fixture(scope="module")
def demo_ingested(demo_ingested_dir: Path) -> SqliteStore:
    """Curated demo records first, then the RIS and MEDLINE exports through the full pipeline (read only)."""
    return SqliteStore(demo_ingested_dir)


def test_ingest_of_both_demo_exports_deduplicates_to_one_study_each(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    summary = ingest_files(store, load_ontology(), [DEMO_RIS, DEMO_MEDLINE])
    curated_count = sum(1 for _ in read_study_records(DEMO_STUDIES))
    assert store.stats().studies == curated_count
    assert summary.duplicates_merged == summary.records_read - curated_count
    assert {m["reason"] for m in summary.merge_report} <= {"doi", "pmid", "title-year"}


def test_ingest_adds_abstracts_and_extracted_facts_with_evidence_spans(demo_ingested: SqliteStore) -> None:
    studies = list(demo_ingested.studies())
    assert all(s.abstract for s in studies)
    extracted = [(s, f) for s in studies for facts in s.fact_lists().values() for f in facts
                 if f.provenance.source == "extracted"]
    assert len(extracted) > len(studies)
    for study, fact in extracted:
        evidence = fact.provenance.evidence
        if evidence is None:
            continue
        document = f"{study.title}\n{study.abstract}"
        assert document[evidence.start:evidence.end] == evidence.text
        assert fact.provenance.extractor_version


def test_ingest_never_overwrites_curated_facts(demo_ingested: SqliteStore) -> None:
    for curated in read_study_records(DEMO_STUDIES):
        stored = demo_ingested.get(curated.id)
        for attribute in ("sex", "age", "race_ethnicity", "skin_tone", "geography"):
            before, after = curated.demographic(attribute), stored.demographic(attribute)
            assert before is not None and after is not None
            assert (after.reported, after.provenance.source) == (before.reported, "curated")
        assert [m.value for m in stored.metrics if m.provenance.source == "curated"] == \
            [m.value for m in curated.metrics]


def test_ingest_records_screening_suggestions_on_each_study(demo_ingested: SqliteStore) -> None:
    suggestions = {s.screening.suggestion for s in demo_ingested.studies() if s.screening}
    assert suggestions and suggestions <= {"include", "exclude", "unsure"}


def test_ingest_with_a_bad_file_fails_naming_it_and_leaves_the_graph_unchanged(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.ris", tmp_path / "bad.ris"
    good.write_text(GOOD_RIS, encoding="utf-8")
    bad.write_text(BAD_RIS, encoding="utf-8")
    store = SqliteStore(tmp_path / "data")
    ingest_files(store, load_ontology(), [good])
    before = store.export_rows().as_jsonable()
    with pytest.raises(InputError) as info:
        ingest_files(store, load_ontology(), [good, bad])
    assert info.value.file == str(bad) and info.value.record == 1
    assert store.export_rows().as_jsonable() == before


def test_ingest_skip_bad_quarantines_bad_records_and_loads_the_rest(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.ris"
    mixed.write_text(GOOD_RIS + BAD_RIS, encoding="utf-8")
    store = SqliteStore(tmp_path / "data")
    summary = ingest_files(store, load_ontology(), [mixed], skip_bad=True)
    assert store.stats().studies == 1
    assert [(q.file, q.record) for q in summary.quarantined] == [(str(mixed), 2)]
    [study] = store.studies()
    assert any(m.metric == "accuracy" and m.value == 92.0 and m.ci_low == 89.1 for m in study.metrics)


def test_ingest_reads_a_pdf_named_by_pmid_when_the_record_has_no_abstract(tmp_path: Path) -> None:
    from tests.data import make_pdf

    export = tmp_path / "no-abstract.ris"
    export.write_text("TY  - JOUR\nTI  - Facial photographs and acromegaly\nPY  - 2020\nAN  - 424242\n"
                      "DB  - PubMed\nER  - \n", encoding="utf-8")
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    (pdfs / "424242.pdf").write_bytes(make_pdf([
        "Facial photographs and acromegaly",
        "A ResNet-50 classified 212 patients with acromegaly; the AUC was 0.94 (95% CI 0.90-0.97)."]))
    store = SqliteStore(tmp_path / "data")
    summary = ingest_files(store, load_ontology(), [export], pdf_dir=pdfs)
    assert summary.pdfs_attached == 1
    [study] = store.studies()
    assert any(m.metric == "AUC" and m.value == 0.94 for m in study.metrics)
    assert any(c.name.lower() == "acromegaly" for c in study.conditions)
    assert {f.provenance.evidence.field for f in study.metrics if f.provenance.evidence} == {"full_text"}
