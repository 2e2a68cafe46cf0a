"""A reviewer's screening queue: the studies they have not decided at a stage, most likely relevant first.

The order is :class:`review.prioritise.ScreeningRanker` trained on the
reviewer's own decisions at the stage (includes are relevant), with the
protocol rules as the cold start; the stopping signal is
:class:`review.prioritise.StoppingRule` over their decisions in the order they
made them. The full-text queue holds only the studies included at
title/abstract. What the queue shows of other reviewers follows blind mode:
only whether the study is still open for them, never their decision.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from facekg.records import StudyRecord
from review.models import Reviewer, ScreeningDecision, Stage
from review.prioritise import PoolRecord, ScreeningRanker, StoppingRule
from review.screening import ScreeningStatus, screening_status
from review.service import ReviewService


class QueueItem(BaseModel):
    id: str
    title: str
    year: int | None = None
    suggestion: str | None = None
    rank: int


class ScreeningQueue(BaseModel):
    """What a reviewer screens next at a stage, and the stopping signal."""

    stage: Stage
    reviewer: str
    items: list[QueueItem]
    decided: int = Field(description="studies this reviewer decided at the stage")
    pool: int = Field(description="studies to screen at the stage")
    irrelevant_in_a_row: int
    stop_suggested: bool
    stopping_rule: StoppingRule


def screening_queue(review: ReviewService, reviewer: Reviewer, stage: Stage, limit: int = 50,
                    rule: StoppingRule | None = None) -> ScreeningQueue:
    """The reviewer's queue at ``stage`` (at most ``limit`` items) from the store and the workspace."""
    rule = rule or StoppingRule()
    studies = [study for study in review.store.studies() if not study.retracted]
    with review.workspace.reading() as tx:
        decisions = [ScreeningDecision.model_validate(body) for body in tx.all("screening")]
    if stage == "full-text":
        statuses = _statuses(review, studies, decisions)
        studies = [study for study in studies if statuses[study.id].stages[0].outcome == "include"]
    mine = {d.study_id: d.decision == "include" for d in decisions if d.reviewer == reviewer.id and d.stage == stage}
    pool_ids = {study.id for study in studies}
    labels = {study_id: relevant for study_id, relevant in mine.items() if study_id in pool_ids}
    by_id = {study.id: study for study in studies}
    order = ScreeningRanker([_pool_record(study) for study in studies]).rank(labels) if studies else []
    items = [QueueItem(id=sid, title=by_id[sid].title, year=by_id[sid].year, rank=i + 1,
                       suggestion=_suggestion(by_id[sid])) for i, sid in enumerate(order[:limit])]
    in_order = _decision_order(review, reviewer, stage, labels)
    run = 0
    for relevant in reversed(in_order):
        if relevant:
            break
        run += 1
    return ScreeningQueue(stage=stage, reviewer=reviewer.id, items=items, decided=len(labels), pool=len(studies),
                          irrelevant_in_a_row=run, stop_suggested=rule.should_stop(in_order), stopping_rule=rule)


def _suggestion(study: StudyRecord) -> str | None:
    return study.screening.suggestion if study.screening is not None else None


def _pool_record(study: StudyRecord) -> PoolRecord:
    suggestion = study.screening.suggestion if study.screening is not None else None
    if suggestion is None:
        return PoolRecord.of(study.id, study.title, study.abstract or "")
    return PoolRecord(study.id, study.title, study.abstract or "", suggestion)


def _statuses(review: ReviewService, studies: list[StudyRecord],
              decisions: list[ScreeningDecision]) -> dict[str, ScreeningStatus]:
    from review.models import Consensus

    with review.workspace.reading() as tx:
        consensus = [Consensus.model_validate(body) for body in tx.all("consensus")]
    return {study.id: screening_status(study.id, decisions, consensus) for study in studies}


def _decision_order(review: ReviewService, reviewer: Reviewer, stage: Stage, labels: dict[str, bool]) -> list[bool]:
    """The reviewer's current decisions at the stage, in the order they first made them (the audit's order)."""
    _total, rows = review.workspace.audit(kind="screening", actor=reviewer.id, limit=100_000)
    seen: list[str] = []
    for row in rows:
        if row.action == f"screen {stage}" and row.study_id in labels and row.study_id not in seen:
            seen.append(row.study_id)
    return [labels[study_id] for study_id in seen]


class OpenDiscrepancy(BaseModel):
    """A study whose reviewers disagree at a stage and that has no consensus yet."""

    id: str
    title: str
    stage: Stage
    decisions: dict[str, str]


def open_discrepancies(review: ReviewService, stage: Stage) -> list[OpenDiscrepancy]:
    """The studies in conflict at ``stage`` (two reviewers decided differently, no consensus), by id."""
    studies = [study for study in review.store.studies() if not study.retracted]
    with review.workspace.reading() as tx:
        decisions = [ScreeningDecision.model_validate(body) for body in tx.all("screening")]
    statuses = _statuses(review, studies, decisions)
    found = []
    for study in sorted(studies, key=lambda s: s.id):
        status = next(item for item in statuses[study.id].stages if item.stage == stage)
        if status.outcome == "conflict":
            found.append(OpenDiscrepancy(id=study.id, title=study.title, stage=stage, decisions=dict(status.decisions)))
    return found
