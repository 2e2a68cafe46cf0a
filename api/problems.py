"""RFC 9457 problem responses: every HTTP status facekg returns for an error is chosen here."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def install_problem_handlers(app: FastAPI) -> None:
    """Map facekg errors, validation errors and HTTP errors to problem+json."""

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, f"{exc.kind.capitalize()} not found", str(exc), kind="not-found",
                       instance=request.url.path, id=exc.identifier)

    @app.exception_handler(InvalidQuery)
    async def _invalid_query(request: Request, exc: InvalidQuery) -> JSONResponse:
        return problem(422, "Invalid query parameter", str(exc), kind="invalid-parameter",
                       instance=request.url.path, parameter=exc.parameter)

    @app.exception_handler(NotPoolable)
    async def _not_poolable(request: Request, exc: NotPoolable) -> JSONResponse:
        return problem(422, "Not poolable", str(exc), kind="not-poolable", instance=request.url.path,
                       reason=exc.reason, studies=exc.studies, details=exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"parameter": str(err["loc"][-1]), "in": str(err["loc"][0]), "message": err["msg"]}
                  for err in exc.errors()]
        names = ", ".join(dict.fromkeys(e["parameter"] for e in errors))
        return problem(422, "Invalid request", f"invalid value for {names}: {errors[0]['message']}",
                       kind="invalid-parameter", instance=request.url.path,
                       parameter=errors[0]["parameter"] if errors else None, errors=errors)

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return problem(503, "Graph store unavailable", f"{exc}; retry in {exc.retry_after} s",
                       kind="store-unavailable", instance=request.url.path,
                       headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> JSONResponse:
        return problem(400, "Bad input", str(exc), kind="bad-input", instance=request.url.path,
                       file=exc.file, record=exc.record, field=exc.field)

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> JSONResponse:
        return problem(500, "Graph store error", str(exc), kind="store-error", instance=request.url.path)

    @app.exception_handler(FacekgError)
    async def _other(request: Request, exc: FacekgError) -> JSONResponse:
        return problem(500, "facekg error", str(exc), kind="error", instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}; see /docs"
        return problem(exc.status_code, detail if exc.status_code != 404 else "Not found", detail,
                       kind="http", instance=request.url.path, headers=getattr(exc, "headers", None))
