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

from collections.abc import Callable
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
Context = dict[str, Any]


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
    return _see_other(f"/review/sign-in?next={quote(target, safe='')}")


def _page(request: Request, view: Any, template: str, reviewer: Reviewer, session: Session,
          status_code: int = 200, **context: Any) -> Response:
    return render(request, view, template, status_code=status_code, headers=NO_STORE, reviewer=reviewer,
                  csrf=session.csrf, csrf_field=CSRF_FIELD, current="", **context)


def _signed_page(request: Request, view: Any, template: str, context_of: Callable[[ReviewService, Reviewer], Context],
                 admin_for: str | None = None) -> Response:
    """``template`` for the signed-in reviewer (an admin, when ``admin_for`` says what for) with
    ``context_of``'s context; a browser without a session is sent to the sign-in page first."""
    found = _signed_in(request)
    if found is None:
        return _to_signin(request)
    review, reviewer, session = found
    if admin_for is not None:
        require_admin(reviewer, admin_for)
    return _page(request, view, template, reviewer, session, **context_of(review, reviewer))


def _see_other(target: str) -> Response:
    """A 303 redirect (the browser GETs ``target``), never cached."""
    return RedirectResponse(target, status_code=303, headers=NO_STORE)


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
    response = _see_other(target)
    set_session(request, response, cookie)
    return response


@router.post("/review/sign-out")
async def sign_out(request: Request) -> Response:
    await _posted(request)
    response = _see_other("/review/sign-in")
    clear_session(request, response)
    return response


# -- screening ---------------------------------------------------------------------------------------
@router.get("/review")
def queue_page(request: Request, view: ViewDep, stage: str | None = None) -> Response:
    def context(review: ReviewService, reviewer: Reviewer) -> Context:
        return {"queue": screening_queue(review, reviewer, _stage(stage)), "stages": STAGES}

    return _signed_page(request, view, "review_queue.html", context)


@router.get("/review/studies/{study_id}")
def study_page(request: Request, view: ViewDep, study_id: str, stage: str | None = None) -> Response:
    def context(review: ReviewService, reviewer: Reviewer) -> Context:
        study = review.store.get(study_id)
        entries = review.entries(reviewer.id, study.id)
        return {"study": study, "stage": _stage(stage), "stages": STAGES,
                "mine": {d.stage: d for d in entries.screening if d.reviewer == reviewer.id},
                "others": [d for d in entries.screening if d.reviewer != reviewer.id], "hidden": entries.hidden,
                "criteria": CRITERION_LABELS, "status": review.status(study.id),
                "tools": list(review.tools.values())}

    return _signed_page(request, view, "review_study.html", context)


@router.post("/review/studies/{study_id}/screening")
async def screen(request: Request, study_id: str) -> Response:
    stage = await _screening_posted(request, study_id, consensus=False)
    return _see_other(f"/review?stage={stage}")


async def _screening_posted(request: Request, study_id: str, consensus: bool) -> Stage:
    """Record the posted screening decision (the reviewer's own, or the admin's ``consensus``); its stage."""
    review, reviewer, form = await _posted(request)
    entry = screening_entry(form)
    (review.resolve_screening if consensus else review.screen)(reviewer, study_id, entry)
    return entry.stage


# -- extraction and risk of bias: a reviewer's own form, or an admin's consensus over the reviewers' ---
def _extraction_form(review: ReviewService, reviewer: Reviewer, study_id: str, saved: bool,
                     consensus: bool) -> Context:
    """The extraction page's context: the reviewer's own form, or (``consensus``) the resolved one beside
    what each reviewer said."""
    study = review.store.get(study_id)
    if consensus:
        entries = review.entries(reviewer.id, study.id).extraction
        form = next((f for f in entries if f.reviewer is None), None) or review.form(reviewer, study.id)
        others = reviewer_verdicts(entries, reviewer.id)
    else:
        form, others = review.form(reviewer, study.id), {}
    action = f"/review/studies/{quote(study.id)}/extraction" + ("/consensus" if consensus else "")
    return {"study": study, "form": form, "sections": extraction_fields(form), "saved": saved,
            "consensus": consensus, "others": others, "action": action}


def _rob_form(review: ReviewService, reviewer: Reviewer, study_id: str, tool_id: str, saved: bool,
              consensus: bool) -> Context:
    """The risk-of-bias page's context: the reviewer's own assessment with one tool, or (``consensus``) the
    resolved one beside each reviewer's judgements."""
    tool = review.tool(tool_id)
    study = review.store.get(study_id)
    entries = [a for a in review.entries(reviewer.id, study.id).rob if a.tool == tool.id]
    owner = None if consensus else reviewer.id
    current = next((a for a in entries if a.reviewer == owner), None)
    action = f"/review/studies/{quote(study.id)}/rob/{tool.id}" + ("/consensus" if consensus else "")
    return {"study": study, "tool": tool, "assessment": current, "domains": rob_domains(tool, current),
            "saved": saved, "consensus": consensus,
            "others": reviewer_judgements(entries, reviewer.id) if consensus else {}, "action": action}


