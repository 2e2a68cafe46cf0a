"""Which studies analyses count: the review's screening status, read from the graph, applied in one place.

The review workspace writes each study's resolved status into its
``screening`` section (``status``, ``review_reasons``; see
:mod:`review.service`). :func:`status_of` reads it (falling back, for a study
no reviewer has touched, to a single ``facekg decide`` decision and then to the
machine suggestion), and :func:`counted_studies` keeps what the rule counts:

- ``consensus``: only studies included by consensus (or by both reviewers agreeing);
- ``provisional``: also every study not excluded so far; the answer is labelled provisional.

:class:`CountedStore` wraps a graph store so that ``studies()`` and ``query()``
return only counted studies; the API wraps its store once, so every analysis
(catalogue, gaps, gap map, bias ledger, synthesis) and page counts the same
studies. The rule of the current request lives in a context variable
(:func:`counting_rule`), set by the API per request from ``counting=`` or the
``FACEKG_COUNTING`` setting. ``screening=excluded`` (or ``counted``, ``all``)
picks what listings show instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from facekg.errors import InvalidQuery
from facekg.records import ReviewUpdate, StudyRecord
from graph.mapping import GraphRows
from graph.store import GraphStats, GraphStore, StudyPage, StudyQuery, StudyVersion
from review.screening import COUNTED, COUNTING_RULES, CountingRule, Status
from review.workspace import revision_of

View = Literal["counted", "excluded", "all"]
VIEWS: tuple[View, ...] = get_args(View)


@dataclass
class Counting:
    """The rule and view of one request, and what the counting met (for the response's label)."""

    rule: CountingRule = "provisional"
    view: View = "counted"
    provisional_ids: set[str] = field(default_factory=set)
    # What kept answers counted, by reference: a kept answer of a large review notes every study it counted,
    # and copying those ids into this request's set on every read cost more than the read itself.
    noted: list[frozenset[str]] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_ids) or any(self.noted)

    def seen(self) -> frozenset[str]:
        """Every provisional study counted so far: by this request, and by the kept answers it read."""
        return frozenset(self.provisional_ids.union(*self.noted))


_CURRENT: ContextVar[Counting | None] = ContextVar("facekg_counting", default=None)


def status_of(study: StudyRecord) -> Status:
    """A study's screening status as the graph holds it."""
    screening = study.screening
    if screening is None:
        return "provisionally-included"
    if screening.status is not None:
        return screening.status
    if screening.decision == "exclude":
        return "excluded"
    if screening.suggestion == "exclude" and screening.decision is None:
        return "provisionally-excluded"
    return "provisionally-included"


def reasons_of(study: StudyRecord) -> list[str]:
    """Why a study was excluded: the review's reasons, else a single reviewer's own."""
    screening = study.screening
    if screening is None:
        return []
    if screening.review_reasons:
        return list(screening.review_reasons)
    return [item.get("evidence", "") for item in screening.reasons if item.get("criterion", "").startswith("reviewer:")]


def is_counted(study: StudyRecord, rule: CountingRule) -> bool:
    """Whether ``rule`` counts this study (retraction is decided elsewhere)."""
    return status_of(study) in COUNTED[rule]


def counted_studies(studies: Iterable[StudyRecord], rule: CountingRule | None = None,
                    view: View = "counted") -> list[StudyRecord]:
    """The one filter: the studies ``rule`` counts (``view="excluded"``: the excluded ones; ``"all"``: all).

    Without ``rule``, the current request's counting applies (default ``provisional``); the provisional
    studies met are noted there, for the response's label.
    """
    current = _CURRENT.get()
    if rule is None:
        rule = current.rule if current is not None else "provisional"
    if view == "all":
        return list(studies)
    if view == "excluded":
        return [study for study in studies if status_of(study) == "excluded"]
    kept = []
    for study in studies:
        status = status_of(study)
        if status in COUNTED[rule]:
            kept.append(study)
            if current is not None and status != "included":
                current.provisional_ids.add(study.id)
    return kept


def check_rule(value: str | None, default: CountingRule) -> CountingRule:
    """A ``counting=`` value, checked; empty: ``default``."""
    if not value:
        return default
    if value not in COUNTING_RULES:
        raise InvalidQuery("counting", f"{value!r} is not one of {', '.join(COUNTING_RULES)}")
    return value


def check_view(value: str | None) -> View:
    """A ``screening=`` value, checked; empty: ``counted``."""
    if not value:
        return "counted"
    if value not in VIEWS:
        raise InvalidQuery("screening", f"{value!r} is not one of {', '.join(VIEWS)}")
    return value


