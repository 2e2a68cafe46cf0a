"""Dependencies for route handlers, as ``Annotated`` aliases so signatures read like sentences.

Tests swap them with ``app.dependency_overrides``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from analysis.answers import Answers
from facekg.settings import Settings
from graph.store import GraphStore
from ontology import Ontology


def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


def get_ontology(request: Request) -> Ontology:
    ontology: Ontology = request.app.state.ontology
    return ontology


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
OntologyDep = Annotated[Ontology, Depends(get_ontology)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_answers(request: Request, store: StoreDep, ontology: OntologyDep, settings: SettingsDep) -> Answers:
    """The app's kept answers over its store (made here when absent, or when a test swapped the store)."""
    answers: Answers | None = getattr(request.app.state, "answers", None)
    if answers is None or answers.store is not store:
        answers = Answers(store, ontology, cache_dir=settings.cache_dir, size=settings.answers_cache_size)
        request.app.state.answers = answers
    return answers


AnswersDep = Annotated[Answers, Depends(get_answers)]
