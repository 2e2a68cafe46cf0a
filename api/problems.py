"""RFC 9457 problem responses: every HTTP status facekg returns for an error is chosen here.

A browser (``Accept`` ranks ``text/html`` first) gets the same status as an HTML
page, drawn by the renderer the website installs (``app.state.html_problem``);
API clients get ``application/problem+json``. The OpenAPI side of the same rule
is :func:`error_responses`: every ``responses=`` declaration is made with it.
Bodies echo at most :data:`ECHO_LIMIT` characters of any input, and a server
error (500, 503) never says more than its kind: the cause goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from api.limits import RateLimited
from api.negotiation import prefers_html
from facekg.errors import (
    FacekgError,
    InputError,
    InvalidQuery,
    NotFound,
    NotPoolable,
    StoreError,
    StoreUnavailable,
    UnknownName,
)

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://w3id.org/facekg/problems/"
ECHO_LIMIT = 200
log = logging.getLogger("facekg.api")


class Problem(BaseModel):
    """An RFC 9457 problem; each kind adds its own members (``parameter``, ``id``, ``errors``, ...)."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str
    instance: str | None = Field(default=None, description="the path that was asked for")


ERROR_TITLES: dict[int, str] = {
    404: "no such resource (the id is unknown)",
    413: "the request body is larger than the server accepts",
    414: "the URL is longer than the server accepts",
    422: "a parameter is invalid or unknown (the body names it)",
    429: "too many requests from this client; retry after Retry-After seconds",
    500: "the server failed (details are in its log, not here)",
    503: "the graph store cannot be reached or read now; retry after Retry-After seconds",
}
# Every operation can answer these: the limits, the parameter check and the store apply to all of them.
COMMON_ERRORS: tuple[int, ...] = (413, 414, 422, 500, 503)
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}}


def error_responses(*statuses: int, common: bool = True,
                    ok: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an operation: each error status it can answer, as problem+json.

    ``common`` adds :data:`COMMON_ERRORS`, which every operation shares; ``ok`` is the
    200 entry when it needs more than the response model (other media types, links).
    """
    declared: dict[int | str, dict[str, Any]] = {200: ok} if ok else {}
    for status in sorted({*statuses, *(COMMON_ERRORS if common else ())}):
        entry: dict[str, Any] = {"description": ERROR_TITLES[status],
                                 "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}}}
        if status in (429, 503):
            entry["headers"] = _RETRY_AFTER
        declared[status] = entry
    return declared


def clip(value: Any, limit: int = ECHO_LIMIT) -> Any:
    """Echoed input, cut to ``limit`` characters (a 10 kB id is not sent back three times)."""
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + f"... ({len(value) - limit} more characters)"
    if isinstance(value, list):
        return [clip(item, limit) for item in value[:50]]
    if isinstance(value, dict):
        return {key: clip(item, limit) for key, item in value.items()}
    return value


def problem(status: int, title: str, detail: str, *, kind: str, instance: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": _TYPE_BASE + kind, "title": title, "status": status,
                            "detail": clip(detail, 2 * ECHO_LIMIT)}
    if instance:
        body["instance"] = clip(instance)
    body.update(clip(extra))
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


HtmlProblem = Callable[[Request, int, str, str, "dict[str, str] | None"], Response]


def respond(request: Request, status: int, title: str, detail: str, *, kind: str,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The problem as an HTML page for browsers (when the website is installed), else as problem+json."""
    html_problem: HtmlProblem | None = getattr(request.app.state, "html_problem", None)
    if html_problem is not None and prefers_html(request, PROBLEM_JSON):
        return html_problem(request, status, clip(title), clip(detail, 2 * ECHO_LIMIT), headers)
    return problem(status, title, detail, kind=kind, instance=request.url.path, headers=headers, **extra)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at the request's path (the ``Allow`` of a 405), HEAD with GET."""
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(request.url.path):
            methods |= route.methods
    return sorted(methods)


def install_problem_handlers(app: FastAPI) -> None:
    """Map facekg errors, validation errors and HTTP errors to problem+json (or an HTML page for browsers)."""

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        named: dict[str, Any] = {"parameter": exc.parameter} if isinstance(exc, UnknownName) else {}
        return respond(request, 404, f"{exc.kind.capitalize()} not found", str(exc), kind="not-found",
                       id=exc.identifier, **named)

    @app.exception_handler(InvalidQuery)
    async def _invalid_query(request: Request, exc: InvalidQuery) -> Response:
        return respond(request, 422, "Invalid query parameter", str(exc), kind="invalid-parameter",
                       parameter=exc.parameter)

    @app.exception_handler(NotPoolable)
    async def _not_poolable(request: Request, exc: NotPoolable) -> Response:
        return respond(request, 422, "Not poolable", str(exc), kind="not-poolable", reason=exc.reason,
                       studies=exc.studies, details=exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"parameter": str(err["loc"][-1]), "in": str(err["loc"][0]), "message": err["msg"]}
                  for err in exc.errors()]
        names = ", ".join(dict.fromkeys(e["parameter"] for e in errors))
        return respond(request, 422, "Invalid request", f"invalid value for {names}: {errors[0]['message']}",
                       kind="invalid-parameter",
                       parameter=errors[0]["parameter"] if errors else None, errors=errors)

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(request: Request, exc: StoreUnavailable) -> Response:
        log.warning("graph store unavailable on %s: %s", request.url.path, exc)
        return respond(request, 503, "Graph store unavailable",
                       "the graph store cannot be reached or read now (the server log says why); "
                       f"retry in {exc.retry_after} s",
                       kind="store-unavailable", headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, exc: RateLimited) -> Response:
        return respond(request, 429, "Too many requests", str(exc), kind="rate-limited",
                       headers={"Retry-After": str(exc.retry_after)}, limit_per_minute=exc.per_minute)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        return respond(request, 400, "Bad input", str(exc), kind="bad-input",
                       file=exc.file, record=exc.record, field=exc.field)

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> Response:
        log.error("graph store error on %s: %s", request.url.path, exc)
        return respond(request, 500, "Graph store error", "the graph store failed; the server log says why",
                       kind="store-error")

    @app.exception_handler(FacekgError)
    async def _other(request: Request, exc: FacekgError) -> Response:
        log.error("facekg error on %s: %s", request.url.path, exc)
        return respond(request, 500, "facekg error", "the request failed inside facekg; the server log says why",
                       kind="error")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        from api.security import SECURITY_HEADERS  # this response skips the middleware that adds them

        log.exception("unexpected error on %s", request.url.path)
        return respond(request, 500, "Internal error", "the server failed; the server log says why",
                       kind="internal-error", headers=dict(SECURITY_HEADERS))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}; see /docs"
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Starlette names the first route's methods only: name every route's at the path
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return respond(request, exc.status_code, detail if exc.status_code != 404 else "Not found", detail,
                       kind="http", headers=headers)
