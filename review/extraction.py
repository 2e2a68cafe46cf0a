"""Extraction forms: pre-filled from the machine, resolved by consensus, turned into graph facts.

- :func:`prefill_form` proposes every extracted fact of a study (provenance
  ``extracted``) as a pending field, plus an empty field for each demographic
  attribute and study flag the machine did not see, since the protocol asks
  reviewers to record all of them.
- :func:`consensus_record` is the pure merge of a consensus form into the
  study: accepted and edited fields become facts with
  ``provenance.source="consensus"`` (resolver and both reviewers recorded),
  rejected proposals leave the study, and the claims of rejected or edited
  proposals go to ``StudyRecord.rejected_claims`` so that re-extraction never
  brings them back (:func:`facekg.merge.merge_records` skips them). Phase 2
  writes its result as the study's new version (not through ``merge_records``,
  which keeps every stored fact).
- :func:`corrections_from_form` keeps every verdict on a machine proposal as a
  labelled example for the extractor.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from facekg.errors import Conflict
from facekg.records import (
    DEMOGRAPHIC_ATTRIBUTES,
    DemographicReport,
    Fact,
    MetricResult,
    Provenance,
    StudyFlag,
    StudyRecord,
)
from review.models import (
    FORM_SECTIONS,
    SECTION_LISTS,
    Correction,
    ExtractionForm,
    FormField,
    Resolution,
    SubgroupResult,
)

FLAG_NAMES = ("external_validation", "clinician_comparison", "subgroup_performance")
# The entity label each section's facts were extracted as (ingest/nlp's span labels where it has one).
SECTION_LABELS: dict[str, str] = {
    "conditions": "CONDITION", "samples": "SAMPLE", "demographics": "DEMOGRAPHIC",
    "architectures": "ARCHITECTURE", "metrics": "METRIC", "subgroups": "SUBGROUP", "flags": "FLAG",
}


def field_key(section: str, fact: Fact) -> str:
    """A field's key: the same for the same proposal in every reviewer's form of the study."""
    identity = json.dumps([str(part) for part in fact.identity()])
    return f"{section}:{hashlib.sha1(identity.encode()).hexdigest()[:12]}"


def section_facts(record: StudyRecord, section: str) -> list[Fact]:
    """The study's facts a form section holds: a metric with a subgroup is a ``subgroups`` row, not a metric."""
    facts: list[Fact] = list(getattr(record, SECTION_LISTS.get(section, section)))
    if section == "subgroups":
        return [SubgroupResult.model_validate(f.model_dump()) for f in facts
                if isinstance(f, MetricResult) and f.subgroup]
    if section == "metrics":
        return [f for f in facts if not (isinstance(f, MetricResult) and f.subgroup)]
    return facts


def prefill_form(record: StudyRecord, reviewer: str) -> ExtractionForm:
    """A new draft form for ``reviewer`` with every machine proposal pending (subgroup figures as subgroup rows)."""
    sections: dict[str, list[FormField[Any]]] = {}
    for section in FORM_SECTIONS:
        proposals = [fact for fact in section_facts(record, section) if fact.provenance.source == "extracted"]
        sections[section] = [FormField[Any](key=field_key(section, fact), machine=fact) for fact in proposals]
    proposed = {field.key for field in sections["demographics"]}
    for attribute in DEMOGRAPHIC_ATTRIBUTES:
        key = field_key("demographics", DemographicReport(attribute=attribute))
        if key not in proposed:
            sections["demographics"].append(FormField[Any](key=key))
    proposed = {field.key for field in sections["flags"]}
    for name in FLAG_NAMES:
        key = field_key("flags", StudyFlag(name=name))  # type: ignore[arg-type]
        if key not in proposed:
            sections["flags"].append(FormField[Any](key=key))
    versions = {fact.provenance.extractor_version for facts in record.fact_lists().values() for fact in facts
                if fact.provenance.source == "extracted" and fact.provenance.extractor_version}
    return ExtractionForm.model_validate({
        "study_id": record.id, "reviewer": reviewer,
        "extractor_version": sorted(versions)[-1] if versions else None,
        **{section: [field.model_dump() for field in fields] for section, fields in sections.items()},
    }, strict=False)


