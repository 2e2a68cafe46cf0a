"""Whole-graph exports (Turtle, JSON-LD, GraphML, CSV tables, JSONL) and the chart data of the website."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from analysis.answers import Answers
from analysis.counted import counting_variant
from analysis.overview import ReviewOverview
from api.caching import BUILDS_HEADER
from api.deps import AnswersDep, OntologyDep, SettingsDep
from api.paging import Paging, paging
from api.problems import error_responses
from api.schemas import Page
from api.web.views import ViewDep
from facekg import __version__
from graph.exports import FORMATS, ExportFormat, export_format
from ontology import Ontology

router = APIRouter(prefix="/v1", tags=["open data"])
log = logging.getLogger("facekg.api")
EXPORTS_CACHE = Path("cache") / "exports"  # under the data dir: shared by every `serve --workers` process
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
def export(format: ExportName, answers: AnswersDep, ontology: OntologyDep, settings: SettingsDep) -> Response:
    """The whole graph in one format, with every fact's evidence span and provenance, as a download.

    Built once per revision (and counting) and kept; ``X-Facekg-Builds`` says how many times this process
    has built (or read from the data dir's export cache) this format so far.
    """
    chosen = export_format(format)
    question = f"export:{chosen.name}"
    body = answers.answer(question, None, lambda _snapshot: _built(chosen, answers, ontology, settings.data_dir))
    return Response(body, media_type=chosen.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{chosen.filename}"',
                             BUILDS_HEADER: str(answers.built[question])})


@router.get("/overview", response_model=ReviewOverview, tags=["charts"])
def overview(view: ViewDep) -> ReviewOverview:
    """The home page's counts and charts: studies per year and per cause category (retracted left out)."""
    return view.overview()


def _built(chosen: ExportFormat, answers: Answers, ontology: Ontology, data_dir: Path) -> bytes:
    """The export of the live review, from ``<data dir>/cache/exports`` when another worker built it already.

    A build of the whole graph costs seconds, and worker processes share no memory, so the first one to
    need an export builds it under a file lock and keeps it on disk under the revision; the others read
    it. Older revisions' files are removed then. An ``as_of`` review or an unwritable data dir is built
    in memory only.
    """
    if not answers.watched:
        return chosen.write(answers.store, ontology)
    revision = hashlib.sha256(f"{answers.revision()}|{__version__}".encode()).hexdigest()[:20]
    variant = hashlib.sha256("|".join(counting_variant()).encode()).hexdigest()[:8]
    folder = Path(data_dir) / EXPORTS_CACHE
    path = folder / f"{revision}-{variant}.{chosen.name}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if path.exists():
                    return path.read_bytes()
                body = chosen.write(answers.store, ontology)
                for old in folder.iterdir():
                    if old.name != "lock" and not old.name.startswith(revision):
                        old.unlink(missing_ok=True)
                partial = path.with_name(f".{path.name}.{os.getpid()}")
                partial.write_bytes(body)
                partial.replace(path)
                return body
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    except OSError as exc:
        log.warning("export cache in %s not usable (%s); building in memory", folder, exc)
        return chosen.write(answers.store, ontology)
