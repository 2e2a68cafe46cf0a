"""The page context builder: every page is rendered here, with the context every page shares.

Templates live in ``api/web/templates`` (one base layout, one template per page)
and are package data. Jinja2 autoescapes every ``.html`` template, so user text
(titles, abstracts, evidence) is always escaped; ``StrictUndefined`` turns a
misspelt variable into an error instead of an empty string.

:func:`page_context` is the one place that says which review update the page
reflects (``reflects``) and whether that is an earlier one (``as_of``, kept on
the navigation links); ``base.html`` draws the banner from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from api.web.evidence import highlight
from api.web.jsonld import doi_url, pubmed_url
from api.web.views import ReviewView, get_view
from facekg import __version__
from facekg.errors import StoreError

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Home"), ("/studies", "Studies"), ("/conditions", "Conditions"), ("/gaps", "Evidence gaps"),
    ("/gap-map", "Gap map"), ("/bias", "Bias reporting"), ("/synthesis", "Synthesis"), ("/updates", "Updates"),
    ("/open-data", "Open data"),
)
ATTRIBUTE_LABELS = {"sex": "Sex", "age": "Age", "race_ethnicity": "Race/ethnicity", "skin_tone": "Skin tone",
                    "geography": "Geography"}


def url_with(path: str, params: Mapping[str, Any], **changes: Any) -> str:
    """``path`` with the current query parameters, some changed; empty and None values are dropped."""
    merged = {**params, **changes}
    query = urlencode([(k, v) for k, v in merged.items() if v not in (None, "", False)], doseq=True)
    return f"{path}?{query}" if query else path


def pin(url: str, as_of: str | None) -> str:
    """``url`` answered as of ``as_of`` (unchanged when None): chart data and pictures follow their page."""
    if not as_of or "as_of=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'as_of': as_of})}"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
                             autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(url_with=url_with, doi_url=doi_url, pubmed_url=pubmed_url, highlight=highlight,
                       attribute_labels=ATTRIBUTE_LABELS, nav=NAV, version=__version__)
    env.filters["percent"] = percent
    env.filters["pin"] = pin
    env.filters["without"] = lambda mapping, *keys: {k: v for k, v in mapping.items() if k not in keys}
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def current_section(path: str) -> str:
    """The navigation entry a path belongs to (``/studies/x`` is under Studies)."""
    best = "/"
    for href, _label in NAV:
        if href != "/" and (path == href or path.startswith(href + "/")):
            best = href
    return best


def page_context(request: Request, view: ReviewView) -> dict[str, Any]:
    """What every page shows around its own content: navigation, the update it reflects, version."""
    try:
        reflects = view.reflects()
        latest = view.answers_today().reflects()
    except StoreError:  # an error page must render even when the store is down
        reflects = latest = None
    as_of = reflects.id if reflects is not None and latest is not None and reflects.id != latest.id else None
    return {"current": current_section(request.url.path), "reflects": reflects, "as_of": as_of,
            "params": dict(request.query_params)}


def render(request: Request, view: ReviewView, template: str, status_code: int = 200,
           headers: Mapping[str, str] | None = None, **context: Any) -> Response:
    """Render ``template`` with the shared page context plus the page's own."""
    return TEMPLATES.TemplateResponse(request, template, {**page_context(request, view), **context},
                                      status_code=status_code, headers=headers)


def html_problem(request: Request, status: int, title: str, detail: str,
                 headers: dict[str, str] | None) -> Response:
    """The error page browsers get instead of problem+json (same status; installed by the website)."""
    return render(request, get_view(request), "error.html", status_code=status, headers=headers, status=status,
                  title=title, detail=detail)
