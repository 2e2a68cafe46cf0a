"""The Neo4j graph store: the same nodes and edges as the embedded store, on a Neo4j 5 server.

:class:`Neo4jStore` is handed a driver (see :mod:`graph.neo4j_connect`) and
never builds one. Every Cypher statement lives in :mod:`graph.cypher`; values
travel only as parameters and labels only come from the mapping's whitelist.

Semantics are the embedded store's (:mod:`graph.networkx_store`), checked by the
shared contract suite: a ``write`` replaces each study's subgraph and records
the review update in ONE managed write transaction, so a failure anywhere
leaves the graph as it was; node upserts never let a null hide a stored value;
reads order exactly as the embedded store does.

Driver errors are translated at this boundary: connectivity and transient
failures become :class:`facekg.errors.StoreUnavailable` (retry later), every
other driver or server error :class:`facekg.errors.StoreError`.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import neo4j
from neo4j import ManagedTransaction, RoutingControl
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from facekg.errors import NotFound, StoreError, StoreUnavailable
from facekg.records import ReviewUpdate, StudyRecord, normalise_doi
from graph import cypher
from graph.mapping import EdgeRow, GraphRows, NodeRow, record_from_rows, record_rows, update_from_props, update_row
from graph.neo4j_revision import DEFAULT_MAX_AGE, RevisionPoll
from graph.schema import (
    FACT_EDGE_TYPES,
    STUDY_SUBGRAPH_LABELS,
    UNMAPPED_KEY_MARK,
    Label,
    label_conflict,
    mapped_concept_keys,
    merge_props,
    missing_review_update,
    study_key,
    update_key,
)
from graph.store import GraphStats, StudyPage, StudyQuery, StudyVersion, history_order

_FACT_TYPES = sorted(FACT_EDGE_TYPES)
_PLAN_STUDIES = 250
"""Studies per plan of one write (default): the next plan is built while the server applies this one."""


@contextlib.contextmanager
def translate_errors(action: str) -> Iterator[None]:
    """Map neo4j driver exceptions to facekg's, keeping the cause."""
    try:
        yield
    except (ServiceUnavailable, SessionExpired) as exc:
        raise StoreUnavailable(f"Neo4j is unreachable while trying to {action}: {exc}") from exc
    except TransientError as exc:
        raise StoreUnavailable(f"Neo4j could not {action} for now (transient error, retry): {exc}") from exc
    except AuthError as exc:
        raise StoreError(f"Neo4j refused the credentials while trying to {action}; "
                         f"check NEO4J_USER and NEO4J_PASSWORD: {exc}") from exc
    except Neo4jError as exc:
        raise StoreError(f"Neo4j failed to {action}: {exc}") from exc
    except DriverError as exc:
        raise StoreError(f"the Neo4j driver failed to {action}: {exc}") from exc
    except OSError as exc:
        raise StoreUnavailable(f"Neo4j is unreachable while trying to {action}: {exc}") from exc


