"""Paged lists: one rule for ``offset``/``limit``, the envelope's fields and the RFC 8288 ``Link`` header.

Every list endpoint takes its page through :func:`paging`, so each list is paged the same way:
``count`` over all pages, the ``offset`` and ``limit`` asked for, the review update the answer reflects,
and ``Link: <...>; rel="first"|"prev"|"next"|"last"`` built from the request's own URL.
"""

# No ``from __future__ import annotations``: FastAPI reads the dependency's signature, whose bounds are
# the arguments of :func:`paging`, and closures only resolve in annotations evaluated at definition.

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response
from pydantic import BaseModel

from analysis.answers import Answers
from api.deps import AnswersDep

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Paging:
    """The page a request asks for, and where its answer goes (headers on ``response``)."""

    request: Request
    response: Response
    answers: Answers
    offset: int
    limit: int

    def window(self, items: Sequence[T]) -> list[T]:
        """The items of this page."""
        return list(items[self.offset:self.offset + self.limit])

    def page(self, envelope: type[M], items: Sequence[Any], *, count: int | None = None, **extra: Any) -> M:
        """The envelope for this page; ``count`` given means ``items`` is the page already (the store paged)."""
        total = len(items) if count is None else count
        data = self.window(items) if count is None else list(items)
        self.link(total)
        return envelope(data=data, count=total, offset=self.offset, limit=self.limit,
                        review_update=self.review_update(), **extra)

    def review_update(self) -> str | None:
        update = self.answers.reflects()
        return update.id if update is not None else None

    def link(self, count: int) -> None:
        """Set the ``Link`` header: first and last always, prev and next where they exist."""
        last = max(0, (count - 1) // self.limit * self.limit)
        targets = {"first": 0, "prev": max(0, self.offset - self.limit) if self.offset > 0 else None,
                   "next": self.offset + self.limit if self.offset + self.limit < count else None, "last": last}
        self.response.headers["Link"] = ", ".join(
            f'<{self.request.url.include_query_params(offset=offset, limit=self.limit)}>; rel="{rel}"'
            for rel, offset in targets.items() if offset is not None)


def paging(default_limit: int, max_limit: int) -> Callable[..., Awaitable[Paging]]:
    """A dependency reading ``offset`` and ``limit`` (1 to ``max_limit``, ``default_limit`` when absent)."""

    async def dependency(
        request: Request, response: Response, answers: AnswersDep,
        offset: Annotated[int, Query(ge=0, description="index of the page's first item")] = 0,
        limit: Annotated[int, Query(ge=1, le=max_limit, description=f"items per page (at most {max_limit})")]
        = default_limit,
    ) -> Paging:
        return Paging(request=request, response=response, answers=answers, offset=offset,
                      limit=limit)

    return dependency
