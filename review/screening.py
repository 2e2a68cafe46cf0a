"""A study's screening status, and the rule for which studies an analysis counts.

Written once here, read by every analysis (phase 2 stores the status in the
study's ``screening`` section so summaries carry it).

Per stage a study is *resolved* when a consensus record exists, or when the
:data:`~review.models.REQUIRED_REVIEWERS` independent reviewers all made the
same decision (agreement needs no discussion); otherwise it is ``conflict``
(reviewers disagree) or ``pending`` (fewer reviewers than required). The study
is then:

- ``excluded``: some stage resolved to exclude (the reasons are kept, for PRISMA);
- ``included``: the full-text stage resolved to include;
- ``provisionally-excluded``: nothing resolved, and the best judgement so far
  says exclude: reviewers who decided the latest stage agree on exclude, or no
  reviewer decided yet and the protocol rules suggest exclude;
- ``provisionally-included``: anything else (a conflict gets the benefit of the
  doubt until it is resolved).

What counts (:func:`counted`): with the ``consensus`` rule only ``included``
studies; with the ``provisional`` rule also ``provisionally-included`` ones,
and the answer says it is provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, Field

from ingest.screening import Criterion, Suggestion
from review.models import REQUIRED_REVIEWERS, STAGES, Consensus, Decision, ScreeningDecision, Stage

StageOutcome = Literal["include", "exclude", "conflict", "pending"]
ResolvedBy = Literal["consensus", "agreement"]
Status = Literal["included", "excluded", "provisionally-included", "provisionally-excluded"]
CountingRule = Literal["consensus", "provisional"]
COUNTING_RULES: tuple[CountingRule, ...] = ("consensus", "provisional")
COUNTED: dict[CountingRule, frozenset[Status]] = {
    "consensus": frozenset({"included"}),
    "provisional": frozenset({"included", "provisionally-included"}),
}


class StageStatus(BaseModel):
    """One stage of one study: each reviewer's decision, the consensus, the outcome."""

    stage: Stage
    decisions: dict[str, Decision] = Field(default_factory=dict, description="reviewer id -> decision")
    consensus: Decision | None = None
    outcome: StageOutcome
    resolved_by: ResolvedBy | None = None
    reasons: list[Criterion] = Field(default_factory=list, description="why, when the outcome is exclude")


class ScreeningStatus(BaseModel):
    """A study's screening: the machine suggestion, both stages, and what it means for counting."""

    study_id: str
    suggestion: Suggestion | None = None
    stages: list[StageStatus]
    status: Status
    provisional: bool
    reasons: list[Criterion] = Field(default_factory=list, description="the exclusion reasons, when excluded")


class CountedSet(BaseModel):
    """The studies an analysis counts under a rule, and the excluded ones with their reasons."""

    rule: CountingRule
    study_ids: list[str]
    provisional: bool = Field(description="some counted study is not yet included by consensus")
    provisional_ids: list[str] = Field(default_factory=list)
    excluded: dict[str, list[Criterion]] = Field(default_factory=dict)


def stage_status(stage: Stage, decisions: Iterable[ScreeningDecision], consensus: Consensus | None,
                 required: int = REQUIRED_REVIEWERS) -> StageStatus:
    """Where one stage stands; the latest decision per reviewer counts (callers pass current versions)."""
    by_reviewer = {decision.reviewer: decision for decision in decisions if decision.stage == stage}
    votes = {reviewer: decision.decision for reviewer, decision in sorted(by_reviewer.items())}
    if consensus is not None:
        return StageStatus(stage=stage, decisions=votes, consensus=consensus.decision, outcome=consensus.decision,
                           resolved_by="consensus", reasons=list(consensus.reasons))
    distinct = set(votes.values())
    if len(distinct) > 1:
        return StageStatus(stage=stage, decisions=votes, outcome="conflict")
    if len(votes) >= required:
        (decision,) = distinct
        reasons = _union(reason for vote in by_reviewer.values() for reason in vote.reasons)
        return StageStatus(stage=stage, decisions=votes, outcome=decision, resolved_by="agreement", reasons=reasons)
    return StageStatus(stage=stage, decisions=votes, outcome="pending")


def screening_status(study_id: str, decisions: Iterable[ScreeningDecision], consensus: Iterable[Consensus] = (),
                     suggestion: Suggestion | None = None, required: int = REQUIRED_REVIEWERS) -> ScreeningStatus:
    """The status of one study from its decisions, consensus records and machine suggestion."""
    decisions = [decision for decision in decisions if decision.study_id == study_id]
    by_stage = {record.stage: record for record in consensus if record.study_id == study_id}
    stages = [stage_status(stage, decisions, by_stage.get(stage), required) for stage in STAGES]
    excluded = next((stage for stage in stages if stage.outcome == "exclude"), None)
    if excluded is not None:
        return ScreeningStatus(study_id=study_id, suggestion=suggestion, stages=stages, status="excluded",
                               provisional=False, reasons=excluded.reasons)
    if stages[-1].outcome == "include":
        return ScreeningStatus(study_id=study_id, suggestion=suggestion, stages=stages, status="included",
                               provisional=False)
    latest = next((stage for stage in reversed(stages) if stage.decisions), None)
    if latest is not None:
        leaning_out = latest.outcome == "pending" and set(latest.decisions.values()) == {"exclude"}
    else:
        leaning_out = suggestion == "exclude"
    status: Status = "provisionally-excluded" if leaning_out else "provisionally-included"
    return ScreeningStatus(study_id=study_id, suggestion=suggestion, stages=stages, status=status, provisional=True)


def counted(statuses: Iterable[ScreeningStatus], rule: CountingRule = "provisional") -> CountedSet:
    """The studies an analysis counts under ``rule``, in input order."""
    keep = COUNTED[rule]
    study_ids: list[str] = []
    provisional_ids: list[str] = []
    excluded: dict[str, list[Criterion]] = {}
    for status in statuses:
        if status.status == "excluded":
            excluded[status.study_id] = list(status.reasons)
        if status.status in keep:
            study_ids.append(status.study_id)
            if status.provisional:
                provisional_ids.append(status.study_id)
    return CountedSet(rule=rule, study_ids=study_ids, provisional=bool(provisional_ids),
                      provisional_ids=provisional_ids, excluded=excluded)


def statuses_of(study_ids: Iterable[str], decisions: Iterable[ScreeningDecision],
                consensus: Iterable[Consensus] = (), suggestions: Mapping[str, Suggestion] | None = None,
                required: int = REQUIRED_REVIEWERS) -> list[ScreeningStatus]:
    """The status of every study, from all decisions and consensus records of the review."""
    by_study: dict[str, list[ScreeningDecision]] = {}
    for decision in decisions:
        by_study.setdefault(decision.study_id, []).append(decision)
    consensus_by_study: dict[str, list[Consensus]] = {}
    for record in consensus:
        consensus_by_study.setdefault(record.study_id, []).append(record)
    suggestions = suggestions or {}
    return [screening_status(study_id, by_study.get(study_id, []), consensus_by_study.get(study_id, []),
                             suggestions.get(study_id), required) for study_id in study_ids]


def _union(reasons: Iterable[Criterion]) -> list[Criterion]:
    return list(dict.fromkeys(reasons))