class Neo4jStore:
    """A :class:`graph.store.GraphStore` on a Neo4j 5 database, given an open driver.

    ``database`` is named on every call. ``batch_size`` bounds the rows sent per
    ``UNWIND`` statement; ``plan_studies`` is how many studies each plan of a write holds;
    all batches and plans of one write share one transaction.
    The schema (:func:`graph.cypher.schema`: uniqueness constraints on ``key``, lookup
    indexes) is created ``IF NOT EXISTS`` on construction when the server is up,
    and again before a write if it is missing (e.g. the server was replaced).
    :meth:`revision` is read from the server at most once per ``revision_max_age`` seconds
    (:mod:`graph.neo4j_revision`): this store's own writes are seen at once, another process's within that.
    """

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j", *, batch_size: int = 5000,
                 plan_studies: int = _PLAN_STUDIES, revision_max_age: float = DEFAULT_MAX_AGE) -> None:
        if batch_size < 1 or plan_studies < 1:
            raise ValueError("batch_size and plan_studies must be positive")
        self._plan_studies = plan_studies
        self._driver = driver
        self._database = database
        self._batch_size = batch_size
        self._schema_ready = False  # set once the schema is seen online: later writes skip the check
        self._revision = RevisionPoll(self._read_revision, revision_max_age)
        with contextlib.suppress(StoreUnavailable):
            self.ensure_schema()

    @property
    def database(self) -> str:
        return self._database

    @property
    def revision_poll(self) -> RevisionPoll:
        """How :meth:`revision` is kept between reads of the server (its ``reads`` count them)."""
        return self._revision

    @property
    def revision_kept(self) -> bool:
        """Whether :meth:`revision` answers now without a round trip to the server."""
        return self._revision.fresh

    # -- schema -------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create the constraints and indexes (idempotent), drop obsolete ones, wait until all are online."""
        with translate_errors("create the schema"):
            if self._schema_ready or self._schema_current():
                self._schema_ready = True
                return
            for statement in [*cypher.obsolete_schema().values(), *cypher.schema().values()]:
                self._driver.execute_query(statement, database_=self._database)
            self._driver.execute_query("CALL db.awaitIndexes(300)", database_=self._database)
            self._backfill_listing()
            self._schema_ready = True

    def _backfill_listing(self) -> None:
        """Give studies stored before the listing properties existed their ``_order`` and ``_search``."""
        while True:
            rows = self._read(cypher.STUDIES_WITHOUT_ORDER, {"limit": 1000}, action="find studies to index")
            if not rows:
                return
            records = self._records([str(row["key"]) for row in rows])
            listing = [{"key": study_key(r.id), **_listing_props(r)} for r in records]
            with translate_errors("index stored studies"):
                self._driver.execute_query(cypher.SET_STUDY_LISTING, {"rows": listing}, database_=self._database)

    def _schema_current(self) -> bool:
        """Whether every wanted constraint and index is online and no obsolete one is left."""
        records, _summary, _keys = self._driver.execute_query(
            cypher.SCHEMA_STATE, database_=self._database, routing_=RoutingControl.READ)
        state = {str(row["name"]): str(row["state"]) for row in records}
        return (all(state.get(name) == "ONLINE" for name in cypher.schema())
                and not state.keys() & cypher.obsolete_schema().keys())

    # -- writes ---------------------------------------------------------------
    def write(self, records: Sequence[StudyRecord], update: ReviewUpdate) -> None:
        self.ensure_schema()

        def work(tx: ManagedTransaction, batch_size: int) -> None:
            # Built inside the work: a retried transaction builds afresh.
            _apply_pipelined(tx, _WritePlan.chunks(records, update, self._plan_studies), batch_size)
        with translate_errors(f"write review update {update.id!r}"):
            self._write_tx(work)

    def write_ontology(self, rows: GraphRows) -> None:
        plan = _WritePlan.from_rows(rows)
        self.ensure_schema()
        with translate_errors("write the ontology"):
            self._write_tx(plan.apply)

    def _write_tx(self, work: Any) -> None:
        with self._invalidating(), self._driver.session(
                database=self._database, bookmark_manager=self._driver.execute_query_bookmark_manager) as session:
            session.execute_write(self._bumping(work), self._batch_size)

    @staticmethod
    def _bumping(work: Any) -> Any:
        """``work`` followed, in the same transaction, by the revision bump."""
        def run(tx: ManagedTransaction, batch_size: int) -> None:
            work(tx, batch_size)
            tx.run(cypher.BUMP_REVISION, generation=uuid.uuid4().hex).consume()
        return run

    def clear(self) -> None:
        # Batched so a big graph does not need one huge transaction (clear is not atomic).
        with translate_errors("clear the graph"), self._invalidating():
            for statement in (cypher.CLEAR_RELATIONSHIPS_BATCH, cypher.CLEAR_NODES_BATCH):
                while True:
                    records, _summary, _keys = self._driver.execute_query(
                        statement, {"batch": 20_000}, database_=self._database)
                    if int(records[0]["deleted"]) == 0:
                        break
            self._driver.execute_query(cypher.RESET_REVISION, {"generation": uuid.uuid4().hex},
                                       database_=self._database)

    # -- reads ----------------------------------------------------------------
    def _read(self, query: str, parameters: dict[str, Any] | None = None, *,
              action: str) -> list[neo4j.Record]:
        with translate_errors(action):
            records, _summary, _keys = self._driver.execute_query(
                query, parameters or {}, database_=self._database, routing_=RoutingControl.READ)
        return list(records)

    def _records(self, keys: Sequence[str]) -> list[StudyRecord]:
        """The studies with these node keys, in the order given (missing keys skipped)."""
        if not keys:
            return []
        rows = self._read(cypher.STUDY_RECORDS, {"keys": list(keys), "fact_types": _FACT_TYPES},
                          action="read studies")
        by_key = {str(row["key"]): _record_of(row["study"], row["facts"]) for row in rows}
        return [by_key[key] for key in keys if key in by_key]

    def get(self, study_id: str) -> StudyRecord:
        found = self._records([study_key(study_id)])
        if not found:
            raise NotFound("study", study_id)
        return found[0]

    def find(self, *, doi: str | None, pmid: str | None, study_id: str | None) -> StudyRecord | None:
        params = {"doi": normalise_doi(doi) or None, "pmid": pmid or None, "id": study_id or None,
                  "fact_types": _FACT_TYPES}
        if not any(params[name] for name in ("doi", "pmid", "id")):
            return None
        rows = self._read(cypher.FIND_STUDY, params, action="find a study")
        return _record_of(rows[0]["study"], rows[0]["facts"]) if rows else None

    def studies(self, *, page_size: int = 500) -> Iterator[StudyRecord]:
        # Keyset pages keep each answer small on a big graph.
        after = ""
        while True:
            rows = self._read(cypher.STUDY_KEYS_AFTER, {"after": after, "limit": page_size},
                              action="list studies")
            if not rows:
                return
            keys = [str(row["key"]) for row in rows]
            yield from self._records(keys)
            after = keys[-1]

    def query(self, query: StudyQuery) -> StudyPage:
        condition_keys = _concept_keys(Label.CONDITION, query.condition_ids)
        architecture_keys = _concept_keys(Label.ARCHITECTURE, query.architecture_ids)
        if condition_keys == [] or architecture_keys == []:
            return StudyPage(total=0, items=[])
        clause = cypher.study_filter(
            text=bool(query.text), conditions=condition_keys is not None,
            architectures=architecture_keys is not None, deep_learning_only=query.deep_learning_only,
            year_from=query.year_from is not None, year_to=query.year_to is not None,
            include_retracted=query.include_retracted)
        params: dict[str, Any] = {
            "text": query.text.casefold() if query.text else None,
            "year_from": query.year_from, "year_to": query.year_to,
            "condition_keys": condition_keys, "architecture_keys": architecture_keys,
            "offset": query.offset, "limit": query.limit, "fact_types": _FACT_TYPES,
        }
        row = self._read(cypher.query_page(clause), params, action="query studies")[0]
        return StudyPage(total=int(row["total"]),
                         items=[_record_of(study, facts) for _key, study, facts in row["page"]])

    @contextlib.contextmanager
    def _invalidating(self) -> Iterator[None]:
        """Committed, failed or unknown: after a write the next :meth:`revision` asks the server."""
        try:
            yield
        finally:
            self._revision.invalidate()

    def revision(self) -> str:
        return self._revision.get()

    def _read_revision(self) -> str:
        row = self._read(cypher.REVISION, action="read the revision")[0]
        if row["generation"] is None:
            return "empty:0"
        return f"{row['generation']}:{int(row['counter'])}"

    def study_history(self, since_update: str | None = None) -> list[StudyVersion]:
        order = history_order(self.review_updates())
        floor = -1 if since_update is None else _place(order, since_update)
        wanted = [uid for uid, place in order.items() if place > floor]
        versions = self._versions(wanted)
        versions.sort(key=lambda v: (order[v.update_id], v.study_id))
        return versions

    def studies_as_of(self, update_id: str) -> Iterator[StudyRecord]:
        order = history_order(self.review_updates())
        ceiling = _place(order, update_id)
        latest: dict[str, StudyVersion] = {}
        for version in self._versions([uid for uid, place in order.items() if place <= ceiling]):
            seen = latest.get(version.study_id)
            if seen is None or order[seen.update_id] < order[version.update_id]:
                latest[version.study_id] = version
        for study_id in sorted(latest):
            record = latest[study_id].record
            if record is not None:
                yield record

    def _versions(self, update_ids: list[str]) -> list[StudyVersion]:
        if not update_ids:
            return []
        rows = self._read(cypher.VERSIONS_OF_UPDATES, {"update_ids": update_ids}, action="read the history")
        return [StudyVersion(study_id=str(row["study_id"]), update_id=str(row["update_id"]),
                             record=None if row["record"] is None
                             else StudyRecord.model_validate_json(str(row["record"])))
                for row in rows]

    def review_updates(self) -> list[ReviewUpdate]:
        rows = self._read(cypher.REVIEW_UPDATES, action="list review updates")
        updates = [update_from_props(_props_out(row["props"])) for row in rows]
        return sorted(updates, key=lambda u: (u.created_at, u.id))

    def stats(self) -> GraphStats:
        node_rows = self._read(cypher.count_nodes(), action="count nodes")
        edge_rows = self._read(cypher.count_edges(), action="count edges")
        nodes = {str(r["name"]): int(r["count"]) for r in node_rows if r["count"]}
        edges = {str(r["name"]): int(r["count"]) for r in edge_rows if r["count"]}
        return GraphStats(nodes=dict(sorted(nodes.items())), edges=dict(sorted(edges.items())),
                          studies=nodes.get(Label.STUDY, 0), review_updates=nodes.get(Label.REVIEW_UPDATE, 0))

    def export_rows(self) -> GraphRows:
        node_rows = self._read(cypher.EXPORT_NODES, action="export nodes")
        edge_rows = self._read(cypher.EXPORT_EDGES, action="export edges")
        nodes = []
        for row in node_rows:
            labels = list(row["labels"])
            if len(labels) != 1:
                raise StoreError(f"node {row['key']!r} has labels {labels}; expected exactly one")
            nodes.append(NodeRow(str(row["key"]), labels[0], _props_out(row["props"])))
        edges = [EdgeRow(str(row["source"]), str(row["type"]), str(row["target"]), _props_out(row["props"]))
                 for row in edge_rows]
        return GraphRows(nodes, edges).sorted()

    def check(self) -> None:
        with translate_errors("answer a health check"):
            self._driver.verify_connectivity()
            with self._driver.session(database=self._database) as session:
                session.run(cypher.RETURN_ONE).consume()

    def close(self) -> None:
        """Close the driver handed to this store."""
        self._driver.close()


