"""What each review update changed (``/v1/changes``), the feeds subscribers follow, and the releases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from analysis.changes import UpdateChanges
from api.deps import AnswersDep, SettingsDep
from api.feeds import ATOM, JSON_FEED, atom_feed, json_feed
from api.paging import Paging, paging
from api.schemas import Page
from graph.exports.release import Release, releases

router = APIRouter(tags=["updates"])
ChangesPaging = Annotated[Paging, Depends(paging(100, 1000))]
Since = Annotated[str | None, Query(min_length=1, description="a review update id (the updates after it) or an ISO "
                                                "date or date-time (the updates made at or after it); default: every "
                                                "update")]


@router.get("/v1/changes", response_model=Page[UpdateChanges])
def changes(answers: AnswersDep, page: ChangesPaging, since: Since = None) -> Page[UpdateChanges]:
    """Studies and facts each review update added, changed or removed, oldest update first."""
    return page.page(Page[UpdateChanges], answers.changes(since))


@router.get("/v1/releases", response_model=Page[Release])
def list_releases(settings: SettingsDep, page: ChangesPaging) -> Page[Release]:
    """The named releases (``facekg release``), oldest first: each freezes a review update with its exports."""
    return page.page(Page[Release], releases(settings.data_dir))


@router.get("/feeds/updates.atom", response_class=Response, responses={200: {"content": {ATOM: {}}}})
def updates_atom(request: Request, answers: AnswersDep) -> Response:
    """The review's updates as an Atom feed, newest first."""
    return Response(atom_feed(str(request.base_url), answers.changes()), media_type=ATOM)


@router.get("/feeds/updates.json", response_class=JSONResponse, responses={200: {"content": {JSON_FEED: {}}}})
def updates_json_feed(request: Request, answers: AnswersDep) -> JSONResponse:
    """The review's updates as a JSON Feed (1.1), newest first."""
    return JSONResponse(json_feed(str(request.base_url), answers.changes()), media_type=JSON_FEED)
