"""Whole-graph exports (Turtle, JSON-LD, GraphML, CSV tables, JSONL) and the chart data of the website."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from analysis.overview import ReviewOverview
from api.caching import BUILDS_HEADER
from api.deps import AnswersDep, OntologyDep
from api.paging import Paging, paging
from api.problems import error_responses
from api.schemas import Page
from api.web.views import ViewDep
from graph.exports import FORMATS, export_format

router = APIRouter(prefix="/v1", tags=["open data"])
# The export formats as an enum in the OpenAPI; tests/test_openapi_contract.py checks it matches FORMATS.
ExportName = Literal["ttl", "jsonld", "graphml", "csv", "jsonl"]


class ExportInfo(BaseModel):
    format: str
    url: str
    media_type: str
    description: str
    reimport: bool


EXPORTS: list[ExportInfo] = [
    ExportInfo(format=f.name, url=f"/v1/exports/{f.name}", media_type=f.media_type, description=f.description,
               reimport=f.read is not None)
    for f in FORMATS.values()
]


@router.get("/exports", response_model=Page[ExportInfo])
def list_exports(page: Annotated[Paging, Depends(paging(100, 100))]) -> Page[ExportInfo]:
    """The whole-graph export formats; all but JSONL re-import losslessly with ``facekg import``."""
    return page.page(Page[ExportInfo], EXPORTS)


@router.get("/exports/{format}",
            responses=error_responses(ok={"content": {f.media_type: {} for f in FORMATS.values()}}))
def export(format: ExportName, answers: AnswersDep, ontology: OntologyDep) -> Response:
    """The whole graph in one format, with every fact's evidence span and provenance, as a download.

    Built once per revision (and counting) and kept; ``X-Facekg-Builds`` says how many times this process
    has built this format so far.
    """
    chosen = export_format(format)
    question = f"export:{chosen.name}"
    body = answers.answer(question, None, lambda _snapshot: chosen.write(answers.store, ontology))
    return Response(body, media_type=chosen.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{chosen.filename}"',
                             BUILDS_HEADER: str(answers.built[question])})


@router.get("/overview", response_model=ReviewOverview, tags=["charts"])
def overview(view: ViewDep) -> ReviewOverview:
    """The home page's counts and charts: studies per year and per cause category (retracted left out)."""
    return view.overview()