def _record_of(study: Any, facts: Sequence[Sequence[Any]]) -> StudyRecord:
    """A record from its study node's JSON and its [type, ordinal, fact JSON] triples."""
    fact_edges = [(str(type_), {"ordinal": ordinal, "fact": fact}) for type_, ordinal, fact in facts]
    return record_from_rows({"study": study}, fact_edges)


def _place(order: dict[str, int], update_id: str) -> int:
    if update_id not in order:
        raise NotFound("review update", update_id)
    return order[update_id]


def _listing_props(record: StudyRecord) -> dict[str, str]:
    """The listing order (year newest first, no year last, then id) and the case-folded text, as stored."""
    year = record.year or 0
    return {"order": f"{10_000 - year:05d}|{record.id}",
            "search": f"{record.title}\n{record.abstract or ''}".casefold()}


def _concept_keys(label: str, concept_ids: frozenset[str] | None) -> list[str] | None:
    """The node keys of mapped concepts with these ids (unmapped mentions have no concept id to match)."""
    return None if concept_ids is None else mapped_concept_keys(label, concept_ids)


def _props_in(props: dict[str, Any], what: str) -> tuple[dict[str, Any], list[str]]:
    """Split a property map into what Neo4j can store and the keys whose value is None."""
    reserved = cypher.RESERVED_PROPS.intersection(props)
    if reserved:
        raise StoreError(f"{what} uses the reserved property name(s) {sorted(reserved)}")
    if None not in props.values():  # the common case: nothing to split (callers copy before changing)
        return props, []
    values = {k: v for k, v in props.items() if v is not None}
    nulls = sorted(k for k, v in props.items() if v is None)
    return values, nulls