@router.get("/review/studies/{study_id}/extraction")
def extraction_page(request: Request, view: ViewDep, study_id: str, saved: bool = False) -> Response:
    return _signed_page(request, view, "review_extraction.html",
                        lambda review, reviewer: _extraction_form(review, reviewer, study_id, saved, consensus=False))


@router.post("/review/studies/{study_id}/extraction")
async def save_extraction(request: Request, study_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    current = review.form(reviewer, study_id)
    saved = review.save_form(reviewer, study_id, extraction_body(current, form))
    return _see_other(f"/review/studies/{quote(saved.study_id)}/extraction?saved=true")


@router.get("/review/studies/{study_id}/rob/{tool_id}")
def rob_page(request: Request, view: ViewDep, study_id: str, tool_id: str, saved: bool = False) -> Response:
    return _signed_page(request, view, "review_rob.html",
                        lambda review, reviewer: _rob_form(review, reviewer, study_id, tool_id, saved, consensus=False))


@router.post("/review/studies/{study_id}/rob/{tool_id}")
async def save_rob(request: Request, study_id: str, tool_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    tool = review.tool(tool_id)
    saved = review.assess(reviewer, study_id, tool.id, rob_body(tool, form))
    return _see_other(f"/review/studies/{quote(saved.study_id)}/rob/{tool.id}?saved=true")


# -- admins: agreement, discrepancies, consensus -----------------------------------------------------
@router.get("/review/studies/{study_id}/extraction/consensus")
def extraction_consensus_page(request: Request, view: ViewDep, study_id: str, saved: bool = False) -> Response:
    return _signed_page(request, view, "review_extraction.html",
                        lambda review, reviewer: _extraction_form(review, reviewer, study_id, saved, consensus=True),
                        admin_for="resolve by consensus")


@router.post("/review/studies/{study_id}/extraction/consensus")
async def resolve_extraction(request: Request, study_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    current = review.form(reviewer, study_id)
    review.resolve_form(reviewer, study_id, {**extraction_body(current, form), "submitted": True})
    return _see_other(f"/review/studies/{quote(study_id)}/extraction/consensus?saved=true")


@router.get("/review/studies/{study_id}/rob/{tool_id}/consensus")
def rob_consensus_page(request: Request, view: ViewDep, study_id: str, tool_id: str, saved: bool = False) -> Response:
    return _signed_page(request, view, "review_rob.html",
                        lambda review, reviewer: _rob_form(review, reviewer, study_id, tool_id, saved, consensus=True),
                        admin_for="resolve by consensus")


@router.post("/review/studies/{study_id}/rob/{tool_id}/consensus")
async def resolve_rob(request: Request, study_id: str, tool_id: str) -> Response:
    review, reviewer, form = await _posted(request)
    tool = review.tool(tool_id)
    review.resolve_assessment(reviewer, study_id, tool.id, {**rob_body(tool, form), "submitted": True})
    return _see_other(f"/review/studies/{quote(study_id)}/rob/{tool.id}/consensus?saved=true")


@router.get("/review/discrepancies")
def discrepancies_page(request: Request, view: ViewDep, stage: str | None = None, first: str | None = None,
                       second: str | None = None) -> Response:
    def context(review: ReviewService, reviewer: Reviewer) -> Context:
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
        return {"stage": chosen, "stages": STAGES, "agreement": agreement, "problems": problems,
                "open": open_discrepancies(review, chosen), "fields": fields, "pair": pair or [],
                "reviewer_ids": [r.id for r in review.reviewers()]}

    return _signed_page(request, view, "review_discrepancies.html", context, admin_for="see the discrepancy list")


@router.get("/review/studies/{study_id}/consensus")
def consensus_page(request: Request, view: ViewDep, study_id: str, stage: str | None = None) -> Response:
    def context(review: ReviewService, reviewer: Reviewer) -> Context:
        study = review.store.get(study_id)
        chosen = _stage(stage)
        entries = review.entries(reviewer.id, study.id)
        return {"study": study, "stage": chosen, "decisions": [d for d in entries.screening if d.stage == chosen],
                "criteria": CRITERION_LABELS, "hidden": entries.hidden.get(f"screening/{chosen}", 0)}

    return _signed_page(request, view, "review_consensus.html", context, admin_for="resolve by consensus")


@router.post("/review/studies/{study_id}/consensus")
async def resolve(request: Request, study_id: str) -> Response:
    stage = await _screening_posted(request, study_id, consensus=True)
    return _see_other(f"/review/discrepancies?stage={stage}")


# -- public: the exclusion list ----------------------------------------------------------------------
@router.get("/exclusions")
def exclusions_page(request: Request, view: ViewDep) -> Response:
    """Every study the review excluded, with its reasons (PRISMA needs them)."""
    review = get_review(request)
    excluded = [(study, reasons_of(study)) for study in sorted(review.store.studies(), key=lambda s: s.id)
                if not study.retracted and status_of(study) == "excluded"]
    return render(request, view, "review_exclusions.html", headers=NO_STORE, excluded=excluded,
                  current="")
