"""The reviewers' pages: sign in with the API key, screen, extract, judge risk of bias; admins resolve.

Every page under ``/review`` needs a session (:mod:`api.sessions`); without one
a browser is sent to the sign-in page. Every form POST is checked for its CSRF
token first (403 without it). Handlers only translate: the work is
:class:`review.service.ReviewService`'s (and :mod:`review.queue`'s), the forms
are :mod:`api.web.review_forms`'. Pages are ``Cache-Control: no-store``: they
are one reviewer's view. ``/exclusions`` is public: the excluded studies with
their reasons.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from analysis.counted import reasons_of, status_of
from api.auth import get_review
from api.sessions import (
    CSRF_FIELD,
    Session,
    clear_session,
    form_data,
    require_csrf,
    require_signin_csrf,
    session_reviewer,
    sessions_of,
    set_session,
    set_signin_cookie,
    signin_token,
)
from api.web.render import render
from api.web.review_forms import (
    CRITERION_LABELS,
    extraction_body,
    extraction_fields,
    one,
    reviewer_judgements,
    reviewer_verdicts,
    rob_body,
    rob_domains,
    screening_entry,
)
from api.web.views import ViewDep
from facekg.errors import InvalidQuery, Unauthenticated
from review.access import require_admin
from review.models import STAGES, Reviewer, Stage
from review.queue import open_discrepancies, screening_queue
from review.service import InvalidEntry, ReviewService

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


def _stage(value: str | None) -> Stage:
    if value in (None, ""):
        return "title-abstract"
    for stage in STAGES:
        if stage == value:
            return stage
    raise InvalidEntry(f"stage {value!r} is not one of {', '.join(STAGES)}", field="stage")


def _signed_in(request: Request) -> tuple[ReviewService, Reviewer, Session] | None:
    review = get_review(request)
    found = session_reviewer(request, review.reviewers())
    return (review, *found) if found else None


def _to_signin(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/review/sign-in?next={quote(target, safe='')}", status_code=303, headers=NO_STORE)


def _page(request: Request, view: Any, template: str, reviewer: Reviewer, session: Session,
          status_code: int = 200, **context: Any) -> Response:
    return render(request, view, template, status_code=status_code, headers=NO_STORE, reviewer=reviewer,
                  csrf=session.csrf, csrf_field=CSRF_FIELD, current="", **context)


async def _posted(request: Request) -> tuple[ReviewService, Reviewer, dict[str, list[str]]]:
    """A signed-in POST's form, its CSRF token checked; a POST without a session is 401."""
    form = await form_data(request)
    found = _signed_in(request)
    if found is None:
        raise Unauthenticated("you are not signed in (or your key was revoked): sign in at /review/sign-in")
    review, reviewer, session = found
    require_csrf(session, form)
    return review, reviewer, form


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no other host)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/review"


# -- signing in and out ------------------------------------------------------------------------------
def _signin_form(request: Request, view: Any, target: str, error: str | None = None) -> Response:
    nonce, token = signin_token(request)
    response = render(request, view, "review_signin.html", status_code=401 if error else 200, headers=NO_STORE,
                      next=target, csrf_field=CSRF_FIELD, csrf=token, error=error, current="")
    set_signin_cookie(request, response, nonce)
    return response


@router.get("/review/sign-in")
def sign_in_page(request: Request, view: ViewDep, next: str = "/review") -> Response:
    return _signin_form(request, view, _safe_next(next))


@router.post("/review/sign-in")
async def sign_in(request: Request, view: ViewDep) -> Response:
    form = await form_data(request)
    require_signin_csrf(request, form)
    target = _safe_next(one(form, "next", "/review"))
    review = get_review(request)
    try:
        reviewer = review.authenticate(one(form, "key").strip())
    except Unauthenticated as exc:
        return _signin_form(request, view, target, str(exc))
    cookie, _session = sessions_of(request).issue(reviewer)
    response = RedirectResponse(target, status_code=303, headers=NO_STORE)
    set_session(request, response, cookie)
    return response


@router.post("/review/sign-out")
async def sign_out(request: Request) -> Response:
    await _posted(request)
    response = RedirectResponse("/review/sign-in", status_code=303, headers=NO_STORE)
    clear_session(request, response)
    return response


