"""Merging a new version of a study into the stored one: curated and consensus facts win.

A living review re-ingests studies with every update. A fact a reviewer curated
(or two reviewers agreed on) must survive any later automatic extraction, while
new extracted facts are still welcome. Facts are compared by
:meth:`facekg.records.Fact.identity`; provenance ranks extracted < curated < consensus.
An extracted fact whose claim reviewers rejected by consensus
(``StudyRecord.rejected_claims``) is never added back.
"""

from __future__ import annotations

from typing import Any

from facekg.records import FACT_LISTS, SOURCE_RANK, Fact, StudyRecord

_BIBLIO_FIELDS = ("abstract", "first_author", "year", "journal", "doi", "pmid", "notes", "image_modality",
                  "is_deep_learning", "sample_description", "screening")


def merge_facts(existing: list[Fact], incoming: list[Fact], *,
                rejected: frozenset[tuple[object, ...]] = frozenset()) -> list[Fact]:
    """Keep every existing fact; add or replace with incoming ones that do not rank lower.

    An incoming fact equal to a stored one (same identity and same content) keeps
    the stored fact and its provenance, so loading twice changes nothing. An
    extracted fact whose claim is in ``rejected`` is dropped.
    """
    merged: list[Fact] = list(existing)
    position = {fact.identity(): index for index, fact in enumerate(merged)}
    authoritative = {fact.claim() for fact in merged if fact.provenance.source != "extracted"}
    for fact in incoming:
        if fact.provenance.source == "extracted" and fact.claim() in rejected:
            continue
        index = position.get(fact.identity())
        if index is None and fact.provenance.source == "extracted" and fact.claim() in authoritative:
            continue
        if index is None:
            position[fact.identity()] = len(merged)
            merged.append(fact)
            continue
        current = merged[index]
        if _same_content(current, fact):
            continue
        if SOURCE_RANK[fact.provenance.source] >= SOURCE_RANK[current.provenance.source]:
            merged[index] = fact
    return merged


def _same_content(a: Fact, b: Fact) -> bool:
    return a.model_dump(exclude={"provenance"}) == b.model_dump(exclude={"provenance"})


def merge_records(existing: StudyRecord, incoming: StudyRecord) -> StudyRecord:
    """The stored study updated with ``incoming``; keeps the stored id and first review update."""
    data: dict[str, Any] = existing.model_dump()
    incoming_curated = _mostly_curated(incoming)
    for name in _BIBLIO_FIELDS:
        value = getattr(incoming, name)
        if value in (None, "", []):
            continue
        if data.get(name) in (None, "", []) or incoming_curated:
            data[name] = value.model_dump() if hasattr(value, "model_dump") else value
    if incoming_curated:
        data["title"] = incoming.title
    for name in ("authors", "keywords", "source_urls"):
        data[name] = list(dict.fromkeys([*data[name], *getattr(incoming, name)]))
    data["retracted"] = existing.retracted or incoming.retracted
    if existing.screening is not None and existing.screening.status is not None and data.get("screening"):
        # What the review decided (review/workspace.py) outlives any re-ingest's suggestion.
        data["screening"].update(existing.screening.model_dump(include={"status", "review_reasons", "decision",
                                                                        "decided_by"}))
    data["rejected_claims"] = [list(claim) for claim in dict.fromkeys(
        tuple(claim) for claim in [*existing.rejected_claims, *incoming.rejected_claims])]
    rejected = frozenset(tuple(claim) for claim in data["rejected_claims"])
    record = StudyRecord.model_validate(data)
    for name in FACT_LISTS:
        setattr(record, name, merge_facts(getattr(existing, name), getattr(incoming, name), rejected=rejected))
    return record


def _mostly_curated(record: StudyRecord) -> bool:
    """A record whose facts are curated is an authoritative source for its bibliographic fields too."""
    sources = [fact.provenance.source for facts in record.fact_lists().values() for fact in facts]
    return bool(sources) and all(source != "extracted" for source in sources)
