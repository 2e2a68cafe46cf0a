"""Answers computed once per store revision and kept: the analyses' rules stay where they are, this keeps results.

Every analysis in :mod:`analysis` reads the whole review (``store.studies()``), which at review scale costs
seconds. The review only changes when a write commits, and every write changes
:meth:`graph.store.GraphStore.revision`, so an answer computed at one revision holds until the next one.
:class:`Answers` keys each result by (revision, question, parameters) in a bounded LRU, and computes a
question over a :class:`RevisionSnapshot`: the studies read once per revision and shared by every question
asked of that revision. Nothing here depends on the backend, so both stores answer identically.

A write is noticed on the next read (the revision differs): the old revision's answers and snapshot are
dropped then, and the first question of the new revision recomputes. Answers of one question asked by
many clients at once are computed once (the others wait for it).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from analysis.bias import BiasReport, bias_reporting
from analysis.catalogue import (
    CauseSummary,
    ConditionDetail,
    ConditionSummary,
    StudyFilters,
    condition_detail,
    find_studies,
    list_causes,
    list_conditions,
)
from analysis.changes import UpdateChanges, review_changes
from analysis.counted import CountedStore, counting_variant, note_provisional, provisional_seen
from analysis.gapmap import GapMap, gap_map, render_gap_map
from analysis.gaps import EvidenceGapReport, GapThresholds, evidence_gaps
from analysis.overview import ReviewOverview, review_overview
from facekg.errors import StoreError
from facekg.kept_models import compact
from facekg.long_lived import long_lived
from facekg.records import ReviewUpdate, StudyRecord
from graph.mapping import GraphRows
from graph.store import GraphStats, GraphStore, StudyPage, StudyQuery, StudyVersion, ordered_matches, shared_studies
from ontology import Ontology

T = TypeVar("T")
DEFAULT_SIZE = 256


def store_revision(store: GraphStore) -> str:
    """The store's revision token (one rule for every caller: caches and ETags key on it)."""
    return store.revision()


def revision_files(store: GraphStore) -> list[Path] | None:
    """The SQLite files whose commits are all that change ``store.revision()``, or None when that is not known
    (Neo4j, a store in memory, a store type this does not know): then the revision is asked for each time."""
    inner = getattr(store, "inner", None)
    if inner is not None:  # a CountedStore: the graph's file and the review workspace's
        files = revision_files(inner)
        workspace = getattr(store, "workspace", None)
        return None if files is None or workspace is None else [*files, Path(workspace)]
    path = getattr(store, "path", None)
    if type(store).__name__ == "SqliteStore" and isinstance(path, Path):
        return [path]
    return None


class RevisionWatch:
    """``store.revision()``, asked again only after a commit to one of its SQLite files.

    Each file is watched through one kept connection's ``PRAGMA data_version`` (which changes when another
    connection commits) and the file's identity (a file replaced or created is a change too), so a read
    costs a ``stat`` and a pragma per file instead of opening the files and querying them.
    """

    def __init__(self, store: GraphStore, files: list[Path]) -> None:
        self._store = store
        self._files = files
        self._connections: dict[Path, tuple[tuple[int, int], sqlite3.Connection]] = {}
        self._lock = threading.Lock()
        self._seen: tuple[object, ...] | None = None
        self._value: str | None = None
        self.reads = 0  # times the store itself was asked (tests and benchmarks)

    def _state(self, path: Path) -> object:
        try:
            info = path.stat()
        except OSError:
            return "absent"
        identity = (info.st_dev, info.st_ino)
        kept = self._connections.get(path)
        if kept is None or kept[0] != identity:
            if kept is not None:
                kept[1].close()
            try:
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            except sqlite3.Error:
                return ("unreadable", info.st_mtime_ns)
            self._connections[path] = kept = (identity, conn)
        try:
            version = kept[1].execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return ("unreadable", info.st_mtime_ns)
        return (identity, version)

    def revision(self) -> str:
        with self._lock:
            state = tuple(self._state(path) for path in self._files)
            if state == self._seen and self._value is not None:
                return self._value
        value = store_revision(self._store)  # read after the state: a commit in between is seen next time
        with self._lock:
            self._seen, self._value = state, value
            self.reads += 1
        return value


