"""Response envelopes shared by the routers."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from analysis.catalogue import ConditionDetail
from facekg.records import StudyRecord

T = TypeVar("T")
REFLECTS = "the latest review update the answer reflects (also the X-Facekg-Update header)"


class Page(BaseModel, Generic[T]):
    """A list response: the items, how many there are in all, where this page starts, and what it reflects."""

    data: list[T]
    count: int = Field(description="number of items matching, over all pages")
    offset: int = 0
    limit: int | None = None
    review_update: str | None = Field(default=None, description=REFLECTS)


class StudyAnswer(StudyRecord):
    """One study as an answer: the record, and the update the answer reflects.

    The record's own ``review_update`` names the update that added the study, so the update the
    answer reflects has a field of its own here.
    """

    reflects_update: str | None = Field(default=None, description=REFLECTS)


class ConditionAnswer(ConditionDetail):
    """One condition as an answer, with the update it reflects (as lists carry it)."""

    review_update: str | None = Field(default=None, description=REFLECTS)


class Health(BaseModel):
    status: str
    store: str
    backend: str
    version: str
    studies: int | None = None
    detail: str | None = None
