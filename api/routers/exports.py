"""Whole-graph exports (Turtle, JSON-LD, GraphML, CSV tables, JSONL) and the chart data of the website."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO, Literal

from fastapi import APIRouter, Depends, Response
from fastapi.responses import StreamingResponse
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
CHUNK = 1 << 20  # bytes read from a kept export per response message
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
    has built (or read from the data dir's export cache) this format so far. The file is streamed.
    """
    chosen = export_format(format)
    question = f"export:{chosen.name}"
    kept = answers.answer(question, None, lambda _snapshot: _built(chosen, answers, ontology, settings.data_dir))
    headers = {"Content-Disposition": f'attachment; filename="{chosen.filename}"',
               BUILDS_HEADER: str(answers.built[question])}
    handle = _opened(kept) if isinstance(kept, Path) else None
    if handle is None:  # built in memory, or removed since by a newer revision's build: answer from the store
        body = kept if isinstance(kept, bytes) else chosen.write(answers.store, ontology)
        return Response(body, media_type=chosen.media_type, headers=headers)
    headers["Content-Length"] = str(os.fstat(handle.fileno()).st_size)
    return StreamingResponse(_chunks(handle), media_type=chosen.media_type, headers=headers)


@router.get("/overview", response_model=ReviewOverview, tags=["charts"])
def overview(view: ViewDep) -> ReviewOverview:
    """The home page's counts and charts: studies per year and per cause category (retracted left out)."""
    return view.overview()


def _opened(path: Path) -> BinaryIO | None:
    """The kept export open for reading (it stays readable if a newer revision's build removes it), or None."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _built(chosen: ExportFormat, answers: Answers, ontology: Ontology, data_dir: Path) -> Path | bytes:
    """The export of the live review as a file in ``<data dir>/cache/exports``, shared by every worker.

    A build of the whole graph costs seconds, and worker processes share no memory, so the first one to
    need an export streams it, one study at a time, into a file under a file lock, named by the revision;
    the others find it there. Older revisions' files are removed then. An ``as_of`` review or an unwritable
    data dir is built in memory only (bytes).
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
                    return path
                for old in folder.iterdir():
                    if old.name != "lock" and not old.name.startswith(revision):
                        old.unlink(missing_ok=True)
                partial = path.with_name(f".{path.name}.{os.getpid()}")
                try:
                    with partial.open("wb") as out:
                        for chunk in chosen.stream(answers.store, ontology):
                            out.write(chunk)
                    partial.replace(path)
                finally:
                    partial.unlink(missing_ok=True)
                return path
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    except OSError as exc:
        log.warning("export cache in %s not usable (%s); building in memory", folder, exc)
        return chosen.write(answers.store, ontology)
