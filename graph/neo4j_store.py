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
from graph.schema import (
    FACT_EDGE_TYPES,
    NODE_LABELS,
    STUDY_SUBGRAPH_LABELS,
    Label,
    label_conflict,
    mapped_concept_keys,
    merge_props,
    missing_review_update,
    study_key,
    update_key,
)
from graph.store import GraphStats, StudyPage, StudyQuery

_FACT_TYPES = sorted(FACT_EDGE_TYPES)


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
    ``UNWIND`` statement; all batches of one write share one transaction.
    The schema (a uniqueness constraint on ``key`` for every label, lookup
    indexes) is created ``IF NOT EXISTS`` on construction when the server is up,
    and again before a write if it is missing (e.g. the server was replaced).
    """

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j", *, batch_size: int = 5000) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self._driver = driver
        self._database = database
        self._batch_size = batch_size
        with contextlib.suppress(StoreUnavailable):
            self.ensure_schema()

    @property
    def database(self) -> str:
        return self._database

    # -- schema -------------------------------------------------------------
    def _schema_statements(self) -> list[str]:
        statements = [cypher.create_key_constraint(cypher.NODE)]
        statements += [cypher.create_key_constraint(label) for label in sorted(NODE_LABELS)]
        statements += [cypher.create_study_index(field) for field in cypher.STUDY_LOOKUP_FIELDS]
        statements.append(cypher.CREATE_KEY_TEXT_INDEX)
        return statements

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes (idempotent) and wait until they are online."""
        statements = self._schema_statements()
        with translate_errors("create the schema"):
            if self._schema_online() >= len(statements):
                return
            for statement in statements:
                self._driver.execute_query(statement, database_=self._database)
            self._driver.execute_query("CALL db.awaitIndexes(300)", database_=self._database)

    def _schema_online(self) -> int:
        records, _summary, _keys = self._driver.execute_query(
            cypher.COUNT_SCHEMA, database_=self._database, routing_=RoutingControl.READ)
        return int(records[0]["online"])

    # -- writes ---------------------------------------------------------------
    def write(self, records: Sequence[StudyRecord], update: ReviewUpdate) -> None:
        plan = _WritePlan.build(records, update)
        self.ensure_schema()
        with translate_errors(f"write review update {update.id!r}"):
            self._write_tx(plan.apply)

    def write_ontology(self, rows: GraphRows) -> None:
        plan = _WritePlan.from_rows(rows)
        self.ensure_schema()
        with translate_errors("write the ontology"):
            self._write_tx(plan.apply)

    def _write_tx(self, work: Any) -> None:
        with self._driver.session(database=self._database,
                                  bookmark_manager=self._driver.execute_query_bookmark_manager) as session:
            session.execute_write(work, self._batch_size)

    def clear(self) -> None:
        # Batched so a big graph does not need one huge transaction (clear is not atomic).
        with translate_errors("clear the graph"):
            for statement in (cypher.CLEAR_RELATIONSHIPS_BATCH, cypher.CLEAR_NODES_BATCH):
                while True:
                    records, _summary, _keys = self._driver.execute_query(
                        statement, {"batch": 20_000}, database_=self._database)
                    if int(records[0]["deleted"]) == 0:
                        break

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
        by_key: dict[str, StudyRecord] = {}
        for row in rows:
            fact_edges = [(str(type_), {"ordinal": ordinal, "fact": fact})
                          for type_, ordinal, fact in row["facts"]]
            by_key[row["key"]] = record_from_rows({"study": row["study"]}, fact_edges)
        return [by_key[key] for key in keys if key in by_key]

    def get(self, study_id: str) -> StudyRecord:
        found = self._records([study_key(study_id)])
        if not found:
            raise NotFound("study", study_id)
        return found[0]

    def find(self, *, doi: str | None, pmid: str | None, study_id: str | None) -> StudyRecord | None:
        for field, wanted in (("doi", normalise_doi(doi)), ("pmid", pmid), ("id", study_id)):
            if not wanted:
                continue
            rows = self._read(cypher.find_study(field), {"value": wanted}, action=f"find a study by {field}")
            if rows:
                return self._records([rows[0]["key"]])[0]
        return None

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
        params: dict[str, Any] = {
            "include_retracted": query.include_retracted,
            "deep_learning_only": query.deep_learning_only,
            "year_from": query.year_from,
            "year_to": query.year_to,
            "condition_keys": _concept_keys(Label.CONDITION, query.condition_ids),
            "architecture_keys": _concept_keys(Label.ARCHITECTURE, query.architecture_ids),
        }
        if not query.text:
            params |= {"offset": query.offset, "limit": query.limit}
            row = self._read(cypher.QUERY_PAGE, params, action="query studies")[0]
            return StudyPage(total=int(row["total"]), items=self._records([str(k) for k in row["page"]]))
        needle = query.text.casefold()
        candidates = self._read(cypher.QUERY_TEXT_CANDIDATES, params, action="query studies")
        keys = [str(row["key"]) for row in candidates
                if needle in f"{row['title']}\n{row['abstract'] or ''}".casefold()]
        return StudyPage(total=len(keys), items=self._records(keys[query.offset:query.offset + query.limit]))

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


