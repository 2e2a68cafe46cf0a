"""Builders for review-side test data: decisions, forms and assessments made in code."""

from __future__ import annotations

from typing import Any

from facekg.records import StudyRecord
from review.extraction import prefill_form
from review.models import (
    FORM_SECTIONS,
    Consensus,
    Decision,
    ExtractionForm,
    Resolution,
    ScreeningDecision,
    Stage,
)


def decision(study_id: str, reviewer: str, verdict: Decision, stage: Stage = "title-abstract",
             reasons: tuple[str, ...] = ("non-medical",)) -> ScreeningDecision:
    """A reviewer's decision; exclusions get ``reasons``."""
    return ScreeningDecision.model_validate({
        "study_id": study_id, "stage": stage, "reviewer": reviewer, "decision": verdict,
        "reasons": list(reasons) if verdict == "exclude" else []})


def consensus(study_id: str, verdict: Decision, stage: Stage = "title-abstract", resolver: str = "ADMIN",
              reviewers: tuple[str, str] = ("AB", "CD"), reasons: tuple[str, ...] = ("non-human",)) -> Consensus:
    return Consensus.model_validate({
        "study_id": study_id, "stage": stage, "decision": verdict,
        "reasons": list(reasons) if verdict == "exclude" else [],
        "resolution": {"resolver": resolver, "reviewers": list(reviewers)}})


def resolution(resolver: str = "ADMIN", reviewers: tuple[str, str] = ("AB", "CD")) -> Resolution:
    return Resolution(resolver=resolver, reviewers=list(reviewers))


def filled_form(record: StudyRecord, reviewer: str | None, verdicts: dict[str, Any] | None = None,
                by_consensus: bool = False) -> ExtractionForm:
    """The machine-prefilled form with every field decided.

    Proposals are accepted unless ``verdicts`` maps their key to ``"rejected"``
    or to an edited fact (a dict); fields without a proposal get the edited value
    from ``verdicts`` or, for demographics and flags, an explicit "not reported".
    """
    verdicts = verdicts or {}
    data = prefill_form(record, reviewer or "draft").model_dump()
    for section in FORM_SECTIONS:
        for field in data[section]:
            choice = verdicts.get(field["key"])
            if choice == "rejected":
                field["verdict"], field["value"] = "rejected", None
            elif isinstance(choice, dict):
                field["verdict"], field["value"] = "edited", choice
            elif field["machine"] is not None:
                field["verdict"] = "accepted"
            else:
                field["verdict"], field["value"] = "edited", _not_reported(section, field["key"])
    data["submitted"] = True
    if by_consensus:
        data["reviewer"], data["resolution"] = None, resolution().model_dump()
    else:
        data["reviewer"] = reviewer
    return ExtractionForm.model_validate(data, strict=False)


def _not_reported(section: str, key: str) -> dict[str, Any]:
    """The explicit "not reported" value of an empty demographics or flags field."""
    from facekg.records import DEMOGRAPHIC_ATTRIBUTES, DemographicReport, StudyFlag
    from review.extraction import FLAG_NAMES, field_key

    if section == "demographics":
        attribute = next(a for a in DEMOGRAPHIC_ATTRIBUTES if field_key(section, DemographicReport(attribute=a)) == key)
        return {"attribute": attribute, "reported": False}
    name = next(n for n in FLAG_NAMES if field_key(section, StudyFlag(name=n)) == key)  # type: ignore[arg-type]
    return {"name": name, "value": False}
