"""RFC 9457 problem responses: every HTTP status facekg returns for an error is chosen here.

A browser (``Accept`` ranks ``text/html`` first) gets the same status as an HTML
page, drawn by the renderer the website installs (``app.state.html_problem``);
API clients get ``application/problem+json``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.negotiation import prefers_html
from facekg.errors import (
    FacekgError,
    InputError,
    InvalidQuery,
    NotFound,
    NotPoolable,
    StoreError,
    StoreUnavailable,
)

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://w3id.org/facekg/problems/"


def problem(status: int, title: str, detail: str, *, kind: str, instance: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": _TYPE_BASE + kind, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


HtmlProblem = Callable[[Request, int, str, str, "dict[str, str] | None"], Response]


def respond(request: Request, status: int, title: str, detail: str, *, kind: str,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The problem as an HTML page for browsers (when the website is installed), else as problem+json."""
    html_problem: HtmlProblem | None = getattr(request.app.state, "html_problem", None)
    if html_problem is not None and prefers_html(request, PROBLEM_JSON):
        return html_problem(request, status, title, detail, headers)
    return problem(status, title, detail, kind=kind, instance=request.url.path, headers=headers, **extra)


def install_problem_handlers(app: FastAPI) -> None:
    """Map facekg errors, validation errors and HTTP errors to problem+json (or an HTML page for browsers)."""

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return respond(request, 404, f"{exc.kind.capitalize()} not found", str(exc), kind="not-found",
                       id=exc.identifier)

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
        return respond(request, 503, "Graph store unavailable", f"{exc}; retry in {exc.retry_after} s",
                       kind="store-unavailable",
                       headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        return respond(request, 400, "Bad input", str(exc), kind="bad-input",
                       file=exc.file, record=exc.record, field=exc.field)

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> Response:
        return respond(request, 500, "Graph store error", str(exc), kind="store-error")

    @app.exception_handler(FacekgError)
    async def _other(request: Request, exc: FacekgError) -> Response:
        return respond(request, 500, "facekg error", str(exc), kind="error")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}; see /docs"
        return respond(request, exc.status_code, detail if exc.status_code != 404 else "Not found", detail,
                       kind="http", headers=getattr(exc, "headers", None))
