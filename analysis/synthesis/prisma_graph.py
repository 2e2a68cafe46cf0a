"""The PRISMA input as the graph holds it today, for :func:`analysis.synthesis.prisma.prisma_flow`.

Each load or ingest recorded as a review update is one search update. An
ingest records how many records it identified per source (``identified:NAME``
counts: the database the export names, ``--source``, else the file) and how many
duplicates it merged within the batch; a load is one source, the update's. The
studies an update created are the records that reached screening. What the store does not record yet is said in
the update's notes rather than invented:

- records identified = the update's ``records_identified`` count when recorded,
  else the records it read plus the in-batch duplicates (``duplicates_merged``)
  when recorded; without either, duplicates merged inside one ingest are not
  counted;
- duplicates removed = identified - studies the update created (matches of
  studies already in the graph, plus recorded in-batch duplicates);
- excluded at screening = studies with a reviewer's ``exclude`` decision, by the
  reviewer's reason (a machine suggestion alone excludes nothing: the count of
  suggestions awaiting a decision is a note);
- full-text retrieval is not tracked yet: every screened-in record counts as a
  report retrieved and assessed; retracted publications are excluded there.

Updates without a ``records_read`` count (a screening decision) identify no
records; their decisions show in the update that created the study.
"""

from __future__ import annotations

from collections import Counter

from analysis.counted import unfiltered
from analysis.synthesis.prisma import PrismaFlow, PrismaInput, ReasonCount, SourceCount, UpdateInput, prisma_flow
from facekg.records import ReviewUpdate, StudyRecord
from graph.store import GraphStore
from ingest.load import IDENTIFIED

RETRACTED = "retracted publication"


def _exclusion_reason(study: StudyRecord) -> str:
    screening = study.screening
    assert screening is not None
    if screening.review_reasons:
        return screening.review_reasons[0]
    reviewer = [r.get("evidence", "") for r in screening.reasons if r.get("criterion", "").startswith("reviewer:")]
    if reviewer and reviewer[-1]:
        return reviewer[-1]
    criteria = [r.get("criterion", "") for r in screening.reasons if r.get("criterion")]
    return criteria[0] if criteria else "no reason recorded"


def _sources(update: ReviewUpdate, identified: int) -> list[SourceCount]:
    """Records identified per source as the ingest recorded them, else all from the update's source."""
    named = [SourceCount(source=key.removeprefix(IDENTIFIED), records=n)
             for key, n in sorted(update.counts.items()) if key.startswith(IDENTIFIED)]
    if named and sum(s.records for s in named) == identified:
        return named
    return [SourceCount(source=update.source or "unnamed source", records=identified)]


def _update_input(update: ReviewUpdate, created: list[StudyRecord]) -> UpdateInput:
    counts = update.counts
    notes: list[str] = []
    batch = counts.get("duplicates_merged")
    identified = counts.get("records_identified")
    if identified is None:
        identified = counts["records_read"] + (batch or 0)
        if batch is None:
            notes.append("duplicates merged within this update were not recorded; identified counts the records "
                         "left after them")
    excluded = [s for s in created if s.screening and s.screening.decision == "exclude"]
    kept = [s for s in created if s not in excluded]
    awaiting = sum(1 for s in created if s.screening and s.screening.suggestion == "exclude"
                   and s.screening.decision is None)
    if awaiting:
        notes.append(f"{awaiting} suggested exclusion(s) await a reviewer's decision and count as screened in")
    retracted = sum(1 for s in kept if s.retracted)
    reasons = Counter(_exclusion_reason(s) for s in excluded)
    return UpdateInput(
        id=update.id, label=f"{update.created_at[:10]} {update.source}",
        databases=_sources(update, identified),
        duplicates_removed=max(identified - len(created), 0), screening_excluded=len(excluded),
        screening_reasons=[ReasonCount(reason=r, count=n) for r, n in sorted(reasons.items())],
        report_exclusions=[ReasonCount(reason=RETRACTED, count=retracted)] if retracted else [],
        notes=notes)


def prisma_input(store: GraphStore) -> PrismaInput:
    """The review's flow input from the review updates and the studies they created."""
    studies = list(unfiltered(store).studies())  # the flow reports excluded studies too
    searches = [u for u in store.review_updates() if "records_read" in u.counts]
    if not searches:
        return PrismaInput(updates=[UpdateInput(id="none", label="no records loaded yet")])
    by_update: dict[str, list[StudyRecord]] = {}
    for study in studies:
        by_update.setdefault(study.review_update or "", []).append(study)
    return PrismaInput(updates=[_update_input(u, by_update.get(u.id, [])) for u in searches])


def prisma_from_store(store: GraphStore) -> PrismaFlow:
    """The PRISMA 2020 flow of what the store holds now."""
    updates = store.review_updates()
    return prisma_flow(prisma_input(store), review_update=updates[-1].id if updates else None)
