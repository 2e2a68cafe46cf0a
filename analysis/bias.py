"""The bias-reporting ledger: which studies report who was in their sample, and for which conditions.

The protocol asks whether demographic bias (sex, ethnicity, skin tone) is present.
That cannot be judged where a study does not say who was studied, so this ledger
records, for each study and each attribute (sex, age, race_ethnicity, skin_tone,
geography), one of three statuses:

``reported``             the study reports it
``stated-not-reported``  the study (or a reviewer) states it was not reported or collected
``not-mentioned``        nothing seen either way; counted as not reported

with the evidence span for extracted facts (curated facts carry none and say
so), and whether performance is broken down by sex, ancestry or skin tone.
Shares are rolled up per condition (its studies and its descendants') and per
cause category. Flags name conditions where no study reports ancestry or skin
tone, and conditions whose evidence comes from a single country or ancestry;
the latter is decided only from the places a study's evidence names (the
``values`` the extractor recorded on the demographic report, normalised by
``ontology/places.json``), otherwise it is ``unknown``: never guessed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from analysis.evidence import (
    categories_of,
    condition_ref,
    condition_studies,
    counted_studies,
    studies_by_concept,
    study_links,
)
from facekg.errors import InvalidQuery, UnknownName
from facekg.records import DEMOGRAPHIC_ATTRIBUTES, DemographicReport, StudyRecord
from graph.schema import is_unmapped, unmapped_name
from graph.store import GraphStore

if TYPE_CHECKING:
    from ontology import Ontology

ReportStatus = Literal["reported", "stated-not-reported", "not-mentioned"]
SUBGROUP_ATTRIBUTES = ("sex", "race_ethnicity", "skin_tone")
Homogeneity = Literal["single", "multiple", "unknown"]


class EvidenceSpan(BaseModel):
    text: str
    start: int
    end: int
    sentence: str | None = None


class AttributeReport(BaseModel):
    """One study's reporting of one demographic attribute."""

    attribute: str
    status: ReportStatus
    reported: bool
    source: str | None = Field(default=None, description="curated, extracted or consensus; None if no fact")
    evidence: EvidenceSpan | None = None
    evidence_note: str | None = Field(default=None, description="why there is no span, e.g. curated")
    subgroup_performance: bool | None = None


class StudyBiasLedger(BaseModel):
    study_id: str
    title: str
    year: int | None = None
    retracted: bool = False
    condition_ids: list[str]
    attributes: list[AttributeReport]
    subgroup_performance_by: list[str] = Field(description="attributes performance is broken down by")
    link: str


class AttributeShare(BaseModel):
    """How many of a group's studies report one attribute (numerator / denominator)."""

    attribute: str
    reported: int
    stated_not_reported: int
    not_mentioned: int
    denominator: int
    share: float | None = Field(description="reported / denominator; None with no studies")
    subgroup_performance: int = Field(description="studies breaking performance down by this attribute")


class Homogeneous(BaseModel):
    """Whether a condition's evidence comes from one country (or ancestry), as far as spans show."""

    status: Homogeneity
    values: list[str] = Field(default_factory=list, description="countries or groups named in evidence")
    reason: str


class ConditionBias(BaseModel):
    condition_id: str
    label: str
    cause_categories: list[str]
    study_ids: list[str]
    study_links: list[str]
    shares: list[AttributeShare]
    flags: list[str] = Field(description="ancestry-not-reported, skin-tone-not-reported, single-country, "
                                         "single-ancestry")
    geography: Homogeneous
    ancestry: Homogeneous


class CauseBias(BaseModel):
    id: str
    label: str
    in_framework: bool
    study_ids: list[str]
    shares: list[AttributeShare]


class BiasReport(BaseModel):
    attributes: list[str]
    include_retracted: bool
    conditions: list[ConditionBias]
    by_cause: list[CauseBias]
    studies: list[StudyBiasLedger]


def check_attribute(attribute: str | None) -> tuple[str, ...]:
    """The attributes to report: all, or the one named; InvalidQuery for an unknown name."""
    if attribute is None:
        return DEMOGRAPHIC_ATTRIBUTES
    if attribute not in DEMOGRAPHIC_ATTRIBUTES:
        raise InvalidQuery("attribute", f"unknown attribute {attribute!r}; use one of "
                                        f"{', '.join(DEMOGRAPHIC_ATTRIBUTES)}")
    return (attribute,)


def status_of(report: DemographicReport | None) -> ReportStatus:
    if report is None or report.reported is None:
        return "not-mentioned"
    return "reported" if report.reported else "stated-not-reported"


