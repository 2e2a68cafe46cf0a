"""The GraphStore contract: every test runs against the embedded store and against a real Neo4j.

The ``neo4j`` cases need the server started by ``scripts/neo4j-local.sh`` (``NEO4J_URI``);
without it they fail, they are never skipped (deselect them with ``-m "not neo4j"``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from facekg.errors import NotFound, StoreError
from facekg.records import ReviewUpdate, StudyRecord
from graph.mapping import GraphRows, NodeRow
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore, StudyQuery
from tests.data import DEMO_STUDIES
from tests.store_fixtures import (  # noqa: F401  (the *_fixture names register fixtures)
    corpus,
    memory_store_fixture,
    neo4j_driver_fixture,
    neo4j_store_fixture,
    ontology_rows,
    review_update,
    rich_study,
    store_fixture,
)


def dump(graph_store: GraphStore) -> dict[str, Any]:
    """Everything the store holds, props included (NodeRow equality ignores props)."""
    return graph_store.export_rows().as_jsonable()


def ids(records: list[StudyRecord]) -> list[str]:
    return [record.id for record in records]


# -- write / get / find ------------------------------------------------------------
def test_store_is_a_graph_store(store: GraphStore) -> None:
    assert isinstance(store, GraphStore)
    store.check()


def test_store_get_returns_the_record_as_written(store: GraphStore) -> None:
    records = corpus()
    store.write(records, review_update())
    for record in records:
        assert store.get(record.id) == record


def test_store_get_unknown_id_raises_not_found(store: GraphStore) -> None:
    store.write(corpus(), review_update())
    with pytest.raises(NotFound) as info:
        store.get("no-such-study")
    assert info.value.identifier == "no-such-study"


@pytest.mark.parametrize(("doi", "pmid", "study_id", "expected"), [
    pytest.param("10.1000/abc.2019", None, None, "s-2019", id="doi"),
    pytest.param("https://doi.org/10.1000/ABC.2019", None, None, "s-2019", id="doi-normalised"),
    pytest.param(None, "3001", None, "s-2021a", id="pmid"),
    pytest.param(None, None, "s-none", "s-none", id="id"),
    pytest.param("10.1000/xyz", "3001", "s-none", "s-2023", id="doi-before-pmid-and-id"),
    pytest.param("10.9/unknown", "3001", None, "s-2021a", id="pmid-when-doi-unknown"),
    pytest.param("10.9/unknown", "999", "nope", None, id="nothing"),
    pytest.param(None, None, None, None, id="no-keys"),
])
def test_store_find_by_doi_then_pmid_then_id(store: GraphStore, doi: str | None, pmid: str | None,
                                             study_id: str | None, expected: str | None) -> None:
    store.write(corpus(), review_update())
    found = store.find(doi=doi, pmid=pmid, study_id=study_id)
    assert (found.id if found else None) == expected
    if found is not None:
        assert found == store.get(found.id)


def test_store_studies_lists_every_study_by_id(store: GraphStore) -> None:
    store.write(corpus(), review_update())
    assert ids(list(store.studies())) == sorted(r.id for r in corpus())


def test_store_writing_the_same_records_twice_changes_nothing(store: GraphStore) -> None:
    store.write(corpus(), review_update())
    once = dump(store)
    store.write(corpus(), review_update())
    assert dump(store) == once


def test_store_rewrite_replaces_the_study_subgraph(store: GraphStore) -> None:
    store.write(corpus(), review_update())
    smaller = rich_study("s-none", year=2020, conditions=(("Down syndrome", "down_syndrome"),),
                         metrics=1, samples=0, review_update="u2")
    store.write([smaller], review_update("u2", "2026-02-01T00:00:00+00:00"))
    assert store.get("s-none") == smaller
    keys = {node["key"] for node in dump(store)["nodes"]}
    assert "result:s-none:0" in keys
    assert "result:s-none:1" not in keys and "sample:s-none:0" not in keys
    # The unmapped concepts only s-none named are gone; shared concepts stay.
    assert "condition:unmapped:odd-facies" not in keys
    assert "architecture:unmapped:custom-net" not in keys
    assert "condition:unmapped:facial-pain" in keys and "condition:down_syndrome" in keys
    edges = {(e["source"], e["type"], e["target"]) for e in dump(store)["edges"]}
    assert ("study:s-none", "ADDED_IN", "update:u2") in edges
    assert ("study:s-none", "ADDED_IN", "update:u1") not in edges


def test_store_duplicate_ids_in_one_write_keep_the_last(store: GraphStore) -> None:
    first = rich_study("dup", metrics=3, conditions=(("first only", None),))
    last = rich_study("dup", metrics=1, title="The second copy")
    store.write([first, last], review_update())
    assert store.get("dup") == last
    assert "condition:unmapped:first-only" not in {node["key"] for node in dump(store)["nodes"]}


# -- query -------------------------------------------------------------------
ALL_LIVE = ["s-2023", "s-2021a", "s-2021b", "s-2019", "s-none"]


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param(StudyQuery(), ALL_LIVE, id="default-newest-first-retracted-hidden"),
    pytest.param(StudyQuery(include_retracted=True),
                 ["s-2023", "s-retracted", "s-2021a", "s-2021b", "s-2019", "s-none"], id="with-retracted"),
    pytest.param(StudyQuery(condition_ids=frozenset({"noonan"})), ["s-2019"], id="condition"),
    pytest.param(StudyQuery(condition_ids=frozenset({"noonan"}), include_retracted=True),
                 ["s-retracted", "s-2019"], id="condition-with-retracted"),
    pytest.param(StudyQuery(condition_ids=frozenset({"acromegaly", "down_syndrome"})),
                 ["s-2023", "s-2021a"], id="condition-set"),
    pytest.param(StudyQuery(condition_ids=frozenset()), [], id="condition-empty-set"),
    pytest.param(StudyQuery(condition_ids=frozenset({"unmapped:facial-pain"})), [],
                 id="condition-unmapped-never"),
    pytest.param(StudyQuery(architecture_ids=frozenset({"vgg"})), ["s-2023"], id="architecture"),
    pytest.param(StudyQuery(architecture_ids=frozenset({"resnet", "svm"})),
                 ["s-2023", "s-2021a", "s-2021b", "s-2019"], id="architecture-set"),
    pytest.param(StudyQuery(deep_learning_only=True), ["s-2023", "s-2021a", "s-2019"],
                 id="deep-learning-only"),
    pytest.param(StudyQuery(year_from=2021), ["s-2023", "s-2021a", "s-2021b"], id="year-from"),
    pytest.param(StudyQuery(year_to=2021), ["s-2021a", "s-2021b", "s-2019"], id="year-to"),
    pytest.param(StudyQuery(year_from=2021, year_to=2021), ["s-2021a", "s-2021b"], id="year-range"),
    pytest.param(StudyQuery(text="ACROMEGALY"), ["s-2021a"], id="text-title-case-insensitive"),
    pytest.param(StudyQuery(text="strasse"), ["s-2021a"], id="text-casefold"),
    pytest.param(StudyQuery(text="in clinic"), ["s-2023", "s-2021a", "s-2021b", "s-2019"],
                 id="text-abstract"),
    pytest.param(StudyQuery(text="s-none\nfaces"), [], id="text-no-abstract"),
    pytest.param(StudyQuery(text="study s-2019\nFaces"), ["s-2019"], id="text-spans-title-and-abstract"),
    pytest.param(StudyQuery(text="in clinic", deep_learning_only=True, year_to=2021),
                 ["s-2021a", "s-2019"], id="combined"),
])
def test_store_query_filters_and_orders(store: GraphStore, query: StudyQuery, expected: list[str]) -> None:
    store.write(corpus(), review_update())
    page = store.query(query)
    assert ids(page.items) == expected
    assert page.total == len(expected)
    assert page.items == [store.get(study_id) for study_id in expected]


@pytest.mark.parametrize(("offset", "limit", "expected"), [
    pytest.param(0, 2, ["s-2023", "s-2021a"], id="first-page"),
    pytest.param(2, 2, ["s-2021b", "s-2019"], id="second-page"),
    pytest.param(4, 2, ["s-none"], id="last-page"),
    pytest.param(9, 2, [], id="past-the-end"),
])
def test_store_query_pages(store: GraphStore, offset: int, limit: int, expected: list[str]) -> None:
    store.write(corpus(), review_update())
    page = store.query(StudyQuery(offset=offset, limit=limit))
    assert ids(page.items) == expected
    assert page.total == 5
    text_page = store.query(StudyQuery(text="PHOTOGRAPHS", offset=offset, limit=limit))
    assert ids(text_page.items) == expected and text_page.total == 5


# -- updates, stats, export ------------------------------------------------------
def test_store_review_updates_oldest_first(store: GraphStore) -> None:
    store.write([], review_update("b-late", "2026-03-01T00:00:00+00:00", studies=0))
    store.write(corpus(), review_update("u1", "2026-01-01T00:00:00+00:00", studies=6, facts=70))
    store.write([], review_update("a-late", "2026-03-01T00:00:00+00:00"))
    updates = store.review_updates()
    assert [u.id for u in updates] == ["u1", "a-late", "b-late"]
    assert updates[0] == review_update("u1", "2026-01-01T00:00:00+00:00", studies=6, facts=70)


def test_store_stats_count_nodes_and_edges(store: GraphStore) -> None:
    assert store.stats().studies == 0 and store.stats().nodes == {}
    store.write(corpus(), review_update())
    stats = store.stats()
    assert stats.studies == 6 and stats.review_updates == 1
    assert stats.nodes["Study"] == 6
    assert stats.nodes["Result"] == 12 and stats.nodes["Sample"] == 6
    assert stats.edges["ADDED_IN"] == 6
    assert stats.edges["REPORTS_DEMOGRAPHIC"] == 18
    assert stats.nodes["Gene"] == 1 and stats.edges["REPORTS_GENE"] == 6
    assert list(stats.nodes) == sorted(stats.nodes) and list(stats.edges) == sorted(stats.edges)
    assert stats.nodes == _label_counts(store)


def _label_counts(graph_store: GraphStore) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in graph_store.export_rows().nodes:
        counts[node.label] = counts.get(node.label, 0) + 1
    return dict(sorted(counts.items()))


def test_store_export_rows_keep_null_properties(store: GraphStore) -> None:
    store.write(corpus(), review_update())
    rows = dump(store)
    condition = next(n for n in rows["nodes"] if n["key"] == "condition:down_syndrome")
    assert condition["props"] == {"concept_id": "down_syndrome", "name": None, "mapped": True}
    study = next(n for n in rows["nodes"] if n["key"] == "study:s-none")
    assert study["props"]["year"] is None and study["props"]["abstract"] is None
    flag = next(e for e in rows["edges"] if e["source"] == "study:s-none" and e["type"] == "HAS_FLAG"
                and e["props"]["ordinal"] == 0)
    assert flag["props"]["value"] is None
    assert rows == json.loads(json.dumps(rows))


def test_store_write_ontology_is_idempotent_and_studies_attach_to_concepts(store: GraphStore) -> None:
    store.write_ontology(ontology_rows())
    once = dump(store)
    store.write_ontology(ontology_rows())
    assert dump(store) == once
    store.write(corpus(), review_update())
    rows = dump(store)
    down = next(n for n in rows["nodes"] if n["key"] == "condition:down_syndrome")
    # The study's null "name" does not hide anything; the ontology's label survives.
    assert down["props"] == {"concept_id": "down_syndrome", "label": "Down syndrome",
                             "iri": "https://example.org/ds", "mapped": True, "name": None}
    edge = next(e for e in rows["edges"] if e["type"] == "ASSOCIATED_GENE")
    assert edge["props"] == {"weight": 1.5, "note": None}
    assert store.get("s-2023").conditions[0].concept_id == "down_syndrome"


def test_store_node_merge_never_lets_a_null_hide_a_value(store: GraphStore) -> None:
    store.write_ontology(GraphRows([NodeRow("gene:ABC", "Gene", {"symbol": "ABC", "hgnc": None})], []))
    store.write_ontology(GraphRows([NodeRow("gene:ABC", "Gene", {"symbol": None, "hgnc": "HGNC:1",
                                                                 "alias": None})], []))
    node = next(n for n in dump(store)["nodes"] if n["key"] == "gene:ABC")
    assert node["props"] == {"symbol": "ABC", "hgnc": "HGNC:1", "alias": None}


def test_store_clear_removes_everything(store: GraphStore) -> None:
    store.write_ontology(ontology_rows())
    store.write(corpus(), review_update())
    store.clear()
    assert dump(store) == {"nodes": [], "edges": []}
    assert store.stats().studies == 0 and store.review_updates() == []
    assert list(store.studies()) == []


# -- revision and history -----------------------------------------------------------
def test_store_revision_changes_on_every_commit_and_only_then(store: GraphStore) -> None:
    seen = [store.revision()]
    assert store.revision() == seen[0]
    store.write_ontology(ontology_rows())
    seen.append(store.revision())
    store.write(corpus(), review_update())
    seen.append(store.revision())
    # Reads leave it alone.
    store.get("s-2019"), list(store.studies()), store.query(StudyQuery()), store.stats(), store.export_rows()
    assert store.revision() == seen[-1]
    store.write(corpus(), review_update())
    seen.append(store.revision())
    store.clear()
    seen.append(store.revision())
    assert len(set(seen)) == len(seen)


def test_store_failed_write_keeps_revision_and_history(store: GraphStore) -> None:
    store.write(corpus(), review_update())
    revision, history = store.revision(), store.study_history()
    with pytest.raises(StoreError):
        store.write([rich_study("s-2019", metrics=0, review_update="u2"), rich_study("x", review_update="gone")],
                    review_update("u2", "2026-02-01T00:00:00+00:00"))
    assert store.revision() == revision
    assert store.study_history() == history


def _two_updates(store: GraphStore) -> StudyRecord:
    store.write(corpus(), review_update())
    smaller = rich_study("s-none", year=2020, metrics=1, samples=0, review_update="u2")
    store.write([smaller], review_update("u2", "2026-02-01T00:00:00+00:00"))
    return smaller


def test_store_study_history_lists_versions_oldest_first(store: GraphStore) -> None:
    smaller = _two_updates(store)
    history = store.study_history()
    assert [(v.update_id, v.study_id) for v in history] == (
        [("u1", study_id) for study_id in sorted(r.id for r in corpus())] + [("u2", "s-none")])
    originals = {r.id: r for r in corpus()}
    assert all(v.record == originals[v.study_id] for v in history[:-1])
    assert history[-1].record == smaller
    assert store.study_history(since_update="u1") == history[-1:]
    assert store.study_history(since_update="u2") == []


def test_store_study_history_keeps_one_version_per_update_the_last_written(store: GraphStore) -> None:
    first, last = rich_study("dup", metrics=3), rich_study("dup", metrics=1, title="The second copy")
    store.write([first], review_update())
    store.write([first, last], review_update())
    history = store.study_history()
    assert [(v.study_id, v.update_id) for v in history] == [("dup", "u1")]
    assert history[0].record == last


def test_store_studies_as_of_rebuilds_each_update(store: GraphStore) -> None:
    smaller = _two_updates(store)
    assert list(store.studies_as_of("u1")) == sorted(corpus(), key=lambda r: r.id)
    assert list(store.studies_as_of("u2")) == list(store.studies())
    assert next(r for r in store.studies_as_of("u2") if r.id == "s-none") == smaller


def test_store_history_unknown_update_raises_not_found(store: GraphStore) -> None:
    store.write(corpus(), review_update())
    with pytest.raises(NotFound) as info:
        store.study_history(since_update="no-such-update")
    assert info.value.identifier == "no-such-update"
    with pytest.raises(NotFound):
        list(store.studies_as_of("no-such-update"))


def test_store_clear_forgets_the_history(store: GraphStore) -> None:
    _two_updates(store)
    store.clear()
    assert store.study_history() == []
    with pytest.raises(NotFound):
        list(store.studies_as_of("u1"))


# -- atomicity ---------------------------------------------------------------------
def test_store_failed_write_leaves_the_store_unchanged(store: GraphStore) -> None:
    store.write_ontology(ontology_rows())
    store.write(corpus()[:3], review_update())
    before = dump(store)
    rewritten = [rich_study(r.id, metrics=1, samples=0, review_update="u2") for r in corpus()]
    dangling = rich_study("s-dangling", review_update="not-stored")
    with pytest.raises(StoreError, match="not-stored"):
        store.write([*rewritten, dangling], review_update("u2", "2026-02-01T00:00:00+00:00"))
    assert dump(store) == before
    assert [u.id for u in store.review_updates()] == ["u1"]


def test_store_label_conflict_fails_and_changes_nothing(store: GraphStore) -> None:
    store.write(corpus(), review_update())
    before = dump(store)
    with pytest.raises(StoreError, match="gene:NIPBL"):
        store.write_ontology(GraphRows([NodeRow("condition:new", "Condition", {"label": "New"}),
                                        NodeRow("gene:NIPBL", "Condition", {"label": "not a gene"})], []))
    assert dump(store) == before


# -- both backends hold the same graph -------------------------------------------
@pytest.mark.neo4j
def test_store_backends_export_identical_rows(memory_store: SqliteStore, neo4j_store: Neo4jStore) -> None:
    for backend in (memory_store, neo4j_store):
        backend.write_ontology(ontology_rows())
        backend.write(corpus(), review_update())
        backend.write([rich_study("s-2019", year=2018, metrics=4, review_update="u2"),
                       rich_study("s-new", doi="10.1/new", review_update="u2")],
                      review_update("u2", "2026-02-01T00:00:00+00:00", studies=2))
    assert dump(neo4j_store) == dump(memory_store)
    assert neo4j_store.stats() == memory_store.stats()
    assert list(neo4j_store.studies()) == list(memory_store.studies())
    assert neo4j_store.review_updates() == memory_store.review_updates()


@pytest.mark.neo4j
def test_store_backends_hold_the_demo_corpus_identically(memory_store: SqliteStore, neo4j_store: Neo4jStore,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.load
    from ingest.structured import read_study_records
    from ontology import load_ontology

    # The review update's id and time come from the clock; pin them so both loads write the same update.
    monkeypatch.setattr(ingest.load, "new_review_update", lambda source, description=None: ReviewUpdate(
        id="demo-load", created_at="2026-01-01T00:00:00+00:00", source=source, description=description))
    ontology = load_ontology()
    records = list(read_study_records(DEMO_STUDIES))
    for backend in (memory_store, neo4j_store):
        ingest.load.load_records(backend, records, ontology, source="demo")
    assert dump(neo4j_store) == dump(memory_store)
    assert list(neo4j_store.studies()) == list(memory_store.studies())
    for query in (StudyQuery(limit=1000), StudyQuery(include_retracted=True, limit=7, offset=3),
                  StudyQuery(text="syndrome", deep_learning_only=True)):
        assert neo4j_store.query(query) == memory_store.query(query)