def revision_watch(store: GraphStore) -> RevisionWatch | None:
    """A watch over ``store``'s revision when its files are known (see :func:`revision_files`)."""
    files = revision_files(store)
    return RevisionWatch(store, files) if files else None


class RevisionSnapshot:
    """A read-only view of the store whose ``studies()`` are read once, on first use, and kept.

    Other reads go to the store itself (they are indexed lookups there); writes are refused, because
    a snapshot answers questions and never changes the review. With ``query_kept``, ``query`` filters the
    kept studies in memory (:func:`graph.store.ordered_matches`): for a snapshot that every counting variant
    pages through in full, that is one read of the store instead of one per page, and the matches of recent
    filters are kept too, so the next page of a listing is a slice, not another sort of every study.
    """

    KEPT_FILTERS = 32

    def __init__(self, store: GraphStore, *, query_kept: bool = False) -> None:
        self._store = store
        self._query_kept = query_kept
        self._studies: list[StudyRecord] | None = None
        self._provisional: frozenset[str] = frozenset()
        self._matches: OrderedDict[str, list[StudyRecord]] = OrderedDict()  # filters -> ordered matches
        self._lock = threading.Lock()

    @property
    def snapshot_of(self) -> GraphStore:
        """The store this snapshot reads (see :func:`analysis.counted.unfiltered`)."""
        return self._store

    def write(self, records: Sequence[StudyRecord], update: ReviewUpdate) -> None:
        raise StoreError("a revision snapshot is read-only")

    def write_ontology(self, rows: GraphRows) -> None:
        raise StoreError("a revision snapshot is read-only")

    def clear(self) -> None:
        raise StoreError("a revision snapshot is read-only")

    def studies(self) -> Iterator[StudyRecord]:
        return iter(self._kept())

    def _kept(self) -> list[StudyRecord]:
        with self._lock:
            if self._studies is None:
                before = provisional_seen()
                with long_lived():
                    studies = []
                    for study in shared_studies(self._store):
                        compact(study)  # as each is read, so the next reuses the memory its sets gave back
                        studies.append(study)
                    self._studies = studies
                self._provisional = provisional_seen() - before
        note_provisional(self._provisional)  # each reader counts what the first one counted
        return self._studies

    def get(self, study_id: str) -> StudyRecord:
        return self._store.get(study_id)

    def find(self, *, doi: str | None, pmid: str | None, study_id: str | None) -> StudyRecord | None:
        return self._store.find(doi=doi, pmid=pmid, study_id=study_id)

    def query(self, query: StudyQuery) -> StudyPage:
        if not self._query_kept:
            return self._store.query(query)
        studies = self._kept()
        filters = query.model_dump_json(exclude={"offset", "limit"})
        with self._lock:
            found = self._matches.get(filters)
            if found is not None:
                self._matches.move_to_end(filters)
        if found is None:
            found = ordered_matches(studies, query)
            with self._lock:
                self._matches[filters] = found
                while len(self._matches) > self.KEPT_FILTERS:
                    self._matches.popitem(last=False)
        return StudyPage(total=len(found), items=found[query.offset:query.offset + query.limit])

    def review_updates(self) -> list[ReviewUpdate]:
        return self._store.review_updates()

    def stats(self) -> GraphStats:
        return self._store.stats()

    def export_rows(self) -> GraphRows:
        return self._store.export_rows()

    def revision(self) -> str:
        return store_revision(self._store)

    def study_history(self, since_update: str | None = None) -> list[StudyVersion]:
        return self._store.study_history(since_update)

    def studies_as_of(self, update_id: str) -> Iterator[StudyRecord]:
        return self._store.studies_as_of(update_id)

    def check(self) -> None:
        self._store.check()

    def close(self) -> None:
        """Nothing to release: the store belongs to its owner."""