def _nulls_prop(nulls: list[str]) -> dict[str, Any]:
    return {cypher.NULLS: nulls} if nulls else {}


def _props_out(props: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in props.items() if k not in cypher.RESERVED_PROPS}
    for key in props.get(cypher.NULLS) or ():
        out.setdefault(str(key), None)
    return out


class _WritePlan:
    """The rows of one write, deduplicated the way the embedded store applies them, ready to send."""

    def __init__(self) -> None:
        self.replace_studies: list[str] = []
        self.nodes: dict[str, NodeRow] = {}
        self.edges: dict[tuple[str, str, str, Any], EdgeRow] = {}
        self.edge_owner: dict[str, str] = {}
        self.versions: list[dict[str, Any]] = []
        self.listing: dict[str, dict[str, str]] = {}
        self.drop_orphans = False
        # True when every edge leaves a node this transaction created (a study write): the study
        # subgraphs' nodes and all edges are CREATEd, only shared concept nodes are MERGEd.
        self.fresh_sources = False

    @classmethod
    def build(cls, records: Sequence[StudyRecord], update: ReviewUpdate) -> _WritePlan:
        """The whole write as one plan."""
        return next(cls.chunks(records, update, max(len(records), 1)))

    @classmethod
    def chunks(cls, records: Sequence[StudyRecord], update: ReviewUpdate, size: int) -> Iterator[_WritePlan]:
        """The write as plans of ``size`` studies each, built one at a time (the first holds the update).

        Applied in order in one transaction they do what one plan of them all does: a study's subgraph
        lives in one plan, and a concept node merged again merges as it would within one plan.
        """
        # A study written twice in one call: the later copy replaces the earlier one's subgraph,
        # as in the embedded store, while shared concept nodes keep both merges.
        last = {record.id: index for index, record in enumerate(records)}
        for start in range(0, max(len(records), 1), size):
            plan = cls()
            plan.drop_orphans = True
            plan.fresh_sources = True
            if start == 0:
                plan.add_node(update_row(update))
            for index in range(start, min(start + size, len(records))):
                plan._add_record(records[index], update, superseded=last[records[index].id] != index)
            yield plan

    def _add_record(self, record: StudyRecord, update: ReviewUpdate, *, superseded: bool) -> None:
        rows = record_rows(record)
        if superseded:
            for node in rows.nodes:
                if node.label not in STUDY_SUBGRAPH_LABELS:
                    self.add_node(node)
            return
        skey = study_key(record.id)
        self.replace_studies.append(skey)
        self.versions.append({"key": f"{record.id}\u001f{update.id}", "study_id": record.id,
                              "update_id": update.id, "record": record.model_dump_json()})
        listing = _listing_props(record)
        self.listing[skey] = {cypher.ORDER: listing["order"], cypher.SEARCH: listing["search"]}
        for node in rows.nodes:
            self.add_node(node)
        for edge in rows.edges:
            self.add_edge(edge)
            self.edge_owner.setdefault(edge.target, record.id)

    @classmethod
    def from_rows(cls, rows: GraphRows) -> _WritePlan:
        plan = cls()
        for node in rows.nodes:
            plan.add_node(node)
        for edge in rows.edges:
            plan.add_edge(edge)
        return plan

    def add_node(self, node: NodeRow) -> None:
        seen = self.nodes.get(node.key)
        if seen is None:
            self.nodes[node.key] = NodeRow(node.key, node.label, dict(node.props))
        elif seen.label != node.label:
            raise label_conflict(node.key, seen.label, node.label)
        else:
            self.nodes[node.key] = NodeRow(node.key, node.label, merge_props(seen.props, node.props))

    def add_edge(self, edge: EdgeRow) -> None:
        self.edges[(edge.source, edge.type, edge.target, edge.props.get("ordinal"))] = edge

    # -- inside the transaction ---------------------------------------------
    def apply(self, tx: ManagedTransaction, batch_size: int) -> None:
        _apply_pipelined(tx, iter([self]), batch_size)

    def send_replace(self, tx: ManagedTransaction, batch_size: int) -> list[neo4j.Result]:
        """Remove the replaced studies' subgraphs; the results name their unmapped concepts (read later)."""
        pending = []
        for batch in _batches(self.replace_studies, batch_size):
            if self.drop_orphans:
                pending.append(tx.run(cypher.ORPHAN_CANDIDATES, keys=batch))
            tx.run(cypher.DELETE_SUBGRAPHS, keys=batch)
        return pending

    def check(self, tx: ManagedTransaction, batch_size: int) -> None:
        """Refuse a key stored under another label, or an edge end neither written here nor stored."""
        conflicts = [tx.run(cypher.LABEL_CONFLICTS, rows=batch)
                     for batch in _batches([{"key": node.key, "label": node.label}
                                            for node in self.nodes.values()], batch_size)]
        outside = sorted({end for edge in self.edges.values() for end in (edge.source, edge.target)}
                         - self.nodes.keys())
        missing = tx.run(cypher.MISSING_KEYS, keys=outside) if outside else None
        for result in conflicts:
            conflict = result.single()
            if conflict is not None:
                stored = "/".join(conflict["labels"]) or "node without a label"
                raise label_conflict(conflict["key"], stored, conflict["label"])
        if missing is not None:
            self._refuse_missing(missing.single(strict=True)["missing"])

    def send_rows(self, tx: ManagedTransaction, batch_size: int) -> None:
        """The nodes, edges and history rows, sent without waiting for each statement's answer."""
        created: dict[str, list[dict[str, Any]]] = defaultdict(list)
        merged: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for node in self.nodes.values():
            values, nulls = _props_in(node.props, f"node {node.key!r}")
            if self.fresh_sources and node.label in STUDY_SUBGRAPH_LABELS:
                created[node.label].append({"props": {**values, cypher.KEY: node.key, **_nulls_prop(nulls),
                                                      **self.listing.get(node.key, {})}})
            else:
                merged[node.label].append({"key": node.key, "props": values, "nulls": nulls})
        for label in sorted(created):
            for batch in _batches(created[label], batch_size):
                tx.run(cypher.create_nodes(label), rows=batch)
        for label in sorted(merged):
            for batch in _batches(merged[label], batch_size):
                tx.run(cypher.merge_nodes(label), rows=batch)
        self._write_edges(tx, batch_size)
        for batch in _batches(self.versions, batch_size):
            tx.run(cypher.MERGE_VERSIONS, rows=batch)

    def _write_edges(self, tx: ManagedTransaction, batch_size: int) -> None:
        """One ``UNWIND`` per edge type (and property set) per batch."""
        groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
        for edge in self.edges.values():
            values, nulls = _props_in(edge.props, f"edge {edge.source!r}-{edge.type}->{edge.target!r}")
            if nulls:
                values[cypher.NULLS] = nulls
            names = tuple(sorted(values)) if self.fresh_sources else ("ordinal" in values and ("ordinal",) or ())
            groups[(edge.type, names)].append({"source": edge.source, "target": edge.target, "props": values})
        for (type_, names), rows in sorted(groups.items()):
            statement = (cypher.create_edges(type_, names) if self.fresh_sources
                         else cypher.merge_edges(type_, with_ordinal=bool(names)))
            for batch in _batches(rows, batch_size):
                tx.run(statement, rows=batch)

    def _refuse_missing(self, missing: Sequence[Any]) -> None:
        if missing:
            key = str(missing[0])
            owner = self.edge_owner.get(key)
            if owner is not None and key.startswith(update_key("")):
                raise missing_review_update(owner, key)
            raise StoreError(f"edges point at node(s) {sorted(missing)} that are not stored")


def _apply_pipelined(tx: ManagedTransaction, plans: Iterator[_WritePlan], batch_size: int) -> None:
    """Apply the plans in order in ``tx``; statements are not waited for one by one.

    The server answers in order, so while it runs one plan's statements the next plan is built
    here; the only waits are each plan's checks (which must pass before its rows are sent) and the
    commit, which fails if any statement did. Unmapped concepts left without an edge are removed last.
    """
    pending: list[neo4j.Result] = []
    candidates: set[str] = set()
    drop_orphans = False
    for plan in plans:
        pending += plan.send_replace(tx, batch_size)
        plan.check(tx, batch_size)
        plan.send_rows(tx, batch_size)
        if plan.drop_orphans:
            drop_orphans = True
            # Also this write's own: an earlier copy of a study written twice may name one the last copy drops.
            candidates.update(key for key in plan.nodes if UNMAPPED_KEY_MARK in key)
    for result in pending:
        candidates.update(result.single(strict=True)["keys"])
    if drop_orphans:
        for batch in _batches(sorted(candidates), batch_size):
            tx.run(cypher.DROP_ORPHANS_AMONG, keys=batch)


def _batches(items: Sequence[Any] | Iterable[Any], size: int) -> Iterator[list[Any]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]
