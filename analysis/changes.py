"""What each review update changed: studies and facts added, changed or removed, from the store's history.

The store keeps every version of every study (:meth:`graph.store.GraphStore.study_history`); an update's
changes are its versions compared with the version before each. A fact is the same fact across versions
when its :meth:`facekg.records.Fact.identity` is; it *changed* when anything else about it did (its
provenance, say, when reviewers confirm an extracted fact).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from facekg.errors import InvalidQuery
from facekg.records import FACT_LISTS, ReviewUpdate, StudyRecord
from graph.store import GraphStore

ChangeKind = Literal["added", "changed", "removed"]
SINCE = "since"
_OWN_FIELDS_SKIPPED = {*FACT_LISTS, "review_update"}


class StudyChange(BaseModel):
    """A study an update added, changed (``fields`` says which of its own fields) or removed."""

    study_id: str
    title: str
    change: ChangeKind
    fields: list[str] = Field(default_factory=list, description="the study's own fields that changed")


class FactChange(BaseModel):
    """A fact an update added, changed or removed; ``fact`` is the fact as the update left it (removed: as it was)."""

    study_id: str
    kind: str = Field(description="the study's fact list: conditions, architectures, metrics, ...")
    change: ChangeKind
    fact: dict[str, Any]


class ScreeningChange(BaseModel):
    """A study whose resolved screening status an update changed (a reviewer's decision or a consensus).

    Only the resolved status is public: each reviewer's own decision stays behind the review API's
    blind mode until both have decided.
    """

    study_id: str
    title: str
    status_before: str | None = Field(description="the status before the update (None: not screened)")
    status: str | None = Field(description="included, excluded, provisionally-included or provisionally-excluded")
    reasons: list[str] = Field(default_factory=list, description="why the review excluded the study")


class UpdateChanges(BaseModel):
    """One review update and what it changed."""

    update: ReviewUpdate
    counts: dict[str, int] = Field(description="studies_added, studies_changed, studies_removed, facts_added, ..., "
                                               "screening_changed")
    studies: list[StudyChange]
    facts: list[FactChange]
    screening: list[ScreeningChange] = Field(default_factory=list,
                                             description="studies whose screening status the update changed")


def parse_instant(value: str) -> datetime | None:
    """``value`` as an aware datetime when it is an ISO date or date-time (a date is its midnight, UTC)."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def updates_since(updates: list[ReviewUpdate], since: str | None, parameter: str = SINCE) -> list[ReviewUpdate]:
    """The updates after ``since``: an update id (the ones after it) or a date (those made at or after it).

    None means every update; a date in the future means none. Anything else raises
    :class:`facekg.errors.InvalidQuery` naming ``parameter``.
    """
    if since is None:
        return list(updates)
    ids = [u.id for u in updates]
    if since in ids:
        return list(updates[ids.index(since) + 1:])
    instant = parse_instant(since)
    if instant is None:
        raise InvalidQuery(parameter, f"{since!r} is neither a review update id (GET /v1/updates lists them) "
                                      "nor a date such as 2026-01-31 or 2026-01-31T12:00:00Z")
    return [u for u in updates if (parse_instant(u.created_at) or instant) >= instant]


def review_changes(store: GraphStore, since: str | None = None) -> list[UpdateChanges]:
    """Every update after ``since`` (see :func:`updates_since`) with its changes, oldest first."""
    wanted = updates_since(store.review_updates(), since)
    changes = {u.id: UpdateChanges(update=u, counts={}, studies=[], facts=[], screening=[]) for u in wanted}
    previous: dict[str, StudyRecord | None] = {}
    for version in store.study_history(None):
        before = previous.get(version.study_id)
        previous[version.study_id] = version.record
        entry = changes.get(version.update_id)
        if entry is not None:
            _compare(entry, version.study_id, before, version.record)
    for entry in changes.values():
        entry.counts = _counts(entry)
    return list(changes.values())


def _compare(entry: UpdateChanges, study_id: str, before: StudyRecord | None, after: StudyRecord | None) -> None:
    if before is None and after is None:
        return
    if before is None or after is None:
        change: ChangeKind = "added" if before is None else "removed"
        shown = after if after is not None else before
        assert shown is not None
        entry.studies.append(StudyChange(study_id=study_id, title=shown.title, change=change))
        entry.facts.extend(_fact_changes(study_id, before, after))
        return
    fields = sorted(name for name in type(after).model_fields
                    if name not in _OWN_FIELDS_SKIPPED and getattr(before, name) != getattr(after, name))
    facts = _fact_changes(study_id, before, after)
    if fields or facts:
        entry.studies.append(StudyChange(study_id=study_id, title=after.title, change="changed", fields=fields))
        entry.facts.extend(facts)
    was, now = _status(before), _status(after)
    if was != now:
        reasons = after.screening.review_reasons if after.screening is not None else []
        entry.screening.append(ScreeningChange(study_id=study_id, title=after.title, status_before=was, status=now,
                                               reasons=list(reasons)))


def _status(study: StudyRecord) -> str | None:
    return study.screening.status if study.screening is not None else None


def _fact_changes(study_id: str, before: StudyRecord | None, after: StudyRecord | None) -> list[FactChange]:
    found: list[FactChange] = []
    for kind in FACT_LISTS:
        old = {fact.identity(): fact for fact in (getattr(before, kind) if before is not None else [])}
        new = {fact.identity(): fact for fact in (getattr(after, kind) if after is not None else [])}
        for identity, fact in new.items():
            if identity not in old:
                found.append(FactChange(study_id=study_id, kind=kind, change="added", fact=_dump(fact)))
            elif old[identity] != fact:
                found.append(FactChange(study_id=study_id, kind=kind, change="changed", fact=_dump(fact)))
        found.extend(FactChange(study_id=study_id, kind=kind, change="removed", fact=_dump(fact))
                     for identity, fact in old.items() if identity not in new)
    return found


def _dump(fact: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = fact.model_dump(mode="json", exclude_none=True)
    return dumped


def _counts(entry: UpdateChanges) -> dict[str, int]:
    counts = {f"studies_{kind}": 0 for kind in ("added", "changed", "removed")}
    counts.update({f"facts_{kind}": 0 for kind in ("added", "changed", "removed")})
    for study in entry.studies:
        counts[f"studies_{study.change}"] += 1
    for fact in entry.facts:
        counts[f"facts_{fact.change}"] += 1
    counts["screening_changed"] = len(entry.screening)
    return counts