class Answers:
    """The review's answers, each computed at most once per store revision (LRU of ``size`` answers)."""

    def __init__(self, store: GraphStore, ontology: Ontology, *, cache_dir: Path | str | None = None,
                 size: int = DEFAULT_SIZE) -> None:
        self.store = store
        self.ontology = ontology
        self.cache_dir = cache_dir
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._inflight: dict[Hashable, threading.Lock] = {}
        self._revision: str | None = None
        self._snapshots: dict[tuple[str, str], RevisionSnapshot] = {}
        self._every_study: RevisionSnapshot | None = None  # the uncounted studies, read once, shared by variants
        self.computed = 0  # answers computed (misses), for tests and benchmarks
        self.built: Counter[str] = Counter()  # answers computed, by question (the export build counter)
        self._watch = revision_watch(store)

    # -- the machinery --
    @property
    def watched(self) -> bool:
        """Whether :meth:`revision` is cheap (a stat and a pragma, see :class:`RevisionWatch`), not a query."""
        return self._watch is not None

    @property
    def revision_cheap(self) -> bool:
        """Whether :meth:`revision` answers now without a query: :attr:`watched`, or a revision the store keeps
        for a bounded time (the Neo4j store's, :mod:`graph.neo4j_revision`), so a request need not hop to a thread."""
        return self.watched or getattr(self.store, "revision_kept", False) is True

    def revision(self) -> str:
        """The store's current revision; seeing a new one drops every answer of the old."""
        revision = self._watch.revision() if self._watch is not None else store_revision(self.store)
        with self._lock:
            if revision != self._revision:
                self._entries.clear()
                self._snapshots.clear()
                self._every_study = None
                self._revision = revision
        return revision

    def forget(self) -> None:
        """Drop every kept answer and the snapshot (benchmarks measure the cost of recomputing with it)."""
        with self._lock:
            self._entries.clear()
            self._snapshots.clear()
            self._every_study = None

    def answer(self, question: str, params: Hashable, compute: Callable[[GraphStore], T]) -> T:
        """``compute(snapshot)`` for this question and parameters at the current revision, kept until the next.

        Answers are also kept apart by the request's counting rule and view (:mod:`analysis.counted`), and
        remember which provisional studies they counted, so a kept answer is labelled as a fresh one.
        Errors (unknown ids, bad parameters) are raised each time and never kept.
        """
        revision = self.revision()
        key = (revision, counting_variant(), question, params)
        found, value = self._lookup(key)
        if found:
            return value
        with self._lock:
            flight = self._inflight.setdefault(key, threading.Lock())
        with flight:
            found, value = self._lookup(key)
            if found:
                return value
            try:
                before = provisional_seen()
                value = compute(self.snapshot(revision))
                compact(value)  # kept and shared by every request of the revision: read-only from here
                self._keep(key, (value, provisional_seen() - before))
            finally:
                with self._lock:
                    self._inflight.pop(key, None)
            return value

    def kept(self, question: str, params: Hashable) -> tuple[bool, Any]:
        """(True, answer) when this question's answer at the current revision is kept, else (False, None);
        computes nothing (an ``async`` route asks this before it hops to a thread to compute)."""
        return self._lookup((self.revision(), counting_variant(), question, params))

    def snapshot(self, revision: str | None = None) -> RevisionSnapshot:
        """The snapshot every question of this revision reads (its studies are read on first use)."""
        revision = revision or self.revision()
        variant = counting_variant()
        with self._lock:
            if revision != self._revision:  # a newer revision was seen meanwhile: answer from a fresh one
                return RevisionSnapshot(self.store)
            if variant not in self._snapshots:
                self._snapshots[variant] = RevisionSnapshot(self._counted_view())
            return self._snapshots[variant]

    def _counted_view(self) -> GraphStore:
        """What a variant's snapshot reads: the counting over one shared read of every study.

        Each counting variant keeps only references into that one read, and questions that see every
        study (PRISMA, the review, through :func:`analysis.counted.unfiltered`) reuse it too, so a
        revision's studies are held in memory once, not once per variant and once more uncounted.
        """
        if not isinstance(self.store, CountedStore):
            return self.store
        if self._every_study is None:
            self._every_study = RevisionSnapshot(self.store.inner, query_kept=True)
        return CountedStore(self._every_study, self.store.workspace)

    def _lookup(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                value, provisional = self._entries[key]
            else:
                return False, None
        note_provisional(provisional)
        return True, value

    def _keep(self, key: Hashable, value: Any) -> None:
        with self._lock:
            if not isinstance(key, tuple) or key[0] != self._revision:
                return  # computed for a revision that has been superseded meanwhile
            self.computed += 1
            self.built[str(key[2])] += 1
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    # -- the questions --
    def reflects(self) -> ReviewUpdate | None:
        """The review update the answers reflect: the latest one (None before the first load)."""
        def latest(store: GraphStore) -> ReviewUpdate | None:
            updates = store.review_updates()
            return updates[-1] if updates else None
        return self.answer("reflects", None, latest)

    def updates(self) -> list[ReviewUpdate]:
        """Every review update, oldest first."""
        return self.answer("updates", None, lambda store: store.review_updates())

    def changes(self, since: str | None = None) -> list[UpdateChanges]:
        """What each update after ``since`` (an update id or a date) changed, oldest first."""
        return self.answer("changes", since, lambda store: review_changes(store, since))

    def studies(self, filters: StudyFilters) -> StudyPage:
        """One page of the study list (the store pages; pages already asked for are kept)."""
        return self.answer("studies", filters.model_dump_json(),
                           lambda snapshot: find_studies(snapshot, self.ontology, filters))

    def conditions(self) -> list[ConditionSummary]:
        return self.answer("conditions", None, lambda store: list_conditions(store, self.ontology))

    def causes(self) -> list[CauseSummary]:
        return self.answer("causes", None, lambda store: list_causes(store, self.ontology))

    def condition(self, condition_id: str) -> ConditionDetail:
        return self.answer("condition", condition_id,
                           lambda store: condition_detail(store, self.ontology, condition_id))

    def overview(self) -> ReviewOverview:
        return self.answer("overview", None, lambda store: review_overview(store, self.ontology))

    def evidence_gaps(self, *, universe: str = "protocol", cause: str | None = None, rule: str | None = None,
                      thresholds: GapThresholds | None = None,
                      include_retracted: bool = False) -> EvidenceGapReport:
        resolved = thresholds or GapThresholds()
        params = (universe, cause, rule, resolved.model_dump_json(), include_retracted)
        return self.answer("evidence_gaps", params, lambda store: evidence_gaps(
            store, self.ontology, universe_name=universe, cause=cause, rule=rule, thresholds=resolved,
            include_retracted=include_retracted, cache_dir=self.cache_dir))

    def bias(self, *, condition: str | None = None, attribute: str | None = None,
             include_retracted: bool = False) -> BiasReport:
        return self.answer("bias", (condition, attribute, include_retracted), lambda store: bias_reporting(
            store, self.ontology, condition=condition, attribute=attribute, include_retracted=include_retracted))

    def gap_map(self, *, rows: str = "condition", cols: str = "architecture", thresholds: GapThresholds | None = None,
                include_retracted: bool = False) -> GapMap:
        resolved = thresholds or GapThresholds()
        params = (rows, cols, resolved.model_dump_json(), include_retracted)
        return self.answer("gap_map", params, lambda store: gap_map(
            store, self.ontology, rows=rows, cols=cols, thresholds=resolved, include_retracted=include_retracted))

    def gap_map_picture(self, fmt: str, **params: Any) -> bytes:
        """The gap map drawn as SVG or PNG, drawn once per revision (drawing costs a second of CPU)."""
        gmap = self.gap_map(**params)
        return self.picture(("gap_map", fmt, gmap.rows_kind, gmap.cols_kind, gmap.thresholds.model_dump_json(),
                             gmap.include_retracted), lambda: render_gap_map(gmap, fmt))

    def picture(self, params: Hashable, draw: Callable[[], bytes]) -> bytes:
        """A picture of this revision, drawn once by ``draw`` and kept."""
        return self.answer("picture", params, lambda _snapshot: draw())
