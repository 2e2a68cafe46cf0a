"""Conditions and the cause categories they sit in."""

from __future__ import annotations

from fastapi import APIRouter

from analysis.catalogue import (
    CauseSummary,
    ConditionDetail,
    ConditionSummary,
    condition_detail,
    list_causes,
    list_conditions,
)
from api.deps import OntologyDep, StoreDep
from api.schemas import Page

router = APIRouter(prefix="/v1", tags=["conditions"])


@router.get("/conditions", response_model=Page[ConditionSummary])
def conditions(store: StoreDep, ontology: OntologyDep) -> Page[ConditionSummary]:
    """Every condition with its study and deep-learning study counts and its cause categories."""
    items = list_conditions(store, ontology)
    return Page[ConditionSummary](data=items, count=len(items))


@router.get("/conditions/{condition_id}", response_model=ConditionDetail)
def condition(condition_id: str, store: StoreDep, ontology: OntologyDep) -> ConditionDetail:
    """One condition: ontology entry, hierarchy and the studies that address it."""
    return condition_detail(store, ontology, condition_id)


@router.get("/causes", response_model=Page[CauseSummary])
def causes(store: StoreDep, ontology: OntologyDep) -> Page[CauseSummary]:
    """The four Table 4 cause categories, then the groups outside the framework, with counts."""
    items = list_causes(store, ontology)
    return Page[CauseSummary](data=items, count=len(items))
