"""Screening status: what each study's decisions mean, and which studies an analysis counts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from review.models import ScreeningDecision
from review.screening import counted, screening_status, statuses_of
from tests.review_data import consensus, decision


@pytest.mark.parametrize(("decisions", "consensus_records", "suggestion", "status"), [
    pytest.param([], [], None, "provisionally-included", id="nothing-decided"),
    pytest.param([], [], "exclude", "provisionally-excluded", id="rules-suggest-exclude"),
    pytest.param([decision("s", "AB", "include")], [], "exclude", "provisionally-included",
                 id="a-reviewer-overrides-the-rules"),
    pytest.param([decision("s", "AB", "exclude")], [], None, "provisionally-excluded", id="one-reviewer-excludes"),
    pytest.param([decision("s", "AB", "exclude"), decision("s", "CD", "include")], [], None,
                 "provisionally-included", id="conflict-gets-the-benefit-of-the-doubt"),
    pytest.param([decision("s", "AB", "exclude"), decision("s", "CD", "exclude")], [], None, "excluded",
                 id="two-reviewers-agree-to-exclude"),
    pytest.param([decision("s", "AB", "include"), decision("s", "CD", "include")], [], None,
                 "provisionally-included", id="title-abstract-include-awaits-full-text"),
    pytest.param([decision("s", "AB", "include", "full-text"), decision("s", "CD", "include", "full-text")], [],
                 None, "included", id="full-text-agreement-includes"),
    pytest.param([decision("s", "AB", "exclude"), decision("s", "CD", "include")],
                 [consensus("s", "exclude")], None, "excluded", id="consensus-resolves-a-conflict"),
    pytest.param([decision("s", "AB", "include", "full-text"), decision("s", "CD", "exclude", "full-text")],
                 [consensus("s", "include", "full-text")], "exclude", "included", id="consensus-include-at-full-text"),
])
def test_screening_status_follows_the_counting_rule(decisions: list[ScreeningDecision], consensus_records: list,
                                                    suggestion: str | None, status: str) -> None:
    assert screening_status("s", decisions, consensus_records, suggestion).status == status  # type: ignore[arg-type]


def test_screening_status_keeps_the_exclusion_reasons_of_the_consensus() -> None:
    result = screening_status("s", [decision("s", "AB", "exclude", reasons=("non-medical",)),
                                    decision("s", "CD", "include")],
                              [consensus("s", "exclude", reasons=("non-human", "not-full-face"))])
    assert result.reasons == ["non-human", "not-full-face"]
    assert result.stages[0].resolved_by == "consensus"
    assert result.stages[0].decisions == {"AB": "exclude", "CD": "include"}


def test_screening_status_of_an_agreement_unites_both_reviewers_reasons() -> None:
    result = screening_status("s", [decision("s", "AB", "exclude", reasons=("non-medical",)),
                                    decision("s", "CD", "exclude", reasons=("non-human", "non-medical"))])
    assert result.status == "excluded"
    assert result.reasons == ["non-medical", "non-human"]
    assert result.stages[0].resolved_by == "agreement"


def test_screening_counted_set_under_each_rule() -> None:
    decisions = [decision("in", "AB", "include", "full-text"), decision("in", "CD", "include", "full-text"),
                 decision("out", "AB", "exclude"), decision("out", "CD", "exclude", reasons=("non-empirical",)),
                 decision("open", "AB", "include")]
    statuses = statuses_of(["in", "out", "open", "flagged"], decisions, suggestions={"flagged": "exclude"})
    strict = counted(statuses, "consensus")
    assert strict.study_ids == ["in"] and not strict.provisional
    lenient = counted(statuses, "provisional")
    assert lenient.study_ids == ["in", "open"]
    assert lenient.provisional and lenient.provisional_ids == ["open"]
    assert lenient.excluded == {"out": ["non-medical", "non-empirical"]}


@pytest.mark.parametrize(("body", "field"), [
    pytest.param({"decision": "exclude", "reasons": []}, "exclusion needs at least one reason", id="exclude-no-reason"),
    pytest.param({"decision": "include", "reasons": ["non-human"]}, "inclusion takes no", id="include-with-reason"),
    pytest.param({"decision": "exclude", "reasons": ["too-old"]}, "reasons.0", id="reason-not-in-protocol"),
    pytest.param({"decision": "maybe"}, "decision", id="unknown-decision"),
    pytest.param({"decision": "include", "stage": "abstract"}, "stage", id="unknown-stage"),
    pytest.param({"decision": "include", "extra": 1}, "extra", id="unknown-field"),
])
def test_screening_decision_rejects_bad_input_naming_the_field(body: dict, field: str) -> None:
    data = {"study_id": "s", "stage": "title-abstract", "reviewer": "AB", **body}
    with pytest.raises(ValidationError, match=field):
        ScreeningDecision.model_validate(data)
