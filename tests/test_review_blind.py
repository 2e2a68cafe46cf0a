"""Blind mode: another reviewer's entries stay hidden until both have submitted for that stage, form or tool."""

from __future__ import annotations

from review.blind import StudyEntries, visible_to
from review.models import RiskOfBiasAssessment
from tests.data import study
from tests.review_data import consensus, decision, filled_form


def test_blind_hides_the_other_decision_until_both_reviewers_decided_the_stage() -> None:
    entries = StudyEntries(study_id="s", screening=[decision("s", "AB", "include")])
    seen = visible_to("CD", entries)
    assert seen.screening == [] and seen.hidden == {"screening/title-abstract": 1}
    assert visible_to("AB", entries).screening == entries.screening
    entries.screening.append(decision("s", "CD", "exclude"))
    assert len(visible_to("CD", entries).screening) == 2
    assert visible_to("CD", entries).hidden == {}


def test_blind_is_per_stage() -> None:
    entries = StudyEntries(study_id="s", screening=[
        decision("s", "AB", "include"), decision("s", "CD", "include"),
        decision("s", "AB", "include", stage="full-text")])
    seen = visible_to("CD", entries)
    assert [(d.reviewer, d.stage) for d in seen.screening] == [("AB", "title-abstract"), ("CD", "title-abstract")]
    assert seen.hidden == {"screening/full-text": 1}


def test_blind_hides_drafts_and_shows_submitted_forms_once_both_submitted() -> None:
    record = study("s", source="extracted")
    submitted_ab = filled_form(record, "AB")
    draft_cd = submitted_ab.model_copy(update={"reviewer": "CD", "submitted": False})
    entries = StudyEntries(study_id="s", extraction=[submitted_ab, draft_cd])
    assert visible_to("CD", entries).extraction == [draft_cd]
    assert visible_to("AB", entries).extraction == [submitted_ab]
    entries.extraction[1] = filled_form(record, "CD")
    assert {form.reviewer for form in visible_to("AB", entries).extraction} == {"AB", "CD"}


def test_blind_applies_to_admins_and_always_shows_consensus() -> None:
    assessment = RiskOfBiasAssessment(study_id="s", tool="rob1", reviewer="AB", submitted=True)
    entries = StudyEntries(study_id="s", screening=[decision("s", "AB", "exclude")],
                           consensus=[consensus("s", "exclude")], rob=[assessment])
    seen = visible_to("ADMIN", entries)
    assert seen.screening == [] and seen.rob == []
    assert seen.consensus == entries.consensus
    assert seen.hidden == {"screening/title-abstract": 1, "rob/rob1": 1}