@contextmanager
def counting(rule: CountingRule, view: View = "counted") -> Iterator[Counting]:
    """Count under ``rule`` within the block (one API request)."""
    state = Counting(rule=rule, view=view)
    token = _CURRENT.set(state)
    try:
        yield state
    finally:
        _CURRENT.reset(token)


def current_counting() -> Counting | None:
    return _CURRENT.get()


def counting_variant(default: CountingRule = "provisional") -> tuple[str, str]:
    """The current request's (rule, view): what, besides the revisions, an answer depends on (cache keys, ETags)."""
    current = _CURRENT.get()
    return (current.rule, current.view) if current is not None else (default, "counted")


def provisional_seen() -> frozenset[str]:
    """The provisional studies counted so far in the current request (to keep with a cached answer)."""
    current = _CURRENT.get()
    return current.seen() if current is not None else frozenset()


def note_provisional(ids: Iterable[str]) -> None:
    """Note provisional studies counted by a kept answer, so a cached answer is labelled as a fresh one is."""
    current = _CURRENT.get()
    if current is not None:
        kept = ids if isinstance(ids, frozenset) else frozenset(ids)
        if kept and not any(kept is seen for seen in current.noted):  # a snapshot notes its set at every read
            current.noted.append(kept)


def unfiltered(store: GraphStore) -> GraphStore:
    """The store under a :class:`CountedStore` (PRISMA and the review itself see every study).

    A store that reads another (an answers snapshot) names it as ``snapshot_of``; the chain is followed.
    """
    seen: object = store
    while True:
        if isinstance(seen, CountedStore):
            return seen.inner
        source = getattr(seen, "snapshot_of", None)
        if source is None:
            return store
        seen = source


class CountedStore:
    """A :class:`graph.store.GraphStore` whose listings hold only the studies the current counting keeps.

    ``get`` and ``find`` still answer for every study (a study page, an excluded
    study's reasons); writes go to the wrapped store unchanged.
    """

    def __init__(self, inner: GraphStore, workspace: Path | str | None = None) -> None:
        self.inner = inner
        self.workspace = Path(workspace) if workspace is not None else None

    def revision(self) -> str:
        """The graph's revision and the review workspace's: a reviewer's write changes what counts."""
        review = revision_of(self.workspace) if self.workspace is not None else "0"
        return f"{self.inner.revision()}+review.{review}"

    def study_history(self, since_update: str | None = None) -> list[StudyVersion]:
        return self.inner.study_history(since_update)

    def studies_as_of(self, update_id: str) -> Iterator[StudyRecord]:
        return self.inner.studies_as_of(update_id)

    def _view(self) -> View:
        current = _CURRENT.get()
        return current.view if current is not None else "counted"

    def studies(self) -> Iterator[StudyRecord]:
        yield from counted_studies(self.inner.studies(), view=self._view())

    def query(self, query: StudyQuery) -> StudyPage:
        """The page among the studies the counting keeps. Every match is read to count them (the rule is in
        Python, over each study's screening), except for ``view="all"``, which keeps every match: the store's
        own page then."""
        if self._view() == "all":
            return self.inner.query(query)
        matching: list[StudyRecord] = []
        offset, size = 0, 1000
        while True:
            page = self.inner.query(query.model_copy(update={"offset": offset, "limit": size}))
            matching.extend(page.items)
            offset += size
            if offset >= page.total or not page.items:
                break
        kept = counted_studies(matching, view=self._view())
        return StudyPage(total=len(kept), items=kept[query.offset:query.offset + query.limit])

    def write(self, records: Sequence[StudyRecord], update: ReviewUpdate) -> None:
        self.inner.write(records, update)

    def write_ontology(self, rows: GraphRows) -> None:
        self.inner.write_ontology(rows)

    def get(self, study_id: str) -> StudyRecord:
        return self.inner.get(study_id)

    def find(self, *, doi: str | None, pmid: str | None, study_id: str | None) -> StudyRecord | None:
        return self.inner.find(doi=doi, pmid=pmid, study_id=study_id)

    def review_updates(self) -> list[ReviewUpdate]:
        return self.inner.review_updates()

    def stats(self) -> GraphStats:
        return self.inner.stats()

    def export_rows(self) -> GraphRows:
        return self.inner.export_rows()

    def clear(self) -> None:
        self.inner.clear()

    def check(self) -> None:
        self.inner.check()

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> object:
        # Backend extras (e.g. the embedded store's path) pass through.
        return getattr(self.inner, name)
