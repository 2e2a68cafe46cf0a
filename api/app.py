"""The FastAPI application: ``create_app(settings)`` wires routers, errors and the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.problems import install_problem_handlers
from api.routers import conditions, gaps, meta, studies
from facekg import __version__
from facekg.runtime import open_store
from facekg.settings import Settings, load_settings
from graph.store import GraphStore
from ontology import load_ontology

DESCRIPTION = """\
facekg answers questions about the evidence on deep-learning facial image analysis in medicine:
which conditions have studies and how good they are, which have none (evidence gaps), and whether
studies report who was in their samples (demographic-bias reporting gaps). Errors are RFC 9457
`application/problem+json`.
"""


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app; the store is opened at start-up (unless given) and closed at shutdown.

    Without ``settings`` they are read from the environment now, once.
    """
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.ontology = load_ontology()
        app.state.store = store if store is not None else open_store(settings)
        try:
            yield
        finally:
            if store is None:
                app.state.store.close()

    app = FastAPI(title="facekg", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    install_problem_handlers(app)
    app.include_router(meta.router)
    app.include_router(studies.router)
    app.include_router(conditions.router)
    app.include_router(gaps.router)
    return app

