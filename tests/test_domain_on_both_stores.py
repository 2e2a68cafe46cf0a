"""Domain queries are written once over GraphStore: on the demo corpus both backends give the same answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import neo4j
import pytest

import ingest.load
from analysis.bias import bias_reporting
from analysis.catalogue import StudyFilters, find_studies, list_causes, list_conditions
from analysis.gapmap import gap_map
from analysis.gaps import GapThresholds, evidence_gaps
from analysis.synthesis.characteristics import characteristics
from analysis.synthesis.meta_analysis import MetaAnalysisQuery, meta_analysis, overview
from analysis.synthesis.paired import model_vs_clinicians
from analysis.synthesis.prisma_graph import prisma_from_store
from analysis.synthesis.subgroups import subgroup_performance
from facekg.records import ReviewUpdate
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from ingest.structured import read_study_records
from ontology import Ontology, load_ontology
from tests.data import DEMO_STUDIES
from tests.store_fixtures import neo4j_driver_fixture, neo4j_settings  # noqa: F401

pytestmark = pytest.mark.neo4j
THRESHOLDS = GapThresholds(min_sample=100, stale_years=5, reference_year=2026)

QUERIES: list[Any] = [
    pytest.param(lambda s, o: list_conditions(s, o), id="conditions"),
    pytest.param(lambda s, o: list_causes(s, o), id="causes"),
    pytest.param(lambda s, o: find_studies(s, o, StudyFilters(cause="gene-related", deep_learning_only=True)),
                 id="studies-by-cause"),
    pytest.param(lambda s, o: find_studies(s, o, StudyFilters(architecture="CNN", year_from=2020, limit=5,
                                                              offset=2)), id="studies-by-architecture-paged"),
    pytest.param(lambda s, o: evidence_gaps(s, o, thresholds=THRESHOLDS), id="evidence-gaps"),
    pytest.param(lambda s, o: evidence_gaps(s, o, thresholds=THRESHOLDS, cause="neurological",
                                            rule="no-study"), id="evidence-gaps-filtered"),
    pytest.param(lambda s, o: bias_reporting(s, o), id="bias-reporting"),
    pytest.param(lambda s, o: gap_map(s, o, rows="cause", cols="metric", thresholds=THRESHOLDS), id="gap-map"),
    pytest.param(lambda s, o: overview(s, o), id="synthesis-overview"),
    pytest.param(lambda s, o: meta_analysis(s, o, MetaAnalysisQuery(cause="gene-related", metric="accuracy")),
                 id="meta-analysis"),
    pytest.param(lambda s, o: subgroup_performance(s, o), id="subgroups"),
    pytest.param(lambda s, o: model_vs_clinicians(s, o), id="model-vs-clinicians"),
    pytest.param(lambda s, o: prisma_from_store(s), id="prisma"),
    pytest.param(lambda s, o: characteristics(s, o), id="characteristics"),
]


@pytest.fixture(scope="module")
def both(neo4j_driver: neo4j.Driver) -> tuple[SqliteStore, Neo4jStore, Ontology]:
    """The demo corpus loaded once into an in-memory embedded store and into an emptied Neo4j."""
    ontology = load_ontology()
    records = list(read_study_records(DEMO_STUDIES))
    memory_store, neo4j_store = SqliteStore(None), Neo4jStore(neo4j_driver, neo4j_settings()[3])
    neo4j_store.clear()
    with pytest.MonkeyPatch.context() as patch:
        # The update's id and time come from the clock; pin them so both stores hold the same update.
        patch.setattr(ingest.load, "new_review_update", lambda source, description=None: ReviewUpdate(
            id="demo-load", created_at="2026-01-01T00:00:00+00:00", source=source, description=description))
        for store in (memory_store, neo4j_store):
            ingest.load.load_records(store, records, ontology, source="demo")
    return memory_store, neo4j_store, ontology


@pytest.mark.parametrize("query", QUERIES)
def test_domain_query_gives_the_same_answer_on_both_stores(
        both: tuple[SqliteStore, Neo4jStore, Ontology], query: Callable[[Any, Ontology], Any]) -> None:
    memory, neo4j, ontology = both
    on_memory = query(memory, ontology)
    assert on_memory, "the query answers something on the demo corpus"
    assert query(neo4j, ontology) == on_memory
