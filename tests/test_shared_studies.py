"""The embedded store's shared read: an update decodes only the rows it wrote, and never serves a stale record."""

from __future__ import annotations

from pathlib import Path

from analysis.answers import Answers
from analysis.catalogue import StudyFilters
from graph.sqlite_store import SqliteStore
from graph.store import shared_studies
from ontology import load_ontology
from tests.store_fixtures import corpus, ontology_rows, review_update, rich_study


def written(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    store.write_ontology(ontology_rows())
    store.write(corpus(), review_update())
    return store


def test_a_second_read_reuses_the_records_of_unchanged_rows_and_decodes_the_rewritten_one(tmp_path: Path) -> None:
    store = written(tmp_path)
    first = {s.id: s for s in store.shared_studies()}
    store.write([rich_study("s-2019", year=2019, title="Rewritten title", review_update="u2")],
                review_update("u2", "2026-02-01T00:00:00+00:00", studies=1))
    second = {s.id: s for s in store.shared_studies()}
    assert second.keys() == first.keys()
    assert second["s-2019"].title == "Rewritten title" and second["s-2019"] is not first["s-2019"]
    assert all(second[i] is first[i] for i in first if i != "s-2019")
    assert {s.id: s for s in store.studies()} == second  # what the plain read decodes


def test_a_removed_study_is_not_served_from_an_earlier_read(tmp_path: Path) -> None:
    store = written(tmp_path)
    list(store.shared_studies())
    store.clear()
    store.write([rich_study("s-new", year=2024, review_update="u2")],
                review_update("u2", "2026-02-01T00:00:00+00:00", studies=1))
    assert [s.id for s in store.shared_studies()] == ["s-new"]


def test_a_read_stopped_early_keeps_the_earlier_complete_read(tmp_path: Path) -> None:
    store = written(tmp_path)
    first = {s.id: s for s in store.shared_studies()}
    next(iter(store.shared_studies()))  # abandoned after one record
    assert all(s is first[s.id] for s in store.shared_studies())


def test_a_counted_view_is_not_bypassed_by_the_shared_read(tmp_path: Path) -> None:
    from analysis.counted import CountedStore

    store = written(tmp_path)
    counted = CountedStore(store, tmp_path / "review")
    assert [s.id for s in shared_studies(counted)] == [s.id for s in counted.studies()]


def test_the_next_revisions_answers_show_the_rewritten_study(tmp_path: Path) -> None:
    store = written(tmp_path)
    answers = Answers(store, load_ontology())
    before = {s.id: s.title for s in answers.studies(StudyFilters(limit=50)).items}
    store.write([rich_study("s-2019", year=2019, title="Rewritten title", review_update="u2")],
                review_update("u2", "2026-02-01T00:00:00+00:00", studies=1))
    after = {s.id: s.title for s in answers.studies(StudyFilters(limit=50)).items}
    assert before["s-2019"] != "Rewritten title" and after["s-2019"] == "Rewritten title"


def test_after_an_update_the_bias_ledger_reuses_unchanged_rows_and_redoes_the_rewritten_study(tmp_path: Path) -> None:
    store = written(tmp_path)
    answers = Answers(store, load_ontology())
    before = {row.study_id: row for row in answers.bias().studies}
    rewritten = rich_study("s-2019", year=2019, review_update="u2")
    rewritten.demographics[0].reported = False  # sex: now stated not reported
    store.write([rewritten], review_update("u2", "2026-02-01T00:00:00+00:00", studies=1))
    after = {row.study_id: row for row in answers.bias().studies}
    assert after.keys() == before.keys()
    assert all(after[i] is before[i] for i in before if i != "s-2019")
    sex = next(a for a in after["s-2019"].attributes if a.attribute == "sex")
    assert sex.status == "stated-not-reported" and after["s-2019"] is not before["s-2019"]
    fresh = Answers(SqliteStore(tmp_path), load_ontology()).bias().studies  # new records: every row rebuilt
    assert [row.model_dump() for row in fresh] == [after[row.study_id].model_dump() for row in fresh]
