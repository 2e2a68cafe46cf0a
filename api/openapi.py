"""What the middleware adds, written into the OpenAPI document, so the document describes every answer.

The routes declare their parameters and bodies; three things happen around them and
are added here, by the same rules that apply them: HTTP caching by store revision
(``If-None-Match`` -> ``304``, ``ETag``, ``X-Facekg-Update``; :mod:`api.caching`),
the ``Link`` header of paged lists (:mod:`api.paging`), and the links from a list
to its items' details (``/v1/studies`` -> ``/v1/studies/{study_id}``), which
clients and the stateful contract test follow.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from api.caching import UPDATE_HEADER, revisioned

_STRING = {"type": "string"}
CACHING_HEADERS: dict[str, Any] = {
    "ETag": {"description": "weak entity tag of this answer; send it back as If-None-Match", "schema": _STRING},
    UPDATE_HEADER: {"description": "the review update the answer reflects ('none' before the first)",
                    "schema": _STRING},
    "Cache-Control": {"description": "no-cache: revalidate with If-None-Match", "schema": _STRING},
}
LINK_HEADER: dict[str, Any] = {"Link": {"description": 'RFC 8288 links to the first, prev, next and last pages '
                                        '(rel="first" ...)', "schema": _STRING}}
IF_NONE_MATCH: dict[str, Any] = {
    "name": "If-None-Match", "in": "header", "required": False, "schema": _STRING,
    "description": "an ETag from an earlier answer: 304 Not Modified while the store has not changed"}
NOT_MODIFIED: dict[str, Any] = {
    "description": "not modified: the store revision is the one the If-None-Match tag was made at",
    "headers": {name: CACHING_HEADERS[name] for name in ("ETag", UPDATE_HEADER)}}
# list operation -> (detail operation, its path parameter, where the id is in the list's answer)
DETAIL_LINKS: dict[str, dict[str, tuple[str, str, str]]] = {
    "/v1/studies": {"GetStudy": ("/v1/studies/{study_id}", "study_id", "$response.body#/data/0/id")},
    "/v1/conditions": {
        "GetCondition": ("/v1/conditions/{condition_id}", "condition_id", "$response.body#/data/0/id"),
        "StudiesOfCondition": ("/v1/studies", "condition", "$response.body#/data/0/id"),
        "BiasOfCondition": ("/v1/gaps/bias-reporting", "condition", "$response.body#/data/0/id"),
    },
    "/v1/causes": {"StudiesOfCause": ("/v1/studies", "cause", "$response.body#/data/0/id")},
    "/v1/exports": {"GetExport": ("/v1/exports/{format}", "format", "$response.body#/data/0/format")},
}


def describe_middleware(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with caching, paging headers and detail links added to its operations (in place)."""
    paths = document["paths"]
    for path, item in paths.items():
        for operation in item.values():
            ok = operation["responses"].setdefault("200", {"description": "Successful Response"})
            names = {p["name"] for p in operation.get("parameters", [])}
            if {"offset", "limit"} <= names:
                ok.setdefault("headers", {}).update(copy.deepcopy(LINK_HEADER))
            if revisioned(path):
                operation.setdefault("parameters", []).append(copy.deepcopy(IF_NONE_MATCH))
                ok.setdefault("headers", {}).update(copy.deepcopy(CACHING_HEADERS))
                operation["responses"]["304"] = copy.deepcopy(NOT_MODIFIED)
            for name, (target, parameter, value) in DETAIL_LINKS.get(path, {}).items():
                ok.setdefault("links", {})[name] = {
                    "operationId": paths[target]["get"]["operationId"], "parameters": {parameter: value},
                    "description": f"the first item's {parameter.replace('_', ' ')} at {target}"}
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the document with :func:`describe_middleware` applied (built once, on first request)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_middleware(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
