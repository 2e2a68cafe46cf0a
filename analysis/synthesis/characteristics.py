"""Narrative-synthesis tables: the characteristics of the included studies and their counts.

Where studies are too few or too different to pool, the protocol asks for
tables of study characteristics and descriptive statistics of the categorical
variables. :func:`characteristics` builds both from a list of studies (filtered
like the study list, :class:`analysis.catalogue.StudyFilters`): one row per
study, and per variable the count and percentage of studies in each category.
Multi-valued variables (a study with two conditions, three metrics) count a
study once in every category it has, so their percentages can add up past 100.
Retracted studies are left out, as from every count. Risk of bias is not
assessed in the graph yet and says so.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from pydantic import BaseModel, Field

from analysis.bias import status_of
from analysis.catalogue import StudyFilters, find_studies
from analysis.synthesis.eligibility import deep_learning_status, study_label
from analysis.synthesis.meta_analysis import latest_update
from analysis.synthesis.paired import study_pairs
from facekg.records import DEMOGRAPHIC_ATTRIBUTES, StudyRecord
from graph.store import GraphStore
from ontology import Ontology

NOT_ASSESSED = "not assessed"


class StudyCharacteristics(BaseModel):
    """One included study as the characteristics table shows it."""

    id: str
    label: str
    year: int | None
    title: str
    conditions: list[str]
    cause_categories: list[str]
    image_modality: str | None
    sample: str | None
    deep_learning: str
    architectures: list[str]
    metrics: list[str]
    demographics: dict[str, str]
    external_validation: str
    clinician_comparison: str
    risk_of_bias: str = NOT_ASSESSED


class CategoryCount(BaseModel):
    variable: str
    category: str
    count: int
    percent: float = Field(description="share of the studies in the table, 0-100")


class MethodsSummary(BaseModel):
    """Deep learning against classical methods and against clinicians, in counts."""

    deep_learning: int
    classical: int
    unclear: int
    with_clinician_comparison: int
    paired_figures: int
    model_higher: int
    clinicians_higher: int


class Characteristics(BaseModel):
    studies: list[StudyCharacteristics]
    counts: list[CategoryCount]
    summary: MethodsSummary
    multi_valued: list[str]
    review_update: str | None = None


def _yes_no(value: bool | None) -> str:
    return "unclear" if value is None else ("yes" if value else "no")


def _reported(value: bool | None) -> str:
    return "not reported" if value is None else ("yes" if value else "no")


def study_characteristics(study: StudyRecord, ontology: Ontology, risk_of_bias: str = NOT_ASSESSED
                          ) -> StudyCharacteristics:
    conditions = list(dict.fromkeys(ontology.get(c.concept_id).label if c.concept_id and c.concept_id in ontology
                                    else c.name for c in study.conditions))
    categories = list(dict.fromkeys(ontology.get(cat).label for c in study.conditions
                                    if c.concept_id and c.concept_id in ontology
                                    for cat in ontology.categories_of(c.concept_id)))
    return StudyCharacteristics(
        id=study.id, label=study_label(study), year=study.year, title=study.title, conditions=conditions,
        cause_categories=categories, image_modality=study.image_modality, sample=study.sample_description,
        deep_learning=_yes_no(deep_learning_status(study)),
        architectures=list(dict.fromkeys(a.name for a in study.architectures)),
        metrics=list(dict.fromkeys(m.metric for m in study.metrics if m.provenance.source != "extracted")),
        demographics={a: status_of(study.demographic(a)) for a in DEMOGRAPHIC_ATTRIBUTES},
        external_validation=_reported(study.flag("external_validation")),
        clinician_comparison=_reported(study.flag("clinician_comparison")), risk_of_bias=risk_of_bias)


def _demographic(attribute: str) -> Callable[[StudyCharacteristics], Sequence[str]]:
    return lambda row: [row.demographics[attribute]]


_VARIABLES: dict[str, Callable[[StudyCharacteristics], Sequence[str]]] = {
    "cause category": lambda s: s.cause_categories or ["no category"],
    "condition": lambda s: s.conditions,
    "image modality": lambda s: [s.image_modality or "not reported"],
    "deep learning": lambda s: [s.deep_learning],
    "metric reported": lambda s: s.metrics or ["none"],
    "external validation": lambda s: [s.external_validation],
    "clinician comparison": lambda s: [s.clinician_comparison],
    "year": lambda s: [str(s.year) if s.year else "not reported"],
    "risk of bias": lambda s: [s.risk_of_bias],
    **{f"{a} reported": _demographic(a) for a in DEMOGRAPHIC_ATTRIBUTES},
}
MULTI_VALUED = ["cause category", "condition", "metric reported"]


def category_counts(rows: Sequence[StudyCharacteristics]) -> list[CategoryCount]:
    """Per variable, how many studies fall in each category (most common first)."""
    total = len(rows)
    counts: list[CategoryCount] = []
    for variable, values in _VARIABLES.items():
        tally = Counter(value for row in rows for value in dict.fromkeys(values(row)))
        for category, count in sorted(tally.items(), key=lambda item: (-item[1], item[0])):
            counts.append(CategoryCount(variable=variable, category=category, count=count,
                                        percent=round(100 * count / total, 1) if total else 0.0))
    return counts


def characteristics_of(studies: Iterable[StudyRecord], ontology: Ontology, *, review_update: str | None = None,
                       risk_of_bias: Mapping[str, str] | None = None) -> Characteristics:
    """The tables; ``risk_of_bias`` is the review's consensus judgement per study id (the review's workspace)."""
    judged = risk_of_bias or {}
    counted = [s for s in studies if not s.retracted]
    rows = [study_characteristics(s, ontology, judged.get(s.id, NOT_ASSESSED)) for s in counted]
    pairs = [p for s in counted for p in study_pairs(s)]
    summary = MethodsSummary(
        deep_learning=sum(r.deep_learning == "yes" for r in rows), classical=sum(r.deep_learning == "no" for r in rows),
        unclear=sum(r.deep_learning == "unclear" for r in rows),
        with_clinician_comparison=sum(r.clinician_comparison == "yes" for r in rows), paired_figures=len(pairs),
        model_higher=sum(p.difference > 0 for p in pairs), clinicians_higher=sum(p.difference < 0 for p in pairs))
    return Characteristics(studies=rows, counts=category_counts(rows), summary=summary, multi_valued=MULTI_VALUED,
                           review_update=review_update)


def characteristics(store: GraphStore, ontology: Ontology, filters: StudyFilters | None = None, *,
                    risk_of_bias: Mapping[str, str] | None = None) -> Characteristics:
    """The tables for the studies matching ``filters`` (every counted study by default).

    Without filters the tables cover every counted study, read once from ``store.studies()`` (a kept
    snapshot's list) rather than page by page through the store's query.
    """
    base = (filters or StudyFilters()).model_copy(update={"offset": 0, "limit": 1000})
    if base == StudyFilters(offset=0, limit=1000):
        studies = [s for s in store.studies() if not s.retracted]
    else:
        studies = _matching(store, ontology, base)
    studies.sort(key=lambda s: (s.year or 0, s.id))
    return characteristics_of(studies, ontology, review_update=latest_update(store), risk_of_bias=risk_of_bias)


def _matching(store: GraphStore, ontology: Ontology, filters: StudyFilters) -> list[StudyRecord]:
    studies: list[StudyRecord] = []
    while True:
        page = find_studies(store, ontology, filters)
        studies.extend(page.items)
        if not page.items or len(studies) >= page.total:
            return studies
        filters = filters.model_copy(update={"offset": len(studies)})


def studies_csv(table: Characteristics) -> str:
    """The characteristics table as CSV, one row per study, lists joined with '; '."""
    buffer = io.StringIO()
    fields = ["id", "label", "year", "title", "conditions", "cause_categories", "image_modality", "sample",
              "deep_learning", "architectures", "metrics", *[f"{a}_reported" for a in DEMOGRAPHIC_ATTRIBUTES],
              "external_validation", "clinician_comparison", "risk_of_bias"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in table.studies:
        data = row.model_dump()
        demographics = data.pop("demographics")
        flat = {k: "; ".join(v) if isinstance(v, list) else v for k, v in data.items()}
        flat.update({f"{a}_reported": demographics[a] for a in DEMOGRAPHIC_ATTRIBUTES})
        writer.writerow(flat)
    return buffer.getvalue()


def counts_csv(table: Characteristics) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["variable", "category", "count", "percent"])
    for count in table.counts:
        writer.writerow([count.variable, count.category, count.count, count.percent])
    return buffer.getvalue()
