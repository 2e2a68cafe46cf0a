"""The review over HTTP: reviewers, screening, agreement, extraction forms, risk of bias, audit, counting.

Writes need ``Authorization: Bearer KEY`` (:mod:`api.auth`); reads are public and
blind: another reviewer's entries show only once both reviewers submitted.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from analysis.counted import counted_studies, reasons_of, status_of
from api.auth import PROBLEMS, READ_PROBLEMS, ActorDep, ReviewDep, ViewerDep
from facekg.records import StudyRecord
from review.agreement import Agreement
from review.blind import VisibleEntries
from review.models import Consensus, ExtractionForm, Reviewer, RiskOfBiasAssessment, Role, ScreeningDecision, Stage
from review.rob import RiskOfBiasTool, RobSummary
from review.rob_plots import summary_bars, traffic_light
from review.screening import CountingRule, ScreeningStatus
from review.service import ScreeningEntry
from review.workspace import AuditEntry

router = APIRouter(tags=["review"])


# Two different reviewer ids: what review.agreement accepts, so the document says it too.
REVIEWER_PAIR = Query(description="the two to compare", min_length=2, max_length=2,
                      json_schema_extra={"uniqueItems": True})


class NewReviewer(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"[A-Za-z0-9]",
                      description="the reviewer's name; it needs a letter or digit (their id is made from it)")
    role: Role = "reviewer"


class ReviewerOut(BaseModel):
    """A reviewer as others see them (never the key or its hash)."""

    id: str
    name: str
    role: Role
    revoked: bool

    @classmethod
    def of(cls, reviewer: Reviewer) -> ReviewerOut:
        return cls(id=reviewer.id, name=reviewer.name, role=reviewer.role, revoked=reviewer.revoked)


class CreatedReviewer(ReviewerOut):
    key: str = Field(description="the API key, shown this once")


class StudyReview(BaseModel):
    """A study's screening status and the entries the reader may see (blind mode)."""

    status: ScreeningStatus
    entries: VisibleEntries


class AuditPage(BaseModel):
    data: list[AuditEntry]
    count: int
    offset: int
    limit: int


class ExcludedStudy(BaseModel):
    id: str
    title: str
    reasons: list[str]


class CountingOut(BaseModel):
    """What analyses count under a rule: how many, which are provisional, and the exclusions with reasons."""

    rule: CountingRule
    provisional: bool
    counted: int
    provisional_ids: list[str]
    excluded: list[ExcludedStudy]


@router.post("/v1/reviewers", status_code=201, response_model=CreatedReviewer, responses=PROBLEMS)
def add_reviewer(body: NewReviewer, actor: ActorDep, review: ReviewDep) -> CreatedReviewer:
    """Add a reviewer (admins only); the key is in the answer, once."""
    from review.access import require_admin

    require_admin(actor, "add a reviewer")
    reviewer, key = review.add_reviewer(body.name, body.role, actor=actor.id)
    return CreatedReviewer(**ReviewerOut.of(reviewer).model_dump(), key=key)


@router.get("/v1/reviewers", response_model=list[ReviewerOut])
def list_reviewers(review: ReviewDep) -> list[ReviewerOut]:
    """Every reviewer, revoked ones included."""
    return [ReviewerOut.of(reviewer) for reviewer in review.reviewers()]


@router.post("/v1/reviewers/{reviewer_id}/revoke", response_model=ReviewerOut, responses=PROBLEMS)
def revoke_reviewer(reviewer_id: str, actor: ActorDep, review: ReviewDep) -> ReviewerOut:
    """Revoke a reviewer's key (admins only)."""
    from review.access import require_admin

    require_admin(actor, "revoke a reviewer")
    return ReviewerOut.of(review.revoke(reviewer_id, actor=actor.id))


@router.post("/v1/studies/{study_id}/screening", status_code=201, response_model=ScreeningDecision, responses=PROBLEMS)
def screen_study(study_id: str, body: ScreeningEntry, actor: ActorDep, review: ReviewDep) -> ScreeningDecision:
    """Record your include/exclude at a stage; ``reason`` (free text or a protocol criterion) says why."""
    return review.screen(actor, study_id, body)


@router.post("/v1/studies/{study_id}/screening/consensus", status_code=201, response_model=Consensus,
             responses=PROBLEMS)
def resolve_screening(study_id: str, body: ScreeningEntry, actor: ActorDep, review: ReviewDep) -> Consensus:
    """Record the consensus at a stage (admins; both reviewers must have decided)."""
    return review.resolve_screening(actor, study_id, body)


@router.get("/v1/studies/{study_id}/review", response_model=StudyReview, responses=READ_PROBLEMS)
def study_review(study_id: str, viewer: ViewerDep, review: ReviewDep) -> StudyReview:
    """The study's screening status and every entry the reader may see (blind until both submitted)."""
    entries = review.entries(viewer, study_id)
    status = review.status(study_id)
    shown = {(d.stage, d.reviewer) for d in entries.screening}
    for stage in status.stages:
        stage.decisions = {r: d for r, d in stage.decisions.items() if (stage.stage, r) in shown}
    return StudyReview(status=status, entries=entries)


@router.get("/v1/agreement", response_model=Agreement, responses=READ_PROBLEMS)
def screening_agreement(review: ReviewDep, stage: Stage = "title-abstract",
                        reviewers: Annotated[list[str] | None, REVIEWER_PAIR] = None,
                        ) -> Agreement:
    """Percent agreement and Cohen's kappa with its 95% CI over the studies both reviewers decided."""
    return review.agreement(stage, reviewers)


