"""The embedded graph store: a networkx MultiDiGraph persisted atomically to one JSON file.

This is the zero-setup default backend and a real one: it holds the same nodes
and edges as Neo4j (built by :mod:`graph.mapping`) and passes the same contract
suite. Every write is applied to a copy, written to a temporary file, fsynced
and renamed over the old file; only then does the in-memory graph change, so a
failed write leaves both the file and the graph as they were.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from facekg.errors import NotFound, StoreError
from facekg.records import ReviewUpdate, StudyRecord, normalise_doi
from graph.mapping import EdgeRow, GraphRows, NodeRow, record_from_rows, record_rows, update_from_props, update_row
from graph.schema import (
    FACT_EDGE_TYPES,
    OWNED_LABELS,
    UNMAPPED_KEY_MARK,
    Label,
    label_conflict,
    merge_props,
    missing_review_update,
    study_key,
    update_key,
)
from graph.store import GraphStats, StudyPage, StudyQuery, StudyVersion, history_order, page_of

FILE_NAME = "facekg-graph.json"
FORMAT_VERSION = 1

# (study id, update id) -> the study's JSON as that update left it (None: removed).
Versions = dict[tuple[str, str], dict[str, Any] | None]


class NetworkxStore:
    """A :class:`graph.store.GraphStore` kept in memory and in ``<data_dir>/facekg-graph.json``.

    With ``data_dir=None`` the store lives in memory only (tests, benchmarks).
    The file is re-read when another process (the CLI) has replaced it.
    """

    def __init__(self, data_dir: Path | str | None) -> None:
        self._path = Path(data_dir) / FILE_NAME if data_dir is not None else None
        self._graph = nx.MultiDiGraph()
        self._loaded_mtime: float | None = None
        self._versions: Versions = {}
        self._generation = uuid.uuid4().hex
        self._counter = 0
        self._lock = threading.RLock()
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._reload_if_changed()

    @property
    def path(self) -> Path | None:
        return self._path

    # -- persistence -------------------------------------------------------
    def _reload_if_changed(self) -> None:
        if self._path is None or not self._path.exists():
            return
        mtime = self._path.stat().st_mtime_ns
        if mtime == self._loaded_mtime:
            return
        try:
            payload = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StoreError(f"cannot read graph file {self._path}: {exc}") from exc
        if payload.get("format") != FORMAT_VERSION:
            raise StoreError(f"graph file {self._path} has format {payload.get('format')!r}, "
                             f"expected {FORMAT_VERSION}; re-load the corpus into a new FACEKG_DATA_DIR")
        graph = nx.MultiDiGraph()
        for node in payload["nodes"]:
            graph.add_node(node["key"], label=node["label"], props=node["props"])
        for edge in payload["edges"]:
            graph.add_edge(edge["source"], edge["target"], key=_edge_id(edge["type"], edge["props"]),
                           type=edge["type"], props=edge["props"])
        self._graph = graph
        self._versions = _versions_of(payload.get("history"), graph)
        self._generation = str(payload.get("generation") or uuid.uuid5(uuid.NAMESPACE_URL, str(self._path)).hex)
        self._counter = int(payload.get("revision") or 0)
        self._loaded_mtime = mtime

    def _commit(self, graph: nx.MultiDiGraph, versions: Versions) -> None:
        """Persist ``graph`` and the history atomically, then make them the live ones."""
        counter = self._counter + 1
        if self._path is not None:
            payload = {"format": FORMAT_VERSION, "generation": self._generation, "revision": counter,
                       "history": [{"study_id": sid, "update_id": uid, "record": rec}
                                   for (sid, uid), rec in sorted(versions.items())],
                       **_rows_of(graph).sorted().as_jsonable()}
            fd, tmp = tempfile.mkstemp(prefix=".facekg-graph.", suffix=".tmp", dir=self._path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(payload, handle, ensure_ascii=False, sort_keys=True)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self._path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._loaded_mtime = self._path.stat().st_mtime_ns
        self._graph = graph
        self._versions = versions
        self._counter = counter

    # -- writes --------------------------------------------------------------
    def write(self, records: Sequence[StudyRecord], update: ReviewUpdate) -> None:
        with self._lock:
            self._reload_if_changed()
            graph = self._graph.copy()
            versions = dict(self._versions)
            row = update_row(update)
            _merge_node(graph, row)
            for record in records:
                versions[(record.id, update.id)] = record.model_dump(mode="json")
                _remove_study(graph, record.id)
                rows = record_rows(record)
                for node in rows.nodes:
                    _merge_node(graph, node)
                for edge in rows.edges:
                    if edge.target not in graph:
                        raise missing_review_update(record.id, edge.target)
                    graph.add_edge(edge.source, edge.target, key=_edge_id(edge.type, edge.props),
                                   type=edge.type, props=dict(edge.props))
            _drop_orphan_concepts(graph)
            self._commit(graph, versions)

    def write_ontology(self, rows: GraphRows) -> None:
        with self._lock:
            self._reload_if_changed()
            graph = self._graph.copy()
            for node in rows.nodes:
                _merge_node(graph, node)
            for edge in rows.edges:
                graph.add_edge(edge.source, edge.target, key=_edge_id(edge.type, edge.props),
                               type=edge.type, props=dict(edge.props))
            self._commit(graph, self._versions)

    def clear(self) -> None:
        with self._lock:
            self._reload_if_changed()
            self._commit(nx.MultiDiGraph(), {})

    # -- reads ---------------------------------------------------------------
    def get(self, study_id: str) -> StudyRecord:
        with self._lock:
            self._reload_if_changed()
            key = study_key(study_id)
            if key not in self._graph:
                raise NotFound("study", study_id)
            return self._record(key)

    def find(self, *, doi: str | None, pmid: str | None, study_id: str | None) -> StudyRecord | None:
        doi = normalise_doi(doi)
        with self._lock:
            self._reload_if_changed()
            studies = [(key, data["props"]) for key, data in self._graph.nodes(data=True)
                       if data["label"] == Label.STUDY]
            for field_name, wanted in (("doi", doi), ("pmid", pmid), ("id", study_id)):
                if not wanted:
                    continue
                for key, props in sorted(studies):
                    if props.get(field_name) == wanted:
                        return self._record(key)
            return None

    def studies(self) -> Iterator[StudyRecord]:
        with self._lock:
            self._reload_if_changed()
            keys = sorted(key for key, data in self._graph.nodes(data=True) if data["label"] == Label.STUDY)
            records = [self._record(key) for key in keys]
        yield from records

    def query(self, query: StudyQuery) -> StudyPage:
        return page_of(self.studies(), query)

    def review_updates(self) -> list[ReviewUpdate]:
        with self._lock:
            self._reload_if_changed()
            updates = [update_from_props(data["props"]) for _key, data in self._graph.nodes(data=True)
                       if data["label"] == Label.REVIEW_UPDATE]
        return sorted(updates, key=lambda u: (u.created_at, u.id))

    def revision(self) -> str:
        with self._lock:
            self._reload_if_changed()
            return f"{self._generation}:{self._counter}"

    def study_history(self, since_update: str | None = None) -> list[StudyVersion]:
        with self._lock:
            self._reload_if_changed()
            order = history_order(self.review_updates())
            versions = dict(self._versions)
        floor = -1 if since_update is None else _place(order, since_update)
        chosen = sorted(((order[uid], sid), uid, rec) for (sid, uid), rec in versions.items()
                        if uid in order and order[uid] > floor)
        return [StudyVersion(study_id=sid, update_id=uid,
                             record=None if rec is None else StudyRecord.model_validate(rec))
                for (_place_, sid), uid, rec in chosen]

    def studies_as_of(self, update_id: str) -> Iterator[StudyRecord]:
        with self._lock:
            self._reload_if_changed()
            order = history_order(self.review_updates())
            versions = dict(self._versions)
        ceiling = _place(order, update_id)
        latest: dict[str, tuple[int, dict[str, Any] | None]] = {}
        for (sid, uid), rec in versions.items():
            place = order.get(uid)
            if place is None or place > ceiling:
                continue
            if sid not in latest or latest[sid][0] < place:
                latest[sid] = (place, rec)
        for sid in sorted(latest):
            rec = latest[sid][1]
            if rec is not None:
                yield StudyRecord.model_validate(rec)

    def stats(self) -> GraphStats:
        with self._lock:
            self._reload_if_changed()
            nodes = Counter(data["label"] for _key, data in self._graph.nodes(data=True))
            edges = Counter(data["type"] for *_ends, data in self._graph.edges(data=True))
        return GraphStats(nodes=dict(sorted(nodes.items())), edges=dict(sorted(edges.items())),
                          studies=nodes.get(Label.STUDY, 0), review_updates=nodes.get(Label.REVIEW_UPDATE, 0))

    def export_rows(self) -> GraphRows:
        with self._lock:
            self._reload_if_changed()
            return _rows_of(self._graph).sorted()

    def check(self) -> None:
        with self._lock:
            self._reload_if_changed()

    def close(self) -> None:
        """Nothing to release: every write is already on disk."""

    # -- helpers -------------------------------------------------------------
    def _record(self, key: str) -> StudyRecord:
        props = self._graph.nodes[key]["props"]
        fact_edges = [(data["type"], data["props"]) for _s, _t, data in self._graph.out_edges(key, data=True)
                      if data["type"] in FACT_EDGE_TYPES]
        return record_from_rows(props, fact_edges)


def _place(order: dict[str, int], update_id: str) -> int:
    if update_id not in order:
        raise NotFound("review update", update_id)
    return order[update_id]


def _versions_of(history: list[dict[str, Any]] | None, graph: nx.MultiDiGraph) -> Versions:
    """The stored history; a file written before history was kept gets each study at the update it names."""
    if history is not None:
        return {(str(v["study_id"]), str(v["update_id"])): v["record"] for v in history}
    versions: Versions = {}
    for key, data in graph.nodes(data=True):
        if data["label"] != Label.STUDY:
            continue
        update_id = data["props"].get("review_update")
        if update_id and update_key(str(update_id)) in graph:
            fact_edges = [(d["type"], d["props"]) for _s, _t, d in graph.out_edges(key, data=True)
                          if d["type"] in FACT_EDGE_TYPES]
            record = record_from_rows(data["props"], fact_edges)
            versions[(record.id, str(update_id))] = record.model_dump(mode="json")
    return versions


def _edge_id(edge_type: str, props: dict[str, Any]) -> str:
    ordinal = props.get("ordinal")
    return edge_type if ordinal is None else f"{edge_type}:{ordinal}"


def _merge_node(graph: nx.MultiDiGraph, node: NodeRow) -> None:
    if node.key in graph:
        existing = graph.nodes[node.key]
        if existing["label"] != node.label:
            raise label_conflict(node.key, existing["label"], node.label)
        existing["props"] = merge_props(existing["props"], node.props)
    else:
        graph.add_node(node.key, label=node.label, props=dict(node.props))


def _remove_study(graph: nx.MultiDiGraph, study_id: str) -> None:
    key = study_key(study_id)
    if key not in graph:
        return
    owned = [target for _s, target, data in graph.out_edges(key, data=True)
             if graph.nodes[target]["label"] in OWNED_LABELS]
    graph.remove_nodes_from([key, *owned])


def _drop_orphan_concepts(graph: nx.MultiDiGraph) -> None:
    """Unmapped concept nodes exist only through the studies that name them."""
    orphans = [key for key, data in graph.nodes(data=True)
               if UNMAPPED_KEY_MARK in key and graph.in_degree(key) == 0]
    graph.remove_nodes_from(orphans)


def _rows_of(graph: nx.MultiDiGraph) -> GraphRows:
    return GraphRows(
        nodes=[NodeRow(key, data["label"], dict(data["props"])) for key, data in graph.nodes(data=True)],
        edges=[EdgeRow(source, data["type"], target, dict(data["props"]))
               for source, target, data in graph.edges(data=True)],
    )
