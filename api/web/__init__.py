"""The living-review website: server-rendered pages over the same app as the REST API.

``install_website(app)`` adds the pages, the ontology at its namespace path,
the vendored static assets and the HTML error pages. Pages read the review
through :mod:`api.web.views` and render through :mod:`api.web.render`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"


def install_website(app: FastAPI) -> None:
    """Mount ``/static``, include the pages and the namespace routes, and serve browsers HTML error pages."""
    from api.web import namespace, pages, review_pages, synthesis_pages
    from api.web.render import html_problem

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(synthesis_pages.router)
    app.include_router(review_pages.router)
    app.include_router(namespace.router)
    app.state.html_problem = html_problem
