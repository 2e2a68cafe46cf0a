"""Loading study records into a graph store as one review update.

Written once above the store interface: concept resolution against the
ontology, merging with what is stored (curated and consensus facts win), and one
atomic ``store.write`` per load, so a failed load leaves the graph as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Literal, TypeVar

from pydantic import BaseModel, Field

from facekg.merge import merge_records
from facekg.records import ReviewUpdate, ScreeningDecision, StudyRecord
from graph.ontology_rows import ontology_rows
from graph.store import GraphStore
from ontology import Ontology

_M = TypeVar("_M", bound=BaseModel)


class LoadSummary(BaseModel):
    """What one load did: counts, and every mention that did not map to the ontology."""

    review_update: str | None = Field(description="the update recorded; None when nothing changed")
    records_read: int
    created: int
    updated: int
    unchanged: int
    facts: dict[str, int] = Field(default_factory=dict)
    unmapped: dict[str, list[str]] = Field(default_factory=dict)


def new_review_update(source: str, description: str | None = None) -> ReviewUpdate:
    """A review update stamped now; microseconds keep two updates of the same second in order."""
    now = datetime.now(UTC)
    digest = hashlib.sha1(f"{now.isoformat()}{source}".encode()).hexdigest()[:6]
    return ReviewUpdate(id=f"{now:%Y%m%dT%H%M%S}Z-{digest}", created_at=now.isoformat(timespec="microseconds"),
                        source=source, description=description)


def resolve_concepts(record: StudyRecord, ontology: Ontology) -> StudyRecord:
    """Map condition, architecture and metric names to ontology concepts where they resolve.

    Names that do not resolve keep ``concept_id=None`` (or their public xref id) and are
    reported as unmapped, never dropped.
    """
    conditions = [_with(c, concept_id=_resolved_id(ontology, c.concept_id, c.name, "condition", retry=True))
                  for c in record.conditions]
    architectures = []
    for architecture in record.architectures:
        concept = ontology.lookup(architecture.concept_id or architecture.name, kind="architecture")
        if concept is None:
            architectures.append(architecture)
            continue
        is_dl = architecture.is_deep_learning
        architectures.append(_with(architecture, concept_id=concept.id,
                                   is_deep_learning=ontology.is_deep_learning(concept.id) if is_dl is None else is_dl))
    metrics = [_with(m, metric_id=_resolved_id(ontology, m.metric_id, m.metric, "metric")) for m in record.metrics]
    update: dict[str, object] = {"conditions": conditions, "architectures": architectures, "metrics": metrics}
    if record.is_deep_learning is None:
        flags = [a.is_deep_learning for a in architectures if a.is_deep_learning is not None]
        if flags:
            update["is_deep_learning"] = any(flags)
    # A shallow copy: only the resolved lists are new; the caller may set review_update on it.
    return record.model_copy(update=update)


def _resolved_id(ontology: Ontology, concept_id: str | None, name: str, kind: str, *,
                 retry: bool = False) -> str | None:
    """The ontology id for a mention, else the id it came with."""
    concept = ontology.lookup(concept_id or name, kind=kind)
    if concept is None and retry and concept_id:
        concept = ontology.lookup(name, kind=kind)
    return concept.id if concept is not None else concept_id


def _with(item: _M, **changes: object) -> _M:
    """``item`` itself when nothing changes, else a shallow copy with the changes."""
    changed = {k: v for k, v in changes.items() if getattr(item, k) != v}
    return item.model_copy(update=changed) if changed else item


def unmapped_mentions(record: StudyRecord, ontology: Ontology) -> dict[str, list[str]]:
    def known(concept_id: str | None, kind: str) -> bool:
        if concept_id is None:
            return False
        concept = ontology.lookup(concept_id, kind=kind)
        return concept is not None and concept.id == concept_id

    found = {
        "conditions": [c.name for c in record.conditions if not known(c.concept_id, "condition")],
        "architectures": [a.name for a in record.architectures if not known(a.concept_id, "architecture")],
        "metrics": [m.metric for m in record.metrics if not known(m.metric_id, "metric")],
    }
    return {kind: names for kind, names in found.items() if names}


# A review update's count key prefix: records identified per source (``identified:PubMed``), read by the PRISMA flow.
IDENTIFIED = "identified:"


def load_records(store: GraphStore, records: Iterable[StudyRecord], ontology: Ontology, *, source: str,
                 description: str | None = None, counts: Mapping[str, int] | None = None) -> LoadSummary:
    """Resolve, merge and write ``records`` as one review update; all or nothing.

    ``counts`` adds to the update's own counts what the caller knows beyond the
    records (an ingest: records identified per source, duplicates merged).
    """
    update = new_review_update(source, description)
    prepared: dict[str, StudyRecord] = {}
    index: dict[str, str] = {}
    created = updated = unchanged = read = 0
    facts: Counter[str] = Counter()
    unmapped: dict[str, set[str]] = {}
    for incoming in records:
        read += 1
        resolved = resolve_concepts(incoming, ontology)
        stored = _pending_or_stored(store, prepared, index, resolved)
        if stored is None:
            resolved.review_update = update.id
            final = resolved
            created += 1
        else:
            final = merge_records(stored, resolved)
            if final == stored:
                unchanged += 1
            else:
                updated += 1
        prepared[final.id] = final
        index.update({key: final.id for key in final.upsert_keys()})
        for kind, items in resolved.fact_lists().items():
            facts[kind] += len(items)
        for kind, names in unmapped_mentions(resolved, ontology).items():
            unmapped.setdefault(kind, set()).update(names)
    update.counts = {**(counts or {}), "records_read": read, "created": created, "updated": updated,
                     "unchanged": unchanged}
    if created or updated:
        store.write_ontology(ontology_rows(ontology))
        store.write(list(prepared.values()), update)
    return LoadSummary(review_update=update.id if created or updated else None, records_read=read,
                       created=created, updated=updated, unchanged=unchanged, facts=dict(sorted(facts.items())),
                       unmapped={kind: sorted(names) for kind, names in sorted(unmapped.items())})


def _pending_or_stored(store: GraphStore, pending: dict[str, StudyRecord], index: dict[str, str],
                       record: StudyRecord) -> StudyRecord | None:
    """The study this record updates: one already seen in this load, else one in the store."""
    for key in record.upsert_keys():
        if key in index:
            return pending[index[key]]
    return store.find(doi=record.doi, pmid=record.pmid, study_id=record.id)


def record_screening_decision(store: GraphStore, study_id: str, decision: Literal["include", "exclude"],
                              reviewer: str, reason: str | None = None) -> StudyRecord:
    """Store a reviewer's screening decision on a study, as its own review update.

    The suggestion made at ingest stays beside it, so the review can show where
    reviewers and the protocol rules disagreed.
    """
    study = store.get(study_id)
    screening = study.screening or ScreeningDecision(suggestion="unsure")
    reasons = list(screening.reasons)
    if reason:
        reasons.append({"criterion": f"reviewer:{reviewer}", "evidence": reason})
    study.screening = screening.model_copy(update={"decision": decision, "decided_by": reviewer,
                                                   "reasons": reasons})
    update = new_review_update(f"screening decision by {reviewer}", f"{study_id}: {decision}")
    update.counts = {"decisions": 1}
    store.write([study], update)
    return study
