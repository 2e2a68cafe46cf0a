"""Answers "as of" an earlier review update: the graph as it stood after that update, materialised and kept.

A store keeps every version of every study (:meth:`graph.store.GraphStore.studies_as_of`), so the review as
it stood after update ``U`` can be rebuilt: an in-memory :class:`graph.networkx_store.NetworkxStore` holding
the ontology, the updates up to ``U`` and the studies as ``U`` left them. Every analysis then runs over that
store unchanged, through its own :class:`analysis.answers.Answers`, so an answer as of ``U`` is computed by
the same code as today's and is kept like today's.

:class:`AsOfAnswers` keeps the materialised reviews per (store revision, update) in a small LRU: a write to
the live store (a new update, or a clear that rewrites history) drops them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from analysis.answers import Answers
from facekg.errors import InvalidQuery
from facekg.records import ReviewUpdate
from graph.networkx_store import NetworkxStore
from graph.ontology_rows import ontology_rows
from graph.store import GraphStore
from ontology import Ontology

AS_OF = "as_of"
DEFAULT_KEPT = 8


def resolve_update(updates: list[ReviewUpdate], update_id: str, parameter: str = AS_OF) -> ReviewUpdate:
    """The update named ``update_id``; :class:`InvalidQuery` naming ``parameter`` when there is none."""
    for update in updates:
        if update.id == update_id:
            return update
    known = ", ".join(u.id for u in updates[-3:]) or "none yet"
    raise InvalidQuery(parameter, f"{update_id!r} names no review update (latest: {known}; "
                                  "GET /v1/updates lists them all)")


def materialise(store: GraphStore, ontology: Ontology, update: ReviewUpdate) -> NetworkxStore:
    """An in-memory store holding the review as it stood after ``update`` (read-only by convention)."""
    updates = store.review_updates()
    place = [u.id for u in updates].index(update.id)
    frozen = NetworkxStore(None)
    frozen.write_ontology(ontology_rows(ontology))
    for earlier in updates[:place]:
        frozen.write([], earlier)  # the update nodes first: facts' provenance points at them
    frozen.write(list(store.studies_as_of(update.id)), update)
    return frozen


class AsOfAnswers:
    """Today's :class:`Answers` plus one per earlier update asked about, each over its materialised review."""

    def __init__(self, live: Answers, *, kept: int = DEFAULT_KEPT, pins: Callable[[str], str] | None = None) -> None:
        self.live = live
        self.pins = pins or (lambda name: name)  # other names for updates (release versions) -> update ids
        self.kept = kept
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], Answers] = OrderedDict()
        self.materialised = 0  # reviews rebuilt (misses), for tests and benchmarks

    @property
    def store(self) -> GraphStore:
        return self.live.store

    def update(self, update_id: str, parameter: str = AS_OF) -> ReviewUpdate:
        """The review update ``update_id`` (or a name :attr:`pins` knows) names; ``InvalidQuery`` naming
        ``parameter`` when none."""
        return resolve_update(self.live.updates(), self.pins(update_id), parameter)

    def answers(self, update_id: str | None) -> Answers:
        """The answers as of ``update_id`` (today's for None or the latest update)."""
        if update_id is None:
            return self.live
        update = self.update(update_id)
        latest = self.live.reflects()
        if latest is not None and latest.id == update.id:
            return self.live
        key = (self.live.revision(), update.id)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        frozen = materialise(self.live.store, self.live.ontology, update)
        made = Answers(frozen, self.live.ontology, cache_dir=self.live.cache_dir, size=self.live.size)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:  # another request built it meanwhile
                return found
            for stale in [k for k in self._entries if k[0] != key[0]]:
                del self._entries[stale]
            self._entries[key] = made
            self.materialised += 1
            while len(self._entries) > self.kept:
                self._entries.popitem(last=False)
        return made

