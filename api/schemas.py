"""Response envelopes shared by the routers."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A list response: the items, how many there are in all, where this page starts, and what it reflects."""

    data: list[T]
    count: int = Field(description="number of items matching, over all pages")
    offset: int = 0
    limit: int | None = None
    review_update: str | None = Field(default=None, description="the latest review update the answer reflects "
                                                                 "(also the X-Facekg-Update header)")


class Health(BaseModel):
    status: str
    store: str
    backend: str
    version: str
    studies: int | None = None
    detail: str | None = None