def _concept_keys(label: str, concept_ids: frozenset[str] | None) -> list[str] | None:
    """The node keys of mapped concepts with these ids (unmapped mentions have no concept id to match)."""
    return None if concept_ids is None else mapped_concept_keys(label, concept_ids)


def _props_in(props: dict[str, Any], what: str) -> tuple[dict[str, Any], list[str]]:
    """Split a property map into what Neo4j can store and the keys whose value is None."""
    reserved = cypher.RESERVED_PROPS.intersection(props)
    if reserved:
        raise StoreError(f"{what} uses the reserved property name(s) {sorted(reserved)}")
    values = {k: v for k, v in props.items() if v is not None}
    nulls = sorted(k for k, v in props.items() if v is None)
    return values, nulls


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
        self.drop_orphans = False
        # True when every edge leaves a node this transaction created (a study write): CREATE, not MERGE.
        self.fresh_sources = False

    @classmethod
    def build(cls, records: Sequence[StudyRecord], update: ReviewUpdate) -> _WritePlan:
        plan = cls()
        plan.drop_orphans = True
        plan.fresh_sources = True
        plan.add_node(update_row(update))
        # A study written twice in one call: the later copy replaces the earlier one's subgraph,
        # as in the embedded store, while shared concept nodes keep both merges.
        last = {record.id: index for index, record in enumerate(records)}
        for index, record in enumerate(records):
            rows = record_rows(record)
            skey = study_key(record.id)
            if last[record.id] != index:
                for node in rows.nodes:
                    if node.label not in STUDY_SUBGRAPH_LABELS:
                        plan.add_node(node)
                continue
            plan.replace_studies.append(skey)
            for node in rows.nodes:
                plan.add_node(node)
            for edge in rows.edges:
                plan.add_edge(edge)
                plan.edge_owner.setdefault(edge.target, record.id)
        return plan

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
        if self.replace_studies:
            for batch in _batches(self.replace_studies, batch_size):
                tx.run(cypher.DELETE_OWNED, keys=batch).consume()
                tx.run(cypher.DELETE_STUDIES, keys=batch).consume()
        self._check_labels(tx, batch_size)
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for node in self.nodes.values():
            values, nulls = _props_in(node.props, f"node {node.key!r}")
            by_label[node.label].append({"key": node.key, "props": values, "nulls": nulls})
        for label in sorted(by_label):
            for batch in _batches(by_label[label], batch_size):
                tx.run(cypher.merge_nodes(label), rows=batch).consume()
        self._check_ends(tx)
        by_type: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
        for edge in self.edges.values():
            values, nulls = _props_in(edge.props, f"edge {edge.source!r}-{edge.type}->{edge.target!r}")
            if nulls:
                values[cypher.NULLS] = nulls
            by_type[(edge.type, "ordinal" in values)].append(
                {"source": edge.source, "target": edge.target, "props": values})
        for (type_, with_ordinal), rows in sorted(by_type.items()):
            statement = (cypher.create_edges(type_) if self.fresh_sources
                         else cypher.merge_edges(type_, with_ordinal=with_ordinal))
            for batch in _batches(rows, batch_size):
                tx.run(statement, rows=batch).consume()
        if self.drop_orphans:
            tx.run(cypher.DROP_ORPHAN_CONCEPTS).consume()

    def _check_labels(self, tx: ManagedTransaction, batch_size: int) -> None:
        rows = [{"key": node.key, "label": node.label} for node in self.nodes.values()]
        for batch in _batches(rows, batch_size):
            conflict = tx.run(cypher.LABEL_CONFLICTS, rows=batch).single()
            if conflict is not None:
                stored = "/".join(conflict["labels"]) or "node without a label"
                raise label_conflict(conflict["key"], stored, conflict["label"])

    def _check_ends(self, tx: ManagedTransaction) -> None:
        """Every edge end not written here must already be stored (e.g. an ADDED_IN's review update)."""
        outside = sorted({end for edge in self.edges.values() for end in (edge.source, edge.target)}
                         - self.nodes.keys())
        if not outside:
            return
        missing = tx.run(cypher.MISSING_KEYS, keys=outside).single(strict=True)["missing"]
        if missing:
            key = str(missing[0])
            owner = self.edge_owner.get(key)
            if owner is not None and key.startswith(update_key("")):
                raise missing_review_update(owner, key)
            raise StoreError(f"edges point at node(s) {sorted(missing)} that are not stored")


def _batches(items: Sequence[Any] | Iterable[Any], size: int) -> Iterator[list[Any]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]
