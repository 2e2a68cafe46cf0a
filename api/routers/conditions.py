"""Conditions and the cause categories they sit in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from analysis.catalogue import CauseSummary, ConditionSummary
from api.deps import AnswersDep
from api.paging import Paging, paging
from api.problems import error_responses
from api.schemas import ConditionAnswer, Page

router = APIRouter(prefix="/v1", tags=["conditions"])
ConditionsPaging = Annotated[Paging, Depends(paging(1000, 1000))]


@router.get("/conditions", response_model=Page[ConditionSummary])
def conditions(answers: AnswersDep, page: ConditionsPaging) -> Page[ConditionSummary]:
    """Every condition with its study and deep-learning study counts and its cause categories."""
    return page.page(Page[ConditionSummary], answers.conditions())


@router.get("/conditions/{condition_id}", response_model=ConditionAnswer, responses=error_responses(404))
def condition(condition_id: str, answers: AnswersDep) -> ConditionAnswer:
    """One condition: ontology entry, hierarchy and the studies that address it."""
    update = answers.reflects()
    return ConditionAnswer(**dict(answers.condition(condition_id)), review_update=update.id if update else None)


@router.get("/causes", response_model=Page[CauseSummary])
def causes(answers: AnswersDep, page: ConditionsPaging) -> Page[CauseSummary]:
    """The four Table 4 cause categories, then the groups outside the framework, with counts."""
    return page.page(Page[CauseSummary], answers.causes())