# -- screening ---------------------------------------------------------------------------------------
@router.get("/review")
def queue_page(request: Request, view: ViewDep, stage: str | None = None) -> Response:
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    queue = screening_queue(review, reviewer, _stage(stage))
    return _page(request, view, "review_queue.html", reviewer, session, queue=queue, stages=STAGES)


@router.get("/review/studies/{study_id}")
def study_page(request: Request, view: ViewDep, study_id: str, stage: str | None = None) -> Response:
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    study = review.store.get(study_id)
    entries = review.entries(reviewer.id, study.id)
    mine = {d.stage: d for d in entries.screening if d.reviewer == reviewer.id}
    others = [d for d in entries.screening if d.reviewer != reviewer.id]
    return _page(request, view, "review_study.html", reviewer, session, study=study, stage=_stage(stage),
                 stages=STAGES, mine=mine, others=others, hidden=entries.hidden, criteria=CRITERION_LABELS,
                 status=review.status(study.id), tools=list(review.tools.values()))


@router.post("/review/studies/{study_id}/screening")
async def screen(request: Request, study_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    entry = screening_entry(form)
    review.screen(reviewer, study_id, entry)
    return RedirectResponse(f"/review?stage={entry.stage}", status_code=303, headers=NO_STORE)


# -- extraction --------------------------------------------------------------------------------------
@router.get("/review/studies/{study_id}/extraction")
def extraction_page(request: Request, view: ViewDep, study_id: str, saved: bool = False) -> Response:
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    study = review.store.get(study_id)
    form = review.form(reviewer, study.id)
    return _page(request, view, "review_extraction.html", reviewer, session, study=study, form=form,
                 sections=extraction_fields(form), saved=saved, consensus=False, others={},
                 action=f"/review/studies/{quote(study.id)}/extraction")


@router.post("/review/studies/{study_id}/extraction")
async def save_extraction(request: Request, study_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    current = review.form(reviewer, study_id)
    saved = review.save_form(reviewer, study_id, extraction_body(current, form))
    return RedirectResponse(f"/review/studies/{quote(saved.study_id)}/extraction?saved=true", status_code=303,
                            headers=NO_STORE)


# -- risk of bias ------------------------------------------------------------------------------------
@router.get("/review/studies/{study_id}/rob/{tool_id}")
def rob_page(request: Request, view: ViewDep, study_id: str, tool_id: str, saved: bool = False) -> Response:
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    tool = review.tool(tool_id)
    study = review.store.get(study_id)
    current = next((a for a in review.entries(reviewer.id, study.id).rob
                    if a.tool == tool.id and a.reviewer == reviewer.id), None)
    return _page(request, view, "review_rob.html", reviewer, session, study=study, tool=tool, assessment=current,
                 domains=rob_domains(tool, current), saved=saved, consensus=False, others={},
                 action=f"/review/studies/{quote(study.id)}/rob/{tool.id}")


@router.post("/review/studies/{study_id}/rob/{tool_id}")
async def save_rob(request: Request, study_id: str, tool_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    tool = review.tool(tool_id)
    saved = review.assess(reviewer, study_id, tool.id, rob_body(tool, form))
    return RedirectResponse(f"/review/studies/{quote(saved.study_id)}/rob/{tool.id}?saved=true", status_code=303,
                            headers=NO_STORE)


# -- admins: agreement, discrepancies, consensus -----------------------------------------------------
@router.get("/review/studies/{study_id}/extraction/consensus")
def extraction_consensus_page(request: Request, view: ViewDep, study_id: str, saved: bool = False) -> Response:
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    require_admin(reviewer, "resolve by consensus")
    study = review.store.get(study_id)
    entries = review.entries(reviewer.id, study.id)
    resolved = next((f for f in entries.extraction if f.reviewer is None), None)
    form = resolved or review.form(reviewer, study.id)
    return _page(request, view, "review_extraction.html", reviewer, session, study=study, form=form,
                 sections=extraction_fields(form), saved=saved, consensus=True,
                 others=reviewer_verdicts(entries.extraction, reviewer.id),
                 action=f"/review/studies/{quote(study.id)}/extraction/consensus")


@router.post("/review/studies/{study_id}/extraction/consensus")
async def resolve_extraction(request: Request, study_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    current = review.form(reviewer, study_id)
    review.resolve_form(reviewer, study_id, {**extraction_body(current, form), "submitted": True})
    return RedirectResponse(f"/review/studies/{quote(study_id)}/extraction/consensus?saved=true", status_code=303,
                            headers=NO_STORE)


@router.get("/review/studies/{study_id}/rob/{tool_id}/consensus")
def rob_consensus_page(request: Request, view: ViewDep, study_id: str, tool_id: str, saved: bool = False) -> Response:
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    require_admin(reviewer, "resolve by consensus")
    tool = review.tool(tool_id)
    study = review.store.get(study_id)
    entries = [a for a in review.entries(reviewer.id, study.id).rob if a.tool == tool.id]
    current = next((a for a in entries if a.reviewer is None), None)
    return _page(request, view, "review_rob.html", reviewer, session, study=study, tool=tool, assessment=current,
                 domains=rob_domains(tool, current), saved=saved, consensus=True,
                 others=reviewer_judgements(entries, reviewer.id),
                 action=f"/review/studies/{quote(study.id)}/rob/{tool.id}/consensus")


@router.post("/review/studies/{study_id}/rob/{tool_id}/consensus")
async def resolve_rob(request: Request, study_id: str, tool_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    tool = review.tool(tool_id)
    review.resolve_assessment(reviewer, study_id, tool.id, {**rob_body(tool, form), "submitted": True})
    return RedirectResponse(f"/review/studies/{quote(study_id)}/rob/{tool.id}/consensus?saved=true", status_code=303,
                            headers=NO_STORE)


@router.get("/review/discrepancies")
def discrepancies_page(request: Request, view: ViewDep, stage: str | None = None, first: str | None = None,
                       second: str | None = None) -> Response:
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    require_admin(reviewer, "see the discrepancy list")
    chosen = _stage(stage)
    pair = [first, second] if first and second else None
    problems: list[str] = []
    agreement, fields = None, []
    try:
        agreement = review.agreement(chosen, pair)
    except InvalidQuery as exc:  # more than two reviewers took part: the admin names the pair
        problems.append(str(exc))
    try:
        fields = review.extraction_agreement(pair)
    except InvalidQuery as exc:
        problems.append(f"extraction: {exc}")
    return _page(request, view, "review_discrepancies.html", reviewer, session, stage=chosen, stages=STAGES,
                 agreement=agreement, problems=problems, open=open_discrepancies(review, chosen), fields=fields,
                 pair=pair or [], reviewer_ids=[r.id for r in review.reviewers()])


@router.get("/review/studies/{study_id}/consensus")
def consensus_page(request: Request, view: ViewDep, study_id: str, stage: str | None = None) -> Response:
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    require_admin(reviewer, "resolve by consensus")
    study = review.store.get(study_id)
    chosen = _stage(stage)
    entries = review.entries(reviewer.id, study.id)
    decisions = [d for d in entries.screening if d.stage == chosen]
    return _page(request, view, "review_consensus.html", reviewer, session, study=study, stage=chosen,
                 decisions=decisions, criteria=CRITERION_LABELS, hidden=entries.hidden.get(f"screening/{chosen}", 0))


@router.post("/review/studies/{study_id}/consensus")
async def resolve(request: Request, study_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    entry = screening_entry(form)
    review.resolve_screening(reviewer, study_id, entry)
    return RedirectResponse(f"/review/discrepancies?stage={entry.stage}", status_code=303, headers=NO_STORE)


# -- public: the exclusion list ----------------------------------------------------------------------
@router.get("/exclusions")
def exclusions_page(request: Request, view: ViewDep) -> Response:
    """Every study the review excluded, with its reasons (PRISMA needs them)."""
    review = get_review(request)
    excluded = [(study, reasons_of(study)) for study in sorted(review.store.studies(), key=lambda s: s.id)
                if not study.retracted and status_of(study) == "excluded"]
    return render(request, view, "review_exclusions.html", headers=NO_STORE, excluded=excluded,
                  current="")
