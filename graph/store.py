"""The storage contract every graph backend implements.

Backends implement :class:`GraphStore`: :class:`graph.sqlite_store.SqliteStore` (embedded, the
zero-setup default), :class:`graph.neo4j_store.Neo4jStore`, and the in-memory
:class:`graph.networkx_store.NetworkxStore` (a review as of an update, old graph files).
Both store the same nodes and edges (their rules in :mod:`graph.schema`, the
rows built once in :mod:`graph.mapping`) and pass the same contract suite
(``tests/test_store_contract.py``). Domain logic (merging, gaps, bias reporting)
lives above this interface and never touches a backend directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field

from facekg.records import ReviewUpdate, StudyRecord
from graph.mapping import GraphRows


class ListingOptions(BaseModel):
    """Filters on a study's own fields and the page wanted: shared by the store query and the user's filters.

    ``text`` is a case-insensitive substring of the title or abstract.
    """

    deep_learning_only: bool = False
    year_from: int | None = None
    year_to: int | None = None
    text: str | None = None
    include_retracted: bool = False
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=1000)


class StudyQuery(ListingOptions):
    """Filters for listing studies. Concept sets are already expanded by the caller.

    ``condition_ids`` / ``architecture_ids``: a study matches when it has a
    condition (architecture) whose concept id is in the set.
    """

    condition_ids: frozenset[str] | None = None
    architecture_ids: frozenset[str] | None = None


class StudyPage(BaseModel):
    """One page of studies, ordered by year (newest first) then id, with the total count."""

    total: int
    items: list[StudyRecord]


class StudyVersion(BaseModel):
    """A study as one review update left it; ``record`` is None when that update removed the study."""

    study_id: str
    update_id: str
    record: StudyRecord | None


def history_order(updates: Sequence[ReviewUpdate]) -> dict[str, int]:
    """Each update's place in the review's history (oldest first, ties by id): the order versions follow."""
    ranked = sorted(updates, key=lambda u: (u.created_at, u.id))
    return {update.id: place for place, update in enumerate(ranked)}


def matches(record: StudyRecord, query: StudyQuery) -> bool:
    """Whether ``record`` passes ``query``'s filters, in Python: the rule the stores' SQL and Cypher implement
    (the contract suite holds them to the same answers)."""
    if record.retracted and not query.include_retracted:
        return False
    if query.deep_learning_only and record.is_deep_learning is not True:
        return False
    if query.year_from is not None and (record.year is None or record.year < query.year_from):
        return False
    if query.year_to is not None and (record.year is None or record.year > query.year_to):
        return False
    if query.condition_ids is not None and not any(
            c.concept_id in query.condition_ids for c in record.conditions):
        return False
    if query.architecture_ids is not None and not any(
            a.concept_id in query.architecture_ids for a in record.architectures):
        return False
    if query.text:
        haystack = f"{record.title}\n{record.abstract or ''}".casefold()
        if query.text.casefold() not in haystack:
            return False
    return True


def ordered_matches(records: Iterable[StudyRecord], query: StudyQuery) -> list[StudyRecord]:
    """Every record that passes ``query``'s filters (paging aside), ordered as every store orders its pages:
    newest year first, then id."""
    return sorted((r for r in records if matches(r, query)), key=lambda r: (-(r.year or 0), r.id))


def page_of(records: Iterable[StudyRecord], query: StudyQuery) -> StudyPage:
    """``query``'s page of ``records``, ordered as every store orders (newest year first, then id)."""
    found = ordered_matches(records, query)
    return StudyPage(total=len(found), items=found[query.offset:query.offset + query.limit])


class GraphStats(BaseModel):
    nodes: dict[str, int]
    edges: dict[str, int]
    studies: int
    review_updates: int


@runtime_checkable
class GraphStore(Protocol):
    """A knowledge-graph store for studies, their facts and the ontology's concepts."""

    def write(self, records: Sequence[StudyRecord], update: ReviewUpdate) -> None:
        """Replace each record's study subgraph and record ``update``, all or nothing.

        Records are matched on ``id``; callers merge with existing records first
        (see :func:`ingest.load.load_records`). Writing the same records twice
        leaves the graph identical.
        """
        ...

    def write_ontology(self, rows: GraphRows) -> None:
        """Upsert concept nodes and their hierarchy edges (idempotent)."""
        ...

    def get(self, study_id: str) -> StudyRecord:
        """The study with this id; raises :class:`facekg.errors.NotFound`."""
        ...

    def find(self, *, doi: str | None, pmid: str | None, study_id: str | None) -> StudyRecord | None:
        """The stored study with this DOI, else this PMID, else this id, or None."""
        ...

    def studies(self) -> Iterator[StudyRecord]:
        """Every stored study (retracted included), ordered by id."""
        ...

    def query(self, query: StudyQuery) -> StudyPage:
        """Studies matching ``query``, paged."""
        ...

    def review_updates(self) -> list[ReviewUpdate]:
        """Every review update, oldest first."""
        ...

    def revision(self) -> str:
        """An opaque token that changes whenever a write, ``write_ontology`` or ``clear`` commits.

        It stays equal otherwise and is the same in every process reading the same
        data, so caches (materialised analyses, ETags) key on it.
        """
        ...

    def study_history(self, since_update: str | None = None) -> list[StudyVersion]:
        """The study versions written by updates after ``since_update`` (all with None), oldest first.

        One version per study and update (the last that update wrote), ordered by the
        update's place in :meth:`review_updates` then by study id. An unknown
        ``since_update`` raises :class:`facekg.errors.NotFound`.
        """
        ...

    def studies_as_of(self, update_id: str) -> Iterator[StudyRecord]:
        """The studies as the graph stood after ``update_id`` (ordered by id); unknown id -> ``NotFound``."""
        ...

    def stats(self) -> GraphStats:
        """Node counts by label and edge counts by type."""
        ...

    def export_rows(self) -> GraphRows:
        """Every node and edge, sorted, for export and for syncing stores."""
        ...

    def clear(self) -> None:
        """Remove everything."""
        ...

    def check(self) -> None:
        """Raise :class:`facekg.errors.StoreUnavailable` when the store cannot answer."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
