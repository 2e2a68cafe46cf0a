"""Blind mode: a reviewer does not see another reviewer's entries until both have submitted.

As Rayyan and Covidence do it: for each group (a screening stage, the
extraction form, a risk-of-bias tool) of a study, another reviewer's entries
stay hidden until :data:`~review.models.REQUIRED_REVIEWERS` distinct reviewers
have submitted in that group. A viewer always sees their own entries (drafts
too) and every consensus record; nobody sees another reviewer's draft. The
same rule holds for admins, so an admin who also reviews is blind like
everyone else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import BaseModel, Field

from review.models import (
    REQUIRED_REVIEWERS,
    Consensus,
    ExtractionForm,
    RiskOfBiasAssessment,
    ScreeningDecision,
)

Entry = TypeVar("Entry", ScreeningDecision, ExtractionForm, RiskOfBiasAssessment)
_GroupOf = Callable[[Entry], str]
_IsSubmitted = Callable[[Entry], bool]


class StudyEntries(BaseModel):
    """Everything reviewers wrote about one study (current versions)."""

    study_id: str
    screening: list[ScreeningDecision] = Field(default_factory=list)
    consensus: list[Consensus] = Field(default_factory=list)
    extraction: list[ExtractionForm] = Field(default_factory=list)
    rob: list[RiskOfBiasAssessment] = Field(default_factory=list)


class VisibleEntries(StudyEntries):
    """What one viewer may see, and how many entries of others are hidden per group."""

    viewer: str
    hidden: dict[str, int] = Field(default_factory=dict, description="group -> entries hidden from the viewer")


def visible_to(viewer: str, entries: StudyEntries, required: int = REQUIRED_REVIEWERS) -> VisibleEntries:
    """The entries of one study that ``viewer`` (a reviewer id) may see now."""
    hidden: dict[str, int] = {}
    screening = _filter(viewer, entries.screening, lambda d: f"screening/{d.stage}", lambda d: True,
                        hidden, required)
    extraction = _filter(viewer, [form for form in entries.extraction if form.reviewer is not None],
                         lambda f: "extraction", lambda f: f.submitted, hidden, required)
    rob = _filter(viewer, [item for item in entries.rob if item.reviewer is not None],
                  lambda a: f"rob/{a.tool}", lambda a: a.submitted, hidden, required)
    extraction += [form for form in entries.extraction if form.reviewer is None]
    rob += [item for item in entries.rob if item.reviewer is None]
    return VisibleEntries(study_id=entries.study_id, viewer=viewer, screening=screening,
                          consensus=list(entries.consensus), extraction=extraction, rob=rob, hidden=hidden)


def group_complete(submitted_by: Iterable[str], required: int = REQUIRED_REVIEWERS) -> bool:
    """Whether enough distinct reviewers submitted for the group to be unblinded (and resolved)."""
    return len(set(submitted_by)) >= required


def _filter(viewer: str, items: list[Entry], group_of: _GroupOf[Entry], is_submitted: _IsSubmitted[Entry],
            hidden: dict[str, int], required: int) -> list[Entry]:
    submitted: dict[str, set[str]] = {}
    for item in items:
        if is_submitted(item):
            submitted.setdefault(group_of(item), set()).add(_author(item))
    shown: list[Entry] = []
    for item in items:
        group = group_of(item)
        own = _author(item) == viewer
        if own or (is_submitted(item) and group_complete(submitted.get(group, set()), required)):
            shown.append(item)
        else:
            hidden[group] = hidden.get(group, 0) + 1
    return shown


def _author(item: ScreeningDecision | ExtractionForm | RiskOfBiasAssessment) -> str:
    return item.reviewer or ""
