"""Studies: the included studies with every fact and its provenance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from analysis.answers import Answers
from analysis.catalogue import StudyFilters
from api.deps import AnswersDep
from api.paging import Paging, paging
from api.params import NAMED, name_query
from api.problems import error_responses
from api.schemas import Page, StudyAnswer
from facekg.errors import NotFound
from facekg.records import StudyRecord

router = APIRouter(prefix="/v1/studies", tags=["studies"])
StudiesPaging = Annotated[Paging, Depends(paging(50, 500))]


@router.get("", response_model=Page[StudyRecord], responses=error_responses(NAMED))
def list_studies(
    answers: AnswersDep,
    page: StudiesPaging,
    condition: Annotated[str | None, name_query("condition name, abbreviation or id; includes its subtypes")]
    = None,
    cause: Annotated[str | None, name_query("cause category id or name, e.g. gene-related")] = None,
    architecture: Annotated[str | None, name_query("architecture or family, e.g. CNN, ResNet-50")] = None,
    deep_learning: Annotated[bool, Query(description="only studies that use deep learning")] = False,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    q: Annotated[str | None, Query(description="text to find in title or abstract", max_length=200)] = None,
    include_retracted: bool = False,
) -> Page[StudyRecord]:
    """List studies, filtered and paged (the store pages), newest first."""
    filters = StudyFilters(condition=condition, cause=cause, architecture=architecture,
                           deep_learning_only=deep_learning, year_from=year_from, year_to=year_to, text=q,
                           include_retracted=include_retracted, offset=page.offset, limit=page.limit)
    found = answers.studies(filters)
    return page.page(Page[StudyRecord], found.items, count=found.total)


@router.get("/doi/{doi:path}", response_model=StudyAnswer, responses=error_responses(404))
def study_by_doi(doi: str, answers: AnswersDep) -> StudyAnswer:
    """The study with this DOI (any case; a https://doi.org/ prefix is allowed): an index lookup."""
    found = answers.store.find(doi=doi, pmid=None, study_id=None)
    if found is None:
        raise NotFound("study with DOI", doi)
    return study_answer(found, answers)


@router.get("/{study_id}", response_model=StudyAnswer, responses=error_responses(404))
def get_study(study_id: str, answers: AnswersDep) -> StudyAnswer:
    """One study with all its facts and their provenance."""
    return study_answer(answers.store.get(study_id), answers)


def study_answer(study: StudyRecord, answers: Answers) -> StudyAnswer:
    update = answers.reflects()
    return StudyAnswer(**dict(study), reflects_update=update.id if update is not None else None)
