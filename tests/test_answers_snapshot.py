"""A revision's studies are read from the store once and shared: by every counting rule, by the questions
that see every study (PRISMA), by the synthesis and by the study lists, on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from analysis.answers import Answers
from analysis.catalogue import StudyFilters, find_studies
from analysis.counted import CountedStore, counting
from analysis.synthesis.characteristics import characteristics, characteristics_of
from analysis.synthesis.prisma_graph import prisma_from_store
from facekg.records import ScreeningDecision, StudyRecord
from graph.store import GraphStore
from ingest.load import load_records
from ontology import Ontology
from tests.data import study
from tests.store_fixtures import (  # noqa: F401  (the *_fixture names register fixtures)
    memory_store_fixture,
    neo4j_driver_fixture,
    neo4j_store_fixture,
    store_fixture,
)


class ReadCounter:
    """A real store, with a count of its full reads (``studies()``) and of its queries."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.full_reads = 0
        self.queries = 0

    def studies(self) -> Iterator[StudyRecord]:
        self.full_reads += 1
        return self.inner.studies()

    def query(self, query: Any) -> Any:
        self.queries += 1
        return self.inner.query(query)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _excluded(record: StudyRecord) -> StudyRecord:
    return record.model_copy(update={"screening": ScreeningDecision(suggestion="exclude", status="excluded")})


def _review(store: GraphStore, ontology: Ontology) -> None:
    records = [study("alpha-2020", year=2020), study("beta-2021", conditions=("Noonan syndrome",)),
               study("gamma-2022", year=2022, architectures=("VGG-16",), abstract="Faces of children."),
               _excluded(study("delta-2019", year=2019)), study("old-2018", year=2018, retracted=True),
               study("eps-2021", deep_learning=False, conditions=("Williams syndrome",))]
    load_records(store, records, ontology, source="snapshot test")


def test_one_read_per_revision_serves_every_counting_rule_and_question(store: GraphStore,
                                                                        ontology: Ontology) -> None:
    _review(store, ontology)
    reads = ReadCounter(store)
    answers = Answers(CountedStore(reads), ontology)  # type: ignore[arg-type]
    with counting("provisional"):
        provisional = answers.overview()
        answers.studies(StudyFilters(cause="GeneRelated"))
        answers.studies(StudyFilters(text="faces"))
        flow = prisma_from_store(answers.snapshot())
        characteristics(answers.snapshot(), ontology)
    with counting("consensus"):
        answers.overview()
    with counting("provisional", view="excluded"):
        excluded = answers.studies(StudyFilters())
    assert reads.full_reads == 1
    assert reads.queries == 0  # every page came from the kept studies
    assert [s.id for s in excluded.items] == ["delta-2019"]
    assert provisional is not None and flow is not None

    load_records(store, [study("zeta-2023", year=2023)], ontology, source="a later search")
    with counting("provisional"):
        assert "zeta-2023" in {s.id for s in answers.studies(StudyFilters()).items}
    assert reads.full_reads == 2  # the next revision reads once more


@pytest.mark.parametrize("filters", [
    StudyFilters(), StudyFilters(limit=2, offset=1), StudyFilters(deep_learning_only=True),
    StudyFilters(year_from=2020, year_to=2021), StudyFilters(condition="Noonan syndrome"),
    StudyFilters(architecture="VGG-16"), StudyFilters(text="FACES"), StudyFilters(text="zz-nothing"),
    StudyFilters(include_retracted=True), StudyFilters(cause="GeneRelated"),
])
def test_pages_from_the_kept_studies_equal_the_stores_own_query(store: GraphStore, ontology: Ontology,
                                                               filters: StudyFilters) -> None:
    _review(store, ontology)
    answers = Answers(CountedStore(store), ontology)
    with counting("provisional"):
        kept = answers.studies(filters)
        direct = find_studies(CountedStore(store), ontology, filters)
    assert kept.total == direct.total
    assert [s.id for s in kept.items] == [s.id for s in direct.items]


def test_characteristics_of_every_study_equal_those_of_the_paged_query(store: GraphStore,
                                                                      ontology: Ontology) -> None:
    _review(store, ontology)
    counted = CountedStore(store)
    with counting("provisional"):
        table = characteristics(counted, ontology)
        paged = find_studies(counted, ontology, StudyFilters(limit=1000)).items
    expected = characteristics_of(sorted(paged, key=lambda s: (s.year or 0, s.id)), ontology,
                                  review_update=table.review_update)
    assert [row.id for row in table.studies] == [row.id for row in expected.studies]
    assert table == expected
    assert "old-2018" not in {row.id for row in table.studies}
