"""Who is asking, and what counts: API keys on writes, the review's problem responses, the counting rule.

- Every write endpoint depends on :data:`ActorDep`: ``Authorization: Bearer KEY``
  is checked against the workspace's reviewers (Argon2id hashes); reads stay
  public. OpenAPI shows the scheme as ``ApiKey`` (HTTP bearer).
- The review's errors become problem+json: no, unknown or revoked key 401
  (with ``WWW-Authenticate: Bearer``), not allowed 403, not ready 409, an entry
  that does not fit its model 422 naming the field (:data:`PROBLEMS` documents them).
- Per request, ``counting=consensus|provisional`` (default ``FACEKG_COUNTING``)
  and ``screening=counted|excluded|all`` choose which studies every analysis and
  listing sees (:mod:`analysis.counted`); each response says the rule in the
  ``Facekg-Counting`` header and whether provisional studies were counted in ``Facekg-Provisional``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analysis.counted import check_rule, check_view, counting, unfiltered
from api.problems import PROBLEM_JSON, problem, respond
from facekg.errors import Conflict, Forbidden, InvalidQuery, Unauthenticated
from facekg.settings import Settings
from review.models import Reviewer
from review.screening import CountingRule
from review.service import InvalidEntry, ReviewService
from review.workspace import Workspace

bearer = HTTPBearer(auto_error=False, scheme_name="ApiKey",
                    description="a reviewer's key from `facekg reviewer add NAME`: `Authorization: Bearer fkg_...`")


class Problem(BaseModel):
    """An RFC 9457 problem body, as every error is answered."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}}}


PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: _problem("no API key, or an unknown or revoked one"),
    403: _problem("the key's reviewer may not do this (another reviewer's entry; consensus by a reviewer)"),
    404: _problem("no study (or tool, reviewer) with this id"),
    409: _problem("the write does not fit the review's state, e.g. consensus before both entries exist"),
    422: _problem("the entry does not fit its model or tool; `field` names the offending field"),
}
READ_PROBLEMS: dict[int | str, dict[str, Any]] = {404: PROBLEMS[404], 422: PROBLEMS[422]}


def get_review(request: Request) -> ReviewService:
    """The review service on the app's store (every study) and the workspace in the data dir."""
    service: ReviewService | None = getattr(request.app.state, "review", None)
    if service is None or service.store is not unfiltered(request.app.state.store):
        settings: Settings = request.app.state.settings
        service = ReviewService(Workspace.in_data_dir(settings.data_dir), unfiltered(request.app.state.store))
        request.app.state.review = service
    return service


ReviewDep = Annotated[ReviewService, Depends(get_review)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def current_reviewer(review: ReviewDep, credentials: Credentials) -> Reviewer:
    """The reviewer whose key made the request; 401 without a valid one."""
    return review.authenticate(credentials.credentials if credentials else None)


def optional_viewer(review: ReviewDep, credentials: Credentials) -> str | None:
    """The reviewer reading, when a key is sent (they also see their own entries); None for the public."""
    return review.authenticate(credentials.credentials).id if credentials else None


ActorDep = Annotated[Reviewer, Depends(current_reviewer)]
ViewerDep = Annotated[str | None, Depends(optional_viewer)]


class CountingMiddleware:
    """Sets the request's counting rule and view for :mod:`analysis.counted`, and labels the response."""

    def __init__(self, app: ASGIApp, default: CountingRule) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        try:
            rule = check_rule((params.get("counting") or [None])[0], self.default)
            view = check_view((params.get("screening") or [None])[0])
        except InvalidQuery as exc:
            response = problem(422, "Invalid query parameter", str(exc), kind="invalid-parameter",
                               instance=scope.get("path"), parameter=exc.parameter)
            await response(scope, receive, send)
            return
        with counting(rule, view) as state:
            async def labelled(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = MutableHeaders(scope=message)
                    headers["Facekg-Counting"] = rule
                    headers["Facekg-Provisional"] = "true" if state.provisional else "false"
                await send(message)

            await self.app(scope, receive, labelled)


def install_review(app: FastAPI, settings: Settings) -> None:
    """The review's problem responses and the counting middleware (the routers are included in ``api/app.py``)."""

    @app.exception_handler(Unauthenticated)
    async def _unauthenticated(request: Request, exc: Unauthenticated) -> Response:
        return respond(request, 401, "Unauthenticated", str(exc), kind="unauthenticated",
                       headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return respond(request, 403, "Forbidden", str(exc), kind="forbidden")

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return respond(request, 409, "Conflict", str(exc), kind="conflict", reason=str(exc))

    @app.exception_handler(InvalidEntry)
    async def _invalid(request: Request, exc: InvalidEntry) -> Response:
        return respond(request, 422, "Invalid entry", str(exc), kind="invalid-entry", field=exc.field,
                       record=exc.record)

    app.add_middleware(CountingMiddleware, default=settings.counting)
