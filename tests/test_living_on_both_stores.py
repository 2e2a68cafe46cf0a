"""What each update changed and answers as of an update, written once over GraphStore, on both backends."""

from __future__ import annotations

import pytest

from analysis.answers import Answers
from analysis.as_of import AsOfAnswers
from analysis.changes import review_changes
from facekg.errors import InvalidQuery
from facekg.records import ArchitectureFact
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


def _two_updates(store: GraphStore, ontology: Ontology) -> tuple[str, str]:
    load_records(store, [study("alpha-2020"), study("beta-2021", conditions=("Noonan syndrome",))], ontology,
                 source="first")
    first = store.review_updates()[-1].id
    alpha = store.get("alpha-2020")
    changed = alpha.model_copy(update={"architectures": [*alpha.architectures, ArchitectureFact(name="VGG-16")]})
    load_records(store, [study("gamma-2022", conditions=("Williams syndrome",)), changed], ontology,
                 source="second")
    return first, store.review_updates()[-1].id


def test_changes_per_update_on_each_store(store: GraphStore, ontology: Ontology) -> None:
    first, second = _two_updates(store, ontology)
    changes = review_changes(store)
    assert [c.update.id for c in changes] == [first, second]
    assert sorted((s.study_id, s.change) for s in changes[0].studies) == [("alpha-2020", "added"),
                                                                         ("beta-2021", "added")]
    assert sorted((s.study_id, s.change) for s in changes[1].studies) == [("alpha-2020", "changed"),
                                                                         ("gamma-2022", "added")]
    alpha_facts = [(f.kind, f.change, f.fact.get("name")) for f in changes[1].facts if f.study_id == "alpha-2020"]
    assert alpha_facts == [("architectures", "added", "VGG-16")]
    assert [c.update.id for c in review_changes(store, first)] == [second]
    assert review_changes(store, "2999-12-31") == []
    with pytest.raises(InvalidQuery, match="since"):
        review_changes(store, "not-an-update")


def test_answers_as_of_the_first_update_on_each_store(store: GraphStore, ontology: Ontology) -> None:
    first, second = _two_updates(store, ontology)
    kept = AsOfAnswers(Answers(store, ontology))
    then, now = kept.answers(first), kept.answers(second)
    assert now is kept.live
    assert sorted(s.id for s in then.store.studies()) == ["alpha-2020", "beta-2021"]
    assert [a.name for a in then.store.get("alpha-2020").architectures] == ["ResNet-50"]
    assert then.reflects() is not None and then.reflects().id == first  # type: ignore[union-attr]
    with_studies_then = {c.id for c in then.conditions() if c.study_count}
    with_studies_now = {c.id for c in now.conditions() if c.study_count}
    assert with_studies_then < with_studies_now
    assert [u.id for u in then.updates()] == [first]
    with pytest.raises(InvalidQuery, match="as_of"):
        kept.answers("no-such-update")
