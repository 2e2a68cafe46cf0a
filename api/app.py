"""The FastAPI application: ``create_app(settings)`` wires routers, errors and the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from analysis.answers import Answers
from analysis.as_of import AsOfAnswers
from analysis.counted import CountedStore
from api.auth import install_review
from api.caching import RevisionCaching
from api.deps import counting_parameters, release_pins
from api.limits import RateLimits
from api.openapi import install_openapi
from api.problems import error_responses, install_problem_handlers
from api.query import refuse_unknown_parameters
from api.routers import changes, conditions, exports, gaps, meta, review, studies, synthesis
from api.security import Protection
from api.web import install_website
from facekg import __version__
from facekg.runtime import open_store
from facekg.settings import Settings, load_settings
from graph.store import GraphStore
from ontology import load_ontology
from review.workspace import Workspace

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
        app.state.store = CountedStore(store if store is not None else open_store(settings),
                                       workspace=Workspace.file_in(settings.data_dir))
        app.state.answers = Answers(app.state.store, app.state.ontology, cache_dir=settings.cache_dir,
                                    size=settings.answers_cache_size)
        app.state.as_of = AsOfAnswers(app.state.answers, pins=release_pins(settings))
        try:
            yield
        finally:
            if store is None:
                app.state.store.close()

    # /docs is the website's own page on the vendored swagger-ui-dist (no CDN); ReDoc would need one.
    app = FastAPI(title="facekg", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.rate_limits = RateLimits.from_settings(settings)
    install_problem_handlers(app)
    if settings.cors_origin_list():
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list(), allow_methods=["GET", "HEAD"],
                           allow_headers=["Accept"], max_age=600)
    app.add_middleware(RevisionCaching)
    install_review(app, settings)  # its counting middleware wraps the caching one: tags depend on the rule
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    # Added last, so outermost: headers on every response, oversized requests refused before anything reads them.
    app.add_middleware(Protection, max_url_bytes=settings.max_url_bytes, max_body_bytes=settings.max_body_bytes)
    # Every API operation refuses unknown query parameters and documents the errors all operations share.
    for router in (meta.router, studies.router, conditions.router, gaps.router, synthesis.router, exports.router,
                   changes.router):
        app.include_router(router, dependencies=[Depends(refuse_unknown_parameters), Depends(counting_parameters)],
                           responses=error_responses())
    app.include_router(review.router, responses=error_responses())
    install_website(app)
    install_openapi(app)
    return app


def app_from_environment() -> FastAPI:
    """The app with settings from the environment: what each ``facekg serve --workers N`` process imports."""
    return create_app(load_settings())

