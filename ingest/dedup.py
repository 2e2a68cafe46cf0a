"""De-duplication: the same study read from several exports becomes one draft.

Two drafts are the same study when their DOIs match (compared with
:func:`facekg.records.normalise_doi`), else when their PMIDs match, else when
they have the same year and near-identical normalised titles (rapidfuzz
``token_sort_ratio`` at or above the threshold, default 95) with the same
numbers in them. When either year is missing, only an identical normalised
title of four words or more matches (still reason ``title-year``, score 100).
A title match is refused when both records carry a DOI (or a PMID) and the
identifiers differ: two DOIs are two publications, and a reviewer should link
them on purpose.

Work stays near linear: DOIs and PMIDs are looked up in dicts, and a title is
only compared with titles of the same year that share its first or its last
characters (two blocks, so one typo cannot hide a duplicate from both).

``existing`` lets a review update de-duplicate new exports against studies
already in the store; those are passed as light :class:`ExistingStudy` tuples.
Every merge is recorded with its reason so a reviewer can audit (and undo) it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from rapidfuzz import fuzz

from facekg.records import normalise_doi

from .readers.draft import StudyDraft

MergeReason = Literal["doi", "pmid", "title-year"]
DEFAULT_THRESHOLD = 95.0
_BLOCK_CHARS = 5
_MARKUP = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[\W_]+")


class ExistingStudy(NamedTuple):
    """A study already stored, reduced to what matching needs."""

    id: str
    doi: str | None
    pmid: str | None
    title: str
    year: int | None


@dataclass(frozen=True)
class Merge:
    """One merge: ``dropped`` was folded into ``kept`` for ``reason``; score is 100 for ids."""

    kept: StudyDraft | ExistingStudy
    dropped: StudyDraft
    reason: MergeReason
    score: float

    def describe(self) -> dict[str, object]:
        """The merge as a plain dict for the merge report."""
        return {
            "kept": _describe(self.kept),
            "dropped": _describe(self.dropped),
            "reason": self.reason,
            "score": round(self.score, 1),
            "message": _MESSAGES[self.reason].format(score=self.score),
        }


_MESSAGES: dict[str, str] = {
    "doi": "same DOI",
    "pmid": "same PMID",
    "title-year": "same year (or year missing) and titles {score:.1f}% alike (token sort ratio)",
}


def _describe(item: StudyDraft | ExistingStudy) -> dict[str, object]:
    if isinstance(item, ExistingStudy):
        return {"id": item.id, "title": item.title, "year": item.year, "doi": item.doi, "pmid": item.pmid}
    return {"origin": item.origin, "title": item.title, "year": item.year, "doi": item.doi,
            "pmid": item.pmid}


@dataclass
class DedupResult:
    """Unique drafts (merged where duplicates were found) and every merge made."""

    unique: list[StudyDraft]
    merges: list[Merge]

    def report(self) -> list[dict[str, object]]:
        """Every merge and why, one dict each, in the order the merges were made."""
        return [merge.describe() for merge in self.merges]


def normalise_title(title: str) -> str:
    """Title for comparison: no markup or diacritics, case-folded, punctuation as spaces."""
    text = _MARKUP.sub(" ", title).replace("&", " and ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


@dataclass
class _Cluster:
    draft: StudyDraft | None
    existing: ExistingStudy | None
    dois: set[str] = field(default_factory=set)
    pmids: set[str] = field(default_factory=set)

    @property
    def representative(self) -> StudyDraft | ExistingStudy:
        return self.existing if self.existing is not None else self.draft  # type: ignore[return-value]


class _Index:
    """Clusters found so far, indexed by DOI, PMID and title blocks."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.clusters: list[_Cluster] = []
        self.by_doi: dict[str, int] = {}
        self.by_pmid: dict[str, int] = {}
        self.by_block: dict[tuple[int, str], list[tuple[int, str]]] = {}
        self.by_title: dict[str, list[tuple[int, int | None]]] = {}

    def add(self, cluster: _Cluster) -> int:
        self.clusters.append(cluster)
        return len(self.clusters) - 1

    def index(self, position: int, doi: str | None, pmid: str | None, title: str, year: int | None) -> None:
        cluster = self.clusters[position]
        if doi:
            cluster.dois.add(doi)
            self.by_doi.setdefault(doi, position)
        if pmid:
            cluster.pmids.add(pmid)
            self.by_pmid.setdefault(pmid, position)
        normalised = normalise_title(title)
        if normalised:
            self.by_title.setdefault(normalised, []).append((position, year))
        if year is not None and normalised:
            for key in _blocks(normalised):
                self.by_block.setdefault((year, key), []).append((position, normalised))

    def find(self, doi: str | None, pmid: str | None, title: str,
             year: int | None) -> tuple[int, MergeReason, float] | None:
        if doi and doi in self.by_doi:
            return self.by_doi[doi], "doi", 100.0
        if pmid and pmid in self.by_pmid:
            return self.by_pmid[pmid], "pmid", 100.0
        normalised = normalise_title(title)
        if not normalised:
            return None
        for position, other_year in self.by_title.get(normalised, ()):
            # A missing year cannot contradict: an identical title is then enough.
            if ((year is None or other_year is None) and normalised.count(" ") >= 3
                    and not self._conflicts(position, doi, pmid)):
                return position, "title-year", 100.0
        if year is None:
            return None
        best: tuple[int, MergeReason, float] | None = None
        seen: set[tuple[int, str]] = set()
        for key in _blocks(normalised):
            for candidate in self.by_block.get((year, key), ()):
                if candidate in seen:
                    continue
                seen.add(candidate)
                position, other = candidate
                if self._conflicts(position, doi, pmid):
                    continue
                if _numbers(normalised) != _numbers(other):
                    continue  # "Part 1" and "Part 2", "cohort 5" and "cohort 405" are different papers
                score = fuzz.token_sort_ratio(normalised, other, score_cutoff=self.threshold)
                if score and (best is None or score > best[2]):
                    best = (position, "title-year", score)
        return best

    def _conflicts(self, position: int, doi: str | None, pmid: str | None) -> bool:
        cluster = self.clusters[position]
        return bool((doi and cluster.dois and doi not in cluster.dois)
                    or (pmid and cluster.pmids and pmid not in cluster.pmids))


