"""Dependencies for route handlers, as ``Annotated`` aliases so signatures read like sentences.

Tests swap them with ``app.dependency_overrides``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from analysis.answers import Answers
from analysis.as_of import AS_OF, AsOfAnswers
from analysis.counted import View
from facekg.settings import Settings
from graph.exports.release import update_pinned_by
from graph.store import GraphStore
from ontology import Ontology
from review.screening import CountingRule


async def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


async def get_ontology(request: Request) -> Ontology:
    ontology: Ontology = request.app.state.ontology
    return ontology


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
OntologyDep = Annotated[Ontology, Depends(get_ontology)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


AsOfParam = Annotated[str | None, Query(
    alias=AS_OF, description="a review update id or a release version: answer as the graph stood after that "
                             "update (GET /v1/updates and GET /v1/releases list them); default: the latest")]


async def get_kept_answers(request: Request, store: StoreDep, ontology: OntologyDep,
                           settings: SettingsDep) -> AsOfAnswers:
    """The app's kept answers over its store, today's and as of earlier updates (made here when absent, or
    when a test swapped the store)."""
    kept: AsOfAnswers | None = getattr(request.app.state, "as_of", None)
    if kept is None or kept.store is not store:
        live = Answers(store, ontology, cache_dir=settings.cache_dir, size=settings.answers_cache_size)
        kept = AsOfAnswers(live, pins=release_pins(settings))
        request.app.state.answers = live
        request.app.state.as_of = kept
    return kept


def release_pins(settings: Settings) -> Callable[[str], str]:
    """How ``as_of`` reads a release version: as the update the release froze (see ``facekg release``)."""
    return lambda name: update_pinned_by(settings.data_dir, name)


KeptAnswersDep = Annotated[AsOfAnswers, Depends(get_kept_answers)]


async def get_answers(kept: KeptAnswersDep, as_of: AsOfParam = None) -> Answers:
    """The answers as of the update the request's ``as_of`` names (422 naming it when none), else today's.

    The one place ``?as_of=`` is read: every read endpoint and page takes its answers, or its store, here.
    A release version (``as_of=1.0``) names the update the release froze.
    Cheap dependencies are ``async`` so a request does not hop to a thread for each; an ``as_of`` may
    read the store, so it is resolved in a thread.
    """
    if as_of is None:
        return kept.live
    return await run_in_threadpool(kept.answers, as_of)


AnswersDep = Annotated[Answers, Depends(get_answers)]


async def get_review_store(answers: AnswersDep) -> GraphStore:
    """What a synthesis request reads: the revision's snapshot (its studies read once and shared with every
    other answer of the revision), live or as of the ``as_of`` update; read-only either way.

    Finding the revision is a stat and a pragma on the embedded store; on Neo4j it may be a query, so a thread.
    """
    if answers.revision_cheap:
        return answers.snapshot()
    return await run_in_threadpool(answers.snapshot)


ReviewStoreDep = Annotated[GraphStore, Depends(get_review_store)]


async def counting_parameters(
    counting: Annotated[CountingRule | None, Query(description="which studies count: consensus (included by "
                                                               "consensus) or provisional (every study not "
                                                               "excluded); default: the server's setting")] = None,
    screening: Annotated[View | None, Query(description="which studies a list shows: counted, excluded (with "
                                                        "their reasons) or all")] = None,
) -> None:
    """Declares the two counting parameters on every read, so the OpenAPI names them and unknown-parameter
    checks accept them; the counting middleware (api/auth.py) is what applies them."""
