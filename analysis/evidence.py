"""Which studies stand behind a condition: the shared footing of gaps, bias reporting and the gap map.

Only :meth:`graph.store.GraphStore.studies` is used, so every analysis built on
this module answers identically on every backend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from facekg.records import ConditionFact, StudyRecord
from graph.schema import concept_ref, is_unmapped
from graph.store import GraphStore

if TYPE_CHECKING:
    from ontology import Ontology

STUDY_LINK = "/v1/studies/{id}"


def counted_studies(store: GraphStore, *, include_retracted: bool = False) -> list[StudyRecord]:
    """Every stored study, without retracted ones unless asked (a living review keeps them out of counts)."""
    return [s for s in store.studies() if include_retracted or not s.retracted]


def condition_ref(condition: ConditionFact) -> str:
    """The id a condition is listed under: its concept id, or ``unmapped:<name>`` (:func:`graph.schema.concept_ref`)."""
    return concept_ref(condition.concept_id, condition.name)


def studies_by_concept(studies: Iterable[StudyRecord]) -> dict[str, list[StudyRecord]]:
    """Studies keyed by each condition they address: concept id, or ``unmapped:<name>``."""
    index: dict[str, list[StudyRecord]] = defaultdict(list)
    for study in studies:
        keys = dict.fromkeys(condition_ref(c) for c in study.conditions)
        for key in keys:
            index[key].append(study)
    return index


def concept_and_descendants(ontology: Ontology, concept_id: str) -> list[str]:
    return [concept_id, *sorted(d for d in ontology.descendants(concept_id) if d != concept_id)]


def condition_studies(ontology: Ontology, concept_id: str,
                      index: dict[str, list[StudyRecord]]) -> list[StudyRecord]:
    """The studies of a condition: those addressing it or any descendant, once each, ordered by id."""
    if is_unmapped(concept_id):
        return sorted(index.get(concept_id, []), key=lambda s: s.id)
    found = {s.id: s for cid in concept_and_descendants(ontology, concept_id) for s in index.get(cid, [])}
    return [found[key] for key in sorted(found)]


def is_deep_learning_study(study: StudyRecord) -> bool:
    """The study-level flag when known; otherwise whether any architecture is deep learning."""
    if study.is_deep_learning is not None:
        return study.is_deep_learning
    return any(a.is_deep_learning for a in study.architectures)


def categories_of(ontology: Ontology, concept_id: str | None) -> list[str]:
    """Cause-category ids of an ontology condition; none for unmapped or unlinked conditions."""
    if not concept_id or is_unmapped(concept_id):
        return []
    return [getattr(c, "id", c) for c in ontology.categories_of(concept_id)]


def study_links(study_ids: Sequence[str]) -> list[str]:
    return [STUDY_LINK.format(id=sid) for sid in study_ids]