def _blocks(normalised: str) -> tuple[str, str]:
    compact = normalised.replace(" ", "")
    return "^" + compact[:_BLOCK_CHARS], "$" + compact[-_BLOCK_CHARS:]


def _numbers(normalised: str) -> list[str]:
    return [token for token in normalised.split() if token.isdigit()]


def _richness(draft: StudyDraft) -> tuple[int, int, int, int]:
    filled = sum(bool(value) for value in (draft.authors, draft.year, draft.journal, draft.keywords,
                                           draft.full_text))
    return bool(draft.abstract), bool(draft.doi), bool(draft.pmid), filled


def combine(first: StudyDraft, second: StudyDraft) -> tuple[StudyDraft, StudyDraft, StudyDraft]:
    """Merge two drafts of one study: ``(merged, kept, dropped)``.

    The richer draft (abstract first, then DOI, PMID, other fields) is kept
    and gives every field it has; the other fills the gaps. Keywords are
    united; ``extra["merged_from"]`` lists the origins of all drafts merged.
    """
    kept, dropped = (second, first) if _richness(second) > _richness(first) else (first, second)
    update: dict[str, object] = {}
    for name in ("abstract", "authors", "year", "journal", "doi", "pmid", "full_text"):
        if not getattr(kept, name) and getattr(dropped, name):
            update[name] = getattr(dropped, name)
    keywords = list(dict.fromkeys([*kept.keywords, *dropped.keywords]))
    origins = [*kept.extra.get("merged_from", [kept.origin]), *dropped.extra.get("merged_from",
                                                                                 [dropped.origin])]
    update["keywords"] = keywords
    update["extra"] = {**dropped.extra, **kept.extra, "merged_from": list(dict.fromkeys(origins))}
    return kept.model_copy(update=update), kept, dropped


def deduplicate(drafts: Iterable[StudyDraft],
                existing: Iterable[ExistingStudy | tuple[str, str | None, str | None, str, int | None]] = (),
                threshold: float = DEFAULT_THRESHOLD) -> DedupResult:
    """One draft per study among ``drafts``, and none for studies in ``existing``.

    Drafts that duplicate an existing study are left out of ``unique`` and
    reported as merges whose ``kept`` is the :class:`ExistingStudy`; the
    loader can use ``dropped`` to fill fields the stored study lacks.
    ``unique`` keeps first-seen order.
    """
    index = _Index(threshold)
    for item in existing:
        study = ExistingStudy(*item)
        study = study._replace(doi=normalise_doi(study.doi), pmid=str(study.pmid) if study.pmid else None)
        position = index.add(_Cluster(draft=None, existing=study))
        index.index(position, study.doi, study.pmid, study.title, study.year)
    merges: list[Merge] = []
    order: list[int] = []
    for draft in drafts:
        found = index.find(draft.doi, draft.pmid, draft.title, draft.year)
        if found is None:
            position = index.add(_Cluster(draft=draft, existing=None))
            order.append(position)
        else:
            position, reason, score = found
            cluster = index.clusters[position]
            if cluster.existing is not None:
                merges.append(Merge(kept=cluster.existing, dropped=draft, reason=reason, score=score))
            else:
                assert cluster.draft is not None
                cluster.draft, kept, dropped = combine(cluster.draft, draft)
                merges.append(Merge(kept=kept, dropped=dropped, reason=reason, score=score))
        index.index(position, draft.doi, draft.pmid, draft.title, draft.year)
    unique = [merged for position in order if (merged := index.clusters[position].draft) is not None]
    return DedupResult(unique=unique, merges=merges)