class Reports:
    """Each study's demographic report per attribute, indexed on first use: one analysis looks each one up
    dozens of times (ledger, shares per condition and per cause, homogeneity, flags)."""

    def __init__(self) -> None:
        self._by_study: dict[int, dict[str, DemographicReport]] = {}  # by id(): studies outlive the analysis

    def of(self, study: StudyRecord, attribute: str) -> DemographicReport | None:
        """What :meth:`facekg.records.StudyRecord.demographic` answers (the first report of the attribute)."""
        by = self._by_study.get(id(study))
        if by is None:
            by = {}
            for report in study.demographics:
                by.setdefault(report.attribute, report)
            self._by_study[id(study)] = by
        return by.get(attribute)


def attribute_report(study: StudyRecord, attribute: str, reports: Reports | None = None) -> AttributeReport:
    """The ledger entry for one study and attribute, with its evidence span or why there is none.

    Built with ``model_construct``: every value comes from a validated record, and a ledger at review
    scale has one entry per study and attribute (validating them again cost a third of the analysis).
    """
    report = (reports or Reports()).of(study, attribute)
    status = status_of(report)
    evidence = note = None
    source = report.provenance.source if report is not None else None
    if report is not None and report.provenance.evidence is not None:
        span = report.provenance.evidence
        evidence = EvidenceSpan.model_construct(text=span.text, start=span.start, end=span.end,
                                                sentence=span.sentence)
    elif report is not None and status != "not-mentioned":
        note = f"{source}: no evidence span"
    return AttributeReport.model_construct(
        attribute=attribute, status=status, reported=status == "reported", source=source, evidence=evidence,
        evidence_note=note, subgroup_performance=report.subgroup_performance if report else None)


def study_ledger(study: StudyRecord, attributes: Sequence[str] = DEMOGRAPHIC_ATTRIBUTES,
                 reports: Reports | None = None) -> StudyBiasLedger:
    reports = reports or Reports()
    entries = [attribute_report(study, a, reports) for a in attributes]
    by = [a for a in SUBGROUP_ATTRIBUTES if (r := reports.of(study, a)) and r.subgroup_performance]
    return StudyBiasLedger(
        study_id=study.id, title=study.title, year=study.year, retracted=study.retracted,
        condition_ids=list(dict.fromkeys(condition_ref(c) for c in study.conditions)),
        attributes=entries, subgroup_performance_by=by, link=study_links([study.id])[0])