def consensus_record(record: StudyRecord, form: ExtractionForm) -> StudyRecord:
    """The study with a submitted consensus form's verdicts applied (pure; applying twice changes nothing)."""
    if form.resolution is None or not form.submitted:
        raise Conflict("only a submitted consensus form becomes the graph's facts")
    if form.study_id != record.id:
        raise Conflict(f"the form is for study {form.study_id!r}, not {record.id!r}")
    resolution = form.resolution
    updated = record.model_copy(deep=True)
    rejected = [tuple(claim) for claim in updated.rejected_claims]
    for section in FORM_SECTIONS:
        target = SECTION_LISTS.get(section, section)
        facts: list[Fact] = list(getattr(updated, target))
        for field in getattr(form, section):
            machine: Fact | None = field.machine
            position = None
            if machine is not None and machine.provenance.source == "extracted":
                position = next((i for i, fact in enumerate(facts) if _same_proposal(fact, machine)), None)
                if position is not None:
                    del facts[position]
                if field.value is None or field.value.claim() != machine.claim():
                    rejected.append(_claim(machine))
            if field.value is not None:
                _put(facts, _as_consensus(field.value, machine, resolution), position)
        setattr(updated, target, facts)
    updated.rejected_claims = [list(claim) for claim in dict.fromkeys(rejected)]
    return updated


def corrections_from_form(form: ExtractionForm) -> list[Correction]:
    """Every verdict on a machine proposal in a submitted form, as a labelled example."""
    if not form.submitted:
        return []
    corrections: list[Correction] = []
    for section, field in form.fields():
        if field.machine is None or field.verdict == "pending":
            continue
        edited = field.value if field.verdict == "edited" else None
        corrections.append(Correction(
            study_id=form.study_id, reviewer=form.author, section=section, label=SECTION_LABELS[section],
            span=field.machine.provenance.evidence, verdict=field.verdict,
            machine_value=_value(field.machine), value=_value(edited) if edited is not None else None,
            extractor_version=field.machine.provenance.extractor_version or form.extractor_version))
    return corrections


def _as_consensus(value: Fact, machine: Fact | None, resolution: Resolution) -> Fact:
    """The asserted value as a consensus fact, keeping the machine's evidence span when there was one."""
    evidence = machine.provenance.evidence if machine is not None else value.provenance.evidence
    provenance = Provenance(source="consensus", reviewer=resolution.resolver, reviewers=list(resolution.reviewers),
                            evidence=evidence,
                            extractor_version=machine.provenance.extractor_version if machine else None,
                            source_urls=list(value.provenance.source_urls))
    fact = value.as_metric() if isinstance(value, SubgroupResult) else value  # the row is stored as a metric
    return fact.model_copy(update={"provenance": provenance}, deep=True)


def _put(facts: list[Fact], fact: Fact, position: int | None) -> None:
    """Replace the fact with the same identity in place, else insert where the proposal was, else append."""
    same = next((i for i, existing in enumerate(facts) if existing.identity() == fact.identity()), None)
    if same is not None:
        facts[same] = fact
    elif position is not None:
        facts.insert(position, fact)
    else:
        facts.append(fact)


def _same_proposal(fact: Fact, machine: Fact) -> bool:
    return fact.provenance.source == "extracted" and fact.identity() == machine.identity()


def _claim(fact: Fact) -> tuple[str | int | float | bool | None, ...]:
    return tuple(part if part is None or isinstance(part, str | int | float | bool) else str(part)
                 for part in fact.claim())


def _value(fact: Fact) -> dict[str, object]:
    return fact.model_dump(mode="json", exclude={"provenance"})
