"""Extraction forms: machine-prefilled, resolved by consensus into facts that re-extraction never overwrites."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from facekg.errors import Conflict
from facekg.merge import merge_records
from facekg.records import ConditionFact, MetricResult, Provenance, StudyRecord, Subgroup
from review.extraction import consensus_record, corrections_from_form, prefill_form
from review.models import ExtractionForm
from tests.data import extracted, study
from tests.review_data import filled_form


def _extracted_study() -> StudyRecord:
    record = study("s1", source="extracted")
    record.metrics.append(MetricResult(metric="sensitivity", value=80.0, unit="%", provenance=extracted("80%", 40)))
    return record


def test_extraction_prefill_proposes_every_extracted_fact_and_every_protocol_attribute() -> None:
    record = _extracted_study()
    record.conditions.append(ConditionFact(name="Noonan syndrome", provenance=Provenance(source="curated")))
    form = prefill_form(record, "AB")
    assert [field.machine.name for field in form.conditions if field.machine] == ["Down syndrome"]
    assert len(form.metrics) == 2 and all(field.verdict == "pending" for _section, field in form.fields())
    # sex and skin tone were proposed; the other three demographic attributes wait empty, as do two flags.
    assert len(form.demographics) == 5 and sum(field.machine is None for field in form.demographics) == 3
    assert len(form.flags) == 3
    assert [f.key for f in prefill_form(record, "CD").metrics] == [f.key for f in form.metrics]


def test_extraction_form_cannot_be_submitted_with_pending_fields() -> None:
    data = prefill_form(_extracted_study(), "AB").model_dump()
    data["submitted"] = True
    with pytest.raises(ValidationError, match="pending"):
        ExtractionForm.model_validate(data, strict=False)


def test_extraction_form_field_of_the_wrong_type_names_the_field() -> None:
    data = filled_form(_extracted_study(), "AB").model_dump()
    data["samples"][0]["verdict"] = "edited"
    data["samples"][0]["value"] = {"value": "many", "unit": "participants"}
    with pytest.raises(ValidationError) as error:
        ExtractionForm.model_validate(data, strict=False)
    assert error.value.errors()[0]["loc"][:4] == ("samples", 0, "value", "value")


def test_extraction_consensus_facts_record_resolver_and_both_reviewers() -> None:
    record = _extracted_study()
    form = filled_form(record, None, by_consensus=True)
    result = consensus_record(record, form)
    condition = result.conditions[0]
    assert condition.provenance.source == "consensus"
    assert condition.provenance.reviewer == "ADMIN" and condition.provenance.reviewers == ["AB", "CD"]
    assert condition.provenance.evidence == record.conditions[0].provenance.evidence
    assert {fact.provenance.source for facts in result.fact_lists().values() for fact in facts} == {"consensus"}
    assert consensus_record(result, form) == result


def test_extraction_consensus_removes_rejected_and_replaces_edited_proposals() -> None:
    record = _extracted_study()
    keys = {field.machine.metric: field.key for field in prefill_form(record, "x").metrics if field.machine}
    edited = {"metric": "accuracy", "value": 93.0, "unit": "%"}
    form = filled_form(record, None, {keys["sensitivity"]: "rejected", keys["accuracy"]: edited}, by_consensus=True)
    result = consensus_record(record, form)
    assert [(m.metric, m.value, m.provenance.source) for m in result.metrics] == [("accuracy", 93.0, "consensus")]
    assert len(result.rejected_claims) == 2


def test_extraction_consensus_needs_a_submitted_consensus_form() -> None:
    record = _extracted_study()
    with pytest.raises(Conflict, match="consensus form"):
        consensus_record(record, filled_form(record, "AB"))


def test_extraction_later_extraction_never_overwrites_consensus_or_curated_facts() -> None:
    record = _extracted_study()
    record.conditions.append(ConditionFact(name="Noonan syndrome", provenance=Provenance(source="curated")))
    keys = {field.machine.metric: field.key for field in prefill_form(record, "x").metrics if field.machine}
    form = filled_form(record, None, {keys["sensitivity"]: "rejected",
                                      keys["accuracy"]: {"metric": "accuracy", "value": 93.0, "unit": "%"}},
                       by_consensus=True)
    resolved = consensus_record(record, form)
    # A re-extraction proposes the same facts again, and a different value for the curated condition's identity.
    again = _extracted_study()
    again.conditions.append(ConditionFact(name="Noonan syndrome", concept_id=None, provenance=extracted("Noonan")))
    merged = merge_records(resolved, again)
    assert merged.conditions == resolved.conditions
    assert [(m.metric, m.value, m.provenance.source) for m in merged.metrics] == [("accuracy", 93.0, "consensus")]
    assert merge_records(merged, again) == merged


def test_extraction_corrections_keep_every_verdict_on_a_machine_proposal() -> None:
    record = _extracted_study()
    keys = {field.machine.metric: field.key for field in prefill_form(record, "x").metrics if field.machine}
    form = filled_form(record, "AB", {keys["sensitivity"]: "rejected",
                                      keys["accuracy"]: {"metric": "accuracy", "value": 93.0, "unit": "%"}})
    corrections = corrections_from_form(form)
    by_verdict = {c.verdict: c for c in corrections if c.section == "metrics"}
    assert set(by_verdict) == {"rejected", "edited"}
    assert by_verdict["edited"].value is not None and by_verdict["edited"].value["value"] == 93.0
    assert by_verdict["rejected"].span is not None and by_verdict["rejected"].span.text == "80%"
    assert all(c.label for c in corrections) and len(corrections) == 8


def _study_with_subgroup_figures() -> StudyRecord:
    record = _extracted_study()
    record.metrics += [MetricResult(metric="accuracy", value=value, unit="%", denominator=n,
                                    subgroup=Subgroup(attribute="sex", value=group),
                                    provenance=extracted(f"{value:g}% in {group}", start))
                       for group, value, n, start in (("women", 85.0, 120, 60), ("men", 92.0, 80, 90))]
    return record


def test_extraction_subgroup_figures_are_prefilled_as_subgroup_rows_not_metrics() -> None:
    form = prefill_form(_study_with_subgroup_figures(), "AB")
    rows = [(f.machine.subgroup.attribute, f.machine.subgroup.value, f.machine.metric, f.machine.value,
             f.machine.denominator) for f in form.subgroups if f.machine]
    assert rows == [("sex", "women", "accuracy", 85.0, 120), ("sex", "men", "accuracy", 92.0, 80)]
    assert all(f.machine is None or f.machine.subgroup is None for f in form.metrics)


def test_extraction_consensus_subgroup_rows_become_subgroup_metrics_and_a_rejected_row_stays_out() -> None:
    record = _study_with_subgroup_figures()
    keys = {field.machine.subgroup.value: field.key for field in prefill_form(record, "x").subgroups if field.machine}
    edited = {"metric": "accuracy", "value": 86.0, "unit": "%", "denominator": 120, "ci_low": 79.0, "ci_high": 91.0,
              "subgroup": {"attribute": "sex", "value": "female"}}
    form = filled_form(record, None, {keys["women"]: edited, keys["men"]: "rejected"}, by_consensus=True)
    resolved = consensus_record(record, form)
    rows = [m for m in resolved.metrics if m.subgroup]
    assert [(type(m), m.subgroup.value, m.value, m.ci_low, m.provenance.source) for m in rows] == [
        (MetricResult, "female", 86.0, 79.0, "consensus")]
    again = merge_records(resolved, _study_with_subgroup_figures())  # re-extraction brings neither back
    assert [(m.subgroup.value, m.provenance.source) for m in again.metrics if m.subgroup] == [("female", "consensus")]
    labels = {c.label for c in corrections_from_form(filled_form(record, "AB", {keys["men"]: "rejected"}))
              if c.section == "subgroups"}
    assert labels == {"SUBGROUP"}


def test_extraction_subgroup_row_without_its_group_or_figure_names_the_field() -> None:
    data = prefill_form(_study_with_subgroup_figures(), "AB").model_dump()
    data["subgroups"].append({"key": "subgroups:new", "verdict": "edited",
                              "value": {"metric": "accuracy", "value": 0.9, "unit": "fraction"}})
    with pytest.raises(ValidationError) as error:
        ExtractionForm.model_validate(data, strict=False)
    assert error.value.errors()[0]["loc"][:4] == ("subgroups", 2, "value", "subgroup")
    data["subgroups"][-1]["value"] = {"metric": "accuracy", "subgroup": {"attribute": "sex", "value": "female"}}
    with pytest.raises(ValidationError, match="subgroup row needs its figure"):
        ExtractionForm.model_validate(data, strict=False)
