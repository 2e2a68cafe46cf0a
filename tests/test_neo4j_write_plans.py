"""A Neo4j write sent as several plans in one transaction holds what the embedded store holds.

``Neo4jStore`` builds a big write in plans of ``plan_studies`` studies and sends each plan's
statements without waiting on them; these cases use plans of two studies so that every rule a
write applies (a study written twice keeps its last copy, replaced studies' unmapped concepts are
dropped when nothing points at them, a failure anywhere keeps the graph as it was) meets a plan
boundary. Real Neo4j and real SQLite stores, compared row for row.
"""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

from facekg.errors import StoreError
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from tests.store_fixtures import (  # noqa: F401  (the *_fixture names register fixtures)
    corpus,
    memory_store_fixture,
    neo4j_driver_fixture,
    neo4j_settings,
    ontology_rows,
    review_update,
    rich_study,
)

pytestmark = pytest.mark.neo4j


@pytest.fixture(name="planned_store")
def planned_store_fixture(neo4j_driver: neo4j.Driver) -> Neo4jStore:
    store = Neo4jStore(neo4j_driver, neo4j_settings()[3], batch_size=3, plan_studies=2)
    store.clear()
    return store


def dump(store: GraphStore) -> dict[str, Any]:
    return store.export_rows().as_jsonable()


def test_neo4j_write_plans_hold_what_the_embedded_store_holds(
    memory_store: SqliteStore, planned_store: Neo4jStore
) -> None:
    early_copy = rich_study("s-2019", metrics=3, conditions=(("only in the early copy", None),))
    for store in (memory_store, planned_store):
        store.write_ontology(ontology_rows())
        # The first copy of s-2019 lands in the first plan, its last copy in the fourth.
        store.write([early_copy, *corpus(), rich_study("late", conditions=(("odd facies", None),))], review_update())
        # Replacing studies across plans: s-none's unmapped concepts lose every edge and go.
        store.write(
            [
                rich_study(
                    r.id,
                    metrics=1,
                    samples=0,
                    review_update="u2",
                    conditions=(("Down syndrome", "down_syndrome"),),
                    architectures=(("ResNet-50", "resnet", True),),
                )
                for r in corpus()
            ],
            review_update("u2", "2026-02-01T00:00:00+00:00"),
        )
    rows = dump(planned_store)
    assert rows == dump(memory_store)
    keys = {node["key"] for node in rows["nodes"]}
    assert "condition:unmapped:only-in-the-early-copy" not in keys
    assert "architecture:unmapped:custom-net" not in keys
    assert "condition:unmapped:odd-facies" in keys  # "late" still names it
    assert planned_store.get("late").conditions[0].name == "odd facies"


def test_neo4j_write_plans_failing_in_the_last_plan_change_nothing(planned_store: Neo4jStore) -> None:
    planned_store.write(corpus(), review_update())
    before = dump(planned_store)
    revision = planned_store.revision()
    rewritten = [rich_study(r.id, metrics=0, samples=0, review_update="u2") for r in corpus()]
    with pytest.raises(StoreError, match="nowhere"):
        planned_store.write(
            [*rewritten, rich_study("late", review_update="nowhere")], review_update("u2", "2026-02-01T00:00:00+00:00")
        )
    assert dump(planned_store) == before
    assert planned_store.revision() == revision
