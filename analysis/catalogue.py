"""The review's catalogue: which studies address which conditions, and under which causes.

Written once over :class:`graph.store.GraphStore` and the ontology. Retracted
studies are listed when asked for but never counted (a living review shows
retraction status and keeps retracted work out of counts by default).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from analysis.evidence import (
    condition_studies,
    is_deep_learning_study,
    studies_by_concept,
)
from facekg.errors import NotFound, UnknownName
from facekg.records import StudyRecord
from graph.schema import is_unmapped, unmapped_name
from graph.store import GraphStore, ListingOptions, StudyPage, StudyQuery
from ontology import Concept, Ontology


class StudyFilters(ListingOptions):
    """Filters as a user names them (names, abbreviations or ids); resolved against the ontology."""

    condition: str | None = None
    cause: str | None = None
    architecture: str | None = None


class ConditionSummary(BaseModel):
    id: str
    label: str
    mapped: bool
    synonyms: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)
    xrefs: list[str] = Field(default_factory=list)
    cause_categories: list[str] = Field(default_factory=list)
    genes: list[str] = Field(default_factory=list)
    protocol_tables: list[str] = Field(default_factory=list)
    study_count: int
    deep_learning_study_count: int


class ConditionDetail(ConditionSummary):
    definition: str | None = None
    parents: list[str] = Field(default_factory=list)
    children: list[str] = Field(default_factory=list)
    study_ids: list[str] = Field(default_factory=list)
    retracted_study_ids: list[str] = Field(default_factory=list)


class CauseSummary(BaseModel):
    id: str
    label: str
    in_framework: bool
    definition: str | None = None
    examples: list[str] = Field(default_factory=list)
    condition_count: int
    conditions_with_studies: int
    study_count: int
    deep_learning_study_count: int


def _resolve(ontology: Ontology, value: str, kind: str, parameter: str) -> Concept:
    concept = ontology.lookup(value, kind=kind)
    if concept is None:
        raise UnknownName(parameter, kind.replace("_", " "), value,
                          f"/v1/{'causes' if kind == 'cause_category' else kind + 's'}"
                          if kind != "architecture" else None)
    return concept


def _with_descendants(ontology: Ontology, concept_id: str) -> frozenset[str]:
    return frozenset({concept_id, *ontology.descendants(concept_id)})


def study_query(filters: StudyFilters, ontology: Ontology) -> StudyQuery:
    """Turn user-facing filters into a store query with expanded concept sets."""
    # year_from after year_to is a range no study falls in: an empty page, as for any other empty filter.
    condition_ids: frozenset[str] | None = None
    if filters.condition:
        condition_ids = _with_descendants(ontology, _resolve(ontology, filters.condition, "condition",
                                                             "condition").id)
    if filters.cause:
        cause = _resolve(ontology, filters.cause, "cause_category", "cause")
        in_cause = frozenset(ontology.conditions_in_category(cause.id))
        condition_ids = in_cause if condition_ids is None else condition_ids & in_cause
    architecture_ids: frozenset[str] | None = None
    if filters.architecture:
        architecture_ids = _with_descendants(
            ontology, _resolve(ontology, filters.architecture, "architecture", "architecture").id)
    listing = filters.model_dump(include=set(ListingOptions.model_fields))
    listing["text"] = filters.text or None
    return StudyQuery(condition_ids=condition_ids, architecture_ids=architecture_ids, **listing)


def find_studies(store: GraphStore, ontology: Ontology, filters: StudyFilters) -> StudyPage:
    return store.query(study_query(filters, ontology))


def _counted(studies: Iterable[StudyRecord]) -> tuple[int, int]:
    counted = {s.id: s for s in studies if not s.retracted}
    return len(counted), sum(1 for s in counted.values() if is_deep_learning_study(s))


def list_conditions(store: GraphStore, ontology: Ontology) -> list[ConditionSummary]:
    """Every ontology condition and every unmapped condition a study names, with study counts.

    A condition's count includes studies of its descendants (Kabuki syndrome type 1
    counts for Kabuki syndrome).
    """
    by_condition = studies_by_concept(store.studies())
    summaries = [_summary(ontology, concept, by_condition) for concept in ontology.conditions()]
    for key, studies in sorted(by_condition.items()):
        if is_unmapped(key) or ontology.lookup(key, kind="condition") is None:
            count, dl = _counted(studies)
            label = unmapped_name(key)
            summaries.append(ConditionSummary(id=key, label=label, mapped=False, study_count=count,
                                              deep_learning_study_count=dl))
    return summaries


def _summary(ontology: Ontology, concept: Concept, by_condition: dict[str, list[StudyRecord]]) -> ConditionSummary:
    count, dl = _counted(condition_studies(ontology, concept.id, by_condition))
    return ConditionSummary(
        id=concept.id, label=concept.label, mapped=True, synonyms=list(concept.synonyms),
        abbreviations=list(concept.abbreviations), xrefs=list(concept.xrefs),
        cause_categories=ontology.categories_of(concept.id), genes=list(concept.genes),
        protocol_tables=list(concept.protocol_tables), study_count=count, deep_learning_study_count=dl)


def condition_detail(store: GraphStore, ontology: Ontology, condition: str) -> ConditionDetail:
    """One condition's entry and studies; an unmapped condition a study names (as listed) resolves too."""
    concept = ontology.lookup(condition, kind="condition")
    by_condition = studies_by_concept(store.studies())
    if concept is None:
        return _unmapped_detail(condition, by_condition)
    summary = _summary(ontology, concept, by_condition)
    studies = {s.id: s for s in condition_studies(ontology, concept.id, by_condition)}
    children = sorted(c.id for c in ontology.conditions() if concept.id in c.parents)
    return ConditionDetail(
        **summary.model_dump(), definition=concept.definition, parents=list(concept.parents), children=children,
        study_ids=sorted(sid for sid, s in studies.items() if not s.retracted),
        retracted_study_ids=sorted(sid for sid, s in studies.items() if s.retracted))


def _unmapped_detail(condition: str, by_condition: dict[str, list[StudyRecord]]) -> ConditionDetail:
    """The detail of a condition outside the ontology: the studies naming it, nothing else is known."""
    studies = by_condition.get(condition)
    if not studies:
        raise NotFound("condition", condition)
    count, dl = _counted(studies)
    return ConditionDetail(id=condition, label=unmapped_name(condition), mapped=False, study_count=count,
                           deep_learning_study_count=dl,
                           study_ids=sorted(s.id for s in studies if not s.retracted),
                           retracted_study_ids=sorted(s.id for s in studies if s.retracted))


def list_causes(store: GraphStore, ontology: Ontology) -> list[CauseSummary]:
    """The four Table 4 cause categories first, then the groups outside the framework."""
    by_condition = studies_by_concept(store.studies())
    causes = []
    for category in ontology.cause_categories():
        members = ontology.conditions_in_category(category.id)
        studies = {s.id: s for cid in members for s in by_condition.get(cid, [])}
        count, dl = _counted(studies.values())
        causes.append(CauseSummary(
            id=category.id, label=category.label, in_framework=bool(category.in_framework),
            definition=category.definition, examples=list(category.examples), condition_count=len(members),
            conditions_with_studies=sum(1 for cid in members if _counted(by_condition.get(cid, []))[0]),
            study_count=count, deep_learning_study_count=dl))
    return sorted(causes, key=lambda c: (not c.in_framework, c.label))