class LedgerRows:
    """Ledger rows kept from the last analysis and reused for the same record objects.

    A row is a function of its study record alone, and the embedded store hands the next revision's
    snapshot the very objects of unchanged studies (:meth:`graph.sqlite_store.SqliteStore.shared_studies`),
    so after an update only the studies it wrote get new rows. Keyed by ``id(record)`` and checked by
    identity, so a record that is not the same object never reuses a row; each analysis keeps only its own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[tuple[int, tuple[str, ...]], tuple[StudyRecord, StudyBiasLedger]] = {}

    def rows(self, studies: Sequence[StudyRecord], attributes: Sequence[str],
             reports: Reports) -> list[StudyBiasLedger]:
        chosen = tuple(attributes)
        with self._lock:
            previous = self._kept
        kept: dict[tuple[int, tuple[str, ...]], tuple[StudyRecord, StudyBiasLedger]] = {}
        rows = []
        for study in studies:
            key = (id(study), chosen)
            found = previous.get(key)
            row = found[1] if found is not None and found[0] is study else study_ledger(study, chosen, reports)
            kept[key] = (study, row)
            rows.append(row)
        with self._lock:
            self._kept = kept
        return rows


_LEDGER_ROWS = LedgerRows()


def shares(studies: Sequence[StudyRecord], attributes: Sequence[str],
           reports: Reports | None = None) -> list[AttributeShare]:
    """Per attribute: reported / stated-not-reported / not-mentioned counts over ``studies``."""
    reports = reports or Reports()
    result = []
    for attribute in attributes:
        found = [reports.of(s, attribute) for s in studies]
        statuses = [status_of(r) for r in found]
        reported = statuses.count("reported")
        subgroup = sum(1 for r in found if r and r.subgroup_performance)
        result.append(AttributeShare(
            attribute=attribute, reported=reported, stated_not_reported=statuses.count("stated-not-reported"),
            not_mentioned=statuses.count("not-mentioned"), denominator=len(studies),
            share=round(reported / len(studies), 4) if studies else None, subgroup_performance=subgroup))
    return result


def homogeneity(studies: Sequence[StudyRecord], attribute: str, kind: str,
                reports: Reports | None = None) -> Homogeneous:
    """Single / multiple / unknown country (``geography``) or ancestry (``race_ethnicity``) from evidence.

    ``multiple`` needs two distinct values named anywhere; ``single`` needs every
    study's evidence to name exactly the same one value; otherwise ``unknown``.
    """
    reports = reports or Reports()
    per_study: list[set[str] | None] = []
    for study in studies:
        report = reports.of(study, attribute)
        per_study.append(set(report.values) if report is not None and report.reported else None)
    named = sorted(set().union(*(v for v in per_study if v)))
    if len(named) >= 2:
        return Homogeneous(status="multiple", values=named, reason=f"evidence spans name {len(named)} {kind}")
    if studies and all(v is not None and len(v) == 1 for v in per_study):
        return Homogeneous(status="single", values=named,
                           reason=f"every study's evidence span names only {named[0]}")
    missing = sum(1 for v in per_study if not v)
    reason = f"{missing} of {len(studies)} studies have no evidence span naming one of the {kind}"
    return Homogeneous(status="unknown", values=named, reason=reason if studies else "no studies")


def condition_bias(ontology: Ontology, condition_id: str, label: str, studies: Sequence[StudyRecord],
                   attributes: Sequence[str], reports: Reports | None = None) -> ConditionBias:
    reports = reports or Reports()
    ids = [s.id for s in studies]
    geography = homogeneity(studies, "geography", "countries", reports)
    ancestry = homogeneity(studies, "race_ethnicity", "ancestries", reports)
    flags = []
    if not any(status_of(reports.of(s, "race_ethnicity")) == "reported" for s in studies):
        flags.append("ancestry-not-reported")
    if not any(status_of(reports.of(s, "skin_tone")) == "reported" for s in studies):
        flags.append("skin-tone-not-reported")
    if geography.status == "single":
        flags.append("single-country")
    if ancestry.status == "single":
        flags.append("single-ancestry")
    return ConditionBias(condition_id=condition_id, label=label,
                         cause_categories=categories_of(ontology, condition_id), study_ids=ids,
                         study_links=study_links(ids), shares=shares(studies, attributes, reports), flags=flags,
                         geography=geography, ancestry=ancestry)


def bias_reporting(store: GraphStore, ontology: Ontology, *, condition: str | None = None,
                   attribute: str | None = None, include_retracted: bool = False) -> BiasReport:
    """The ledger for every counted study, and shares per condition with studies and per cause category.

    ``condition`` (name or id) narrows everything to that condition and its
    descendants (NotFound when the ontology does not know it); ``attribute``
    narrows the shares and ledger to one attribute.
    """
    attributes = check_attribute(attribute)
    reports = Reports()
    studies = counted_studies(store, include_retracted=include_retracted)
    index = studies_by_concept(studies)
    if condition is not None:
        concept = ontology.lookup(condition, kind="condition")
        if concept is None:
            raise UnknownName("condition", "condition", condition, "/v1/conditions")
        targets = [(concept.id, concept.label)]
    else:
        targets = [(c.id, c.label) for c in ontology.conditions()]
        targets += [(key, unmapped_name(key)) for key in sorted(index) if is_unmapped(key)]
    conditions = []
    for concept_id, label in targets:
        members = condition_studies(ontology, concept_id, index)
        if members or condition is not None:
            conditions.append(condition_bias(ontology, concept_id, label, members, attributes, reports))
    shown = {sid for c in conditions for sid in c.study_ids}
    ledger = _LEDGER_ROWS.rows([s for s in sorted(studies, key=lambda s: s.id) if condition is None or s.id in shown],
                               attributes, reports)
    by_cause = []
    categories = sorted(ontology.cause_categories(), key=lambda c: (not c.in_framework, c.label.casefold()))
    for category in categories:
        in_category = {s.id: s for c in conditions if category.id in c.cause_categories
                       for s in condition_studies(ontology, c.condition_id, index)}
        if condition is not None and not in_category:
            continue
        by_cause.append(CauseBias(id=category.id, label=category.label,
                                  in_framework=bool(category.in_framework), study_ids=sorted(in_category),
                                  shares=shares([in_category[k] for k in sorted(in_category)], attributes,
                                                reports)))
    return BiasReport(attributes=list(attributes), include_retracted=include_retracted, conditions=conditions,
                      by_cause=by_cause, studies=ledger)
