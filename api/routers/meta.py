"""Health, the ontology and the review updates."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from analysis.answers import Answers
from api.deps import AnswersDep, OntologyDep, SettingsDep
from api.paging import Paging, paging
from api.problems import error_responses
from api.schemas import Health, Page
from facekg import __version__
from facekg.errors import StoreUnavailable
from facekg.records import ReviewUpdate
from facekg.settings import Settings
from graph.store import GraphStore

router = APIRouter(tags=["meta"])
log = logging.getLogger("facekg.api")

_TURTLE = "text/turtle"
_JSONLD = "application/ld+json"
UpdatesPaging = Annotated[Paging, Depends(paging(1000, 1000))]
_HEALTH = "health"  # the kept answer's question: the store's check and its study count


@router.get("/healthz", response_model=Health,
            responses={**error_responses(), 503: {"model": Health, "description": "the graph store does not "
                                                  "answer (or cannot be read); Retry-After says when to retry"}})
async def healthz(answers: AnswersDep, settings: SettingsDep) -> Response:
    """Liveness and whether the graph store answers (503 when it does not).

    The check and the count are made once per store revision (a failure is never kept, so is asked again).
    Finding the revision asks no store while it is cheap (an embedded store's stat, or the revision a Neo4j
    store keeps for ``FACEKG_NEO4J_REVISION_MAX_AGE``), so a kept answer is given without a thread; a
    Neo4j server that stops is reported once that bound has passed.
    """
    if answers.revision_cheap:
        try:
            found, studies = answers.kept(_HEALTH, None)
        except Exception:  # an unreadable store: the check below says so, in the health answer's form
            found = False
        if found:
            return _healthy(settings, studies)
    return await run_in_threadpool(_checked, answers, settings)


def _checked(answers: Answers, settings: Settings) -> Response:
    def check(store: GraphStore) -> int:
        store.check()
        return store.stats().studies

    try:
        studies = answers.answer(_HEALTH, None, check)
    except Exception as exc:  # unreachable, unreadable or malformed: the cause goes to the log, not the client
        log.warning("health check: graph store failed: %r", exc)
        retry_after = exc.retry_after if isinstance(exc, StoreUnavailable) else 30
        body = Health(status="degraded", store="unavailable", backend=settings.backend, version=__version__,
                      detail="the graph store cannot be reached or read; the server log says why")
        return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": str(retry_after)})
    return _healthy(settings, studies)


def _healthy(settings: Settings, studies: int) -> Response:
    body = Health(status="ok", store="available", backend=settings.backend, version=__version__,
                  studies=studies)
    return JSONResponse(body.model_dump())


@router.get("/v1/ontology", responses=error_responses(ok={"content": {_TURTLE: {}, _JSONLD: {}}}))
def ontology_document(request: Request, ontology: OntologyDep) -> Response:
    """The whole ontology as Turtle (default) or JSON-LD (``Accept: application/ld+json``)."""
    accept = request.headers.get("accept", "")
    if _JSONLD in accept or "application/json" in accept:
        return Response(ontology.to_jsonld(), media_type=_JSONLD)
    return Response(ontology.to_turtle(), media_type=_TURTLE)


@router.get("/v1/updates", response_model=Page[ReviewUpdate], tags=["updates"])
def review_updates(answers: AnswersDep, page: UpdatesPaging) -> Page[ReviewUpdate]:
    """Every living-review update (each load or ingest), oldest first."""
    return page.page(Page[ReviewUpdate], answers.updates())