@router.get("/v1/agreement/extraction", response_model=list[Agreement], responses=READ_PROBLEMS)
def extraction_agreement(review: ReviewDep,
                         reviewers: Annotated[list[str] | None, REVIEWER_PAIR] = None,
                         ) -> list[Agreement]:
    """Agreement per extraction-form section over the studies both reviewers extracted."""
    return review.extraction_agreement(reviewers)


@router.get("/v1/studies/{study_id}/extraction", response_model=ExtractionForm, responses={**READ_PROBLEMS,
                                                                                            401: PROBLEMS[401]})
def get_form(study_id: str, actor: ActorDep, review: ReviewDep) -> ExtractionForm:
    """Your extraction form: the one you saved, else one pre-filled from the machine extraction."""
    return review.form(actor, study_id)


@router.put("/v1/studies/{study_id}/extraction", response_model=ExtractionForm, responses=PROBLEMS)
def save_form(study_id: str, body: Annotated[dict[str, Any], Body(description="an ExtractionForm")],
              actor: ActorDep, review: ReviewDep) -> ExtractionForm:
    """Save your form; ``"submitted": true`` submits it (no field may stay pending)."""
    return review.save_form(actor, study_id, body)


@router.put("/v1/studies/{study_id}/extraction/consensus", response_model=StudyRecord, responses=PROBLEMS)
def resolve_form(study_id: str, body: Annotated[dict[str, Any], Body(description="the consensus ExtractionForm")],
                 actor: ActorDep, review: ReviewDep) -> StudyRecord:
    """The consensus form (admins); its accepted and edited fields become the study's consensus facts."""
    return review.resolve_form(actor, study_id, body)


@router.get("/v1/rob/tools", response_model=list[RiskOfBiasTool])
def rob_tools(review: ReviewDep) -> list[RiskOfBiasTool]:
    """The risk-of-bias tools (data files: domains, signalling questions, allowed judgements)."""
    return list(review.tools.values())


@router.get("/v1/rob/tools/{tool_id}", response_model=RiskOfBiasTool, responses=READ_PROBLEMS)
def rob_tool(tool_id: str, review: ReviewDep) -> RiskOfBiasTool:
    return review.tool(tool_id)


@router.put("/v1/studies/{study_id}/rob/{tool_id}", response_model=RiskOfBiasAssessment, responses=PROBLEMS)
def assess(study_id: str, tool_id: str, body: Annotated[dict[str, Any], Body(description="a RiskOfBiasAssessment")],
           actor: ActorDep, review: ReviewDep) -> RiskOfBiasAssessment:
    """Save your assessment of the study with one tool; ``"submitted": true`` submits it."""
    return review.assess(actor, study_id, tool_id, body)


@router.put("/v1/studies/{study_id}/rob/{tool_id}/consensus", response_model=RiskOfBiasAssessment, responses=PROBLEMS)
def resolve_assessment(study_id: str, tool_id: str,
                       body: Annotated[dict[str, Any], Body(description="the consensus RiskOfBiasAssessment")],
                       actor: ActorDep, review: ReviewDep) -> RiskOfBiasAssessment:
    """The consensus assessment (admins; both reviewers must have submitted theirs)."""
    return review.resolve_assessment(actor, study_id, tool_id, body)


@router.get("/v1/rob/{tool_id}/summary", response_model=RobSummary, responses=READ_PROBLEMS)
def rob_summary(tool_id: str, review: ReviewDep) -> RobSummary:
    """The tool's consensus judgements: per study, per domain and per condition."""
    return review.rob_summary(tool_id)


@router.get("/v1/rob/{tool_id}/plot", responses={**READ_PROBLEMS, 200: {"content": {"image/svg+xml": {},
                                                                                     "image/png": {}}}})
def rob_plot(tool_id: str, review: ReviewDep, kind: Literal["traffic-light", "summary"] = "traffic-light",
             format: Literal["svg", "png"] = "svg") -> Response:
    """The traffic-light or the weighted summary bar picture, as robvis draws them."""
    summary = review.rob_summary(tool_id)
    draw = traffic_light if kind == "traffic-light" else summary_bars
    return Response(draw(summary, format), media_type="image/svg+xml" if format == "svg" else "image/png")


@router.get("/v1/audit", response_model=AuditPage)
def audit(review: ReviewDep, kind: str | None = None, study: str | None = None, actor: str | None = None,
          offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> AuditPage:
    """Every write to the review, oldest first: who, when, what, before and after (key hashes hidden)."""
    total, rows = review.workspace.audit(kind=kind, study_id=study, actor=actor, offset=offset, limit=limit)
    return AuditPage(data=rows, count=total, offset=offset, limit=limit)


@router.get("/v1/counting", response_model=CountingOut)
def counting_now(request: Request, review: ReviewDep,
                 counting: Annotated[CountingRule | None, Query(description="default FACEKG_COUNTING")] = None,
                 ) -> CountingOut:
    """Which studies analyses count now, which of them are provisional, and the exclusions with reasons."""
    rule = counting or request.app.state.settings.counting
    studies = [study for study in review.store.studies() if not study.retracted]
    kept = counted_studies(studies, rule)
    provisional = [study.id for study in kept if status_of(study) != "included"]
    excluded = [ExcludedStudy(id=study.id, title=study.title, reasons=reasons_of(study))
                for study in studies if status_of(study) == "excluded"]
    return CountingOut(rule=rule, provisional=bool(provisional), counted=len(kept), provisional_ids=provisional,
                       excluded=excluded)
