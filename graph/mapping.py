"""How a study record becomes graph nodes and edges, and back, for every backend.

The labels, edge types and keys are :mod:`graph.schema`'s. Each fact is stored on its own edge (or
Result / Sample node) with its full JSON in the ``fact`` property, which makes the round trip
record -> rows -> record lossless while the graph stays queryable (Study -ADDRESSES-> Condition,
-USES_ARCHITECTURE-> Architecture, ...).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from facekg.records import Fact, ReviewUpdate, StudyRecord
from graph.schema import (
    FACT_EDGE_OF_TYPE,
    FACT_EDGES,
    Edge,
    Label,
    check_edge_type,
    check_label,
    concept_key,
    gene_key,
    node_key,
    owned_key,
    study_key,
    update_key,
)

Scalar = str | int | float | bool | None

# Study fields kept as node properties (scalars) and in the study JSON.
_STUDY_SCALARS = ("title", "year", "journal", "doi", "pmid", "retracted", "is_deep_learning",
                  "first_author", "image_modality", "review_update")


@dataclass(frozen=True, order=True)
class NodeRow:
    key: str
    label: str
    props: dict[str, Scalar] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_label(self.label)


@dataclass(frozen=True, order=True)
class EdgeRow:
    source: str
    type: str
    target: str
    props: dict[str, Scalar] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_edge_type(self.type)


@dataclass
class GraphRows:
    nodes: list[NodeRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)

    def extend(self, other: GraphRows) -> None:
        self.nodes.extend(other.nodes)
        self.edges.extend(other.edges)

    def sorted(self) -> GraphRows:
        return GraphRows(sorted(self.nodes), sorted(self.edges, key=lambda e: (e.source, e.type, e.target,
                                                                             str(e.props.get("ordinal")))))

    def as_jsonable(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "nodes": [{"key": n.key, "label": n.label, "props": n.props} for n in self.nodes],
            "edges": [{"source": e.source, "type": e.type, "target": e.target, "props": e.props}
                      for e in self.edges],
        }


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
"""One encoder for every stored JSON text (``json.dumps`` with options builds a new one per call)."""


def _dump(fact: Any) -> str:
    return _ENCODER.encode(fact.model_dump(mode="json"))


def record_rows(record: StudyRecord) -> GraphRows:
    """The nodes and edges of one study's subgraph (shared concept nodes included)."""
    skey = study_key(record.id)
    study_json = record.model_dump(mode="json", exclude={edge.fact_list for edge in FACT_EDGES})
    props: dict[str, Scalar] = {name: study_json.get(name) for name in _STUDY_SCALARS}
    props["id"] = record.id
    props["abstract"] = record.abstract
    props["study"] = _ENCODER.encode(study_json)
    rows = GraphRows(nodes=[NodeRow(skey, Label.STUDY, props)])

    def fact_edge(type_: str, target: str, fact: Fact, ordinal: int, **extra: Scalar) -> None:
        edge_props = {"ordinal": ordinal, "source": fact.provenance.source, "fact": _dump(fact), **extra}
        rows.edges.append(EdgeRow(skey, type_, target, edge_props))

    for ordinal, cond in enumerate(record.conditions):
        target = _concept_node(rows, Label.CONDITION, cond.concept_id, cond.name)
        fact_edge(Edge.ADDRESSES, target, cond, ordinal)
    for ordinal, gene in enumerate(record.genes):
        rows.nodes.append(gene_row(gene.symbol))
        fact_edge(Edge.REPORTS_GENE, gene_key(gene.symbol), gene, ordinal)
    for ordinal, arch in enumerate(record.architectures):
        target = _concept_node(rows, Label.ARCHITECTURE, arch.concept_id, arch.name)
        fact_edge(Edge.USES_ARCHITECTURE, target, arch, ordinal)
    for ordinal, result in enumerate(record.metrics):
        rkey = owned_key(Label.RESULT, record.id, ordinal)
        rows.nodes.append(NodeRow(rkey, Label.RESULT, {
            "metric": result.metric, "value": result.value, "unit": result.unit, "subject": result.subject,
            "ci_low": result.ci_low, "ci_high": result.ci_high}))
        metric = _concept_node(rows, Label.METRIC, result.metric_id, result.metric)
        fact_edge(Edge.REPORTS_RESULT, rkey, result, ordinal)
        rows.edges.append(EdgeRow(rkey, Edge.MEASURES, metric, {}))
    for ordinal, sample in enumerate(record.samples):
        samkey = owned_key(Label.SAMPLE, record.id, ordinal)
        rows.nodes.append(NodeRow(samkey, Label.SAMPLE, {"value": sample.value, "unit": sample.unit}))
        fact_edge(Edge.HAS_SAMPLE, samkey, sample, ordinal)
    for ordinal, report in enumerate(record.demographics):
        dkey = node_key(Label.DEMOGRAPHIC_ATTRIBUTE, report.attribute)
        rows.nodes.append(NodeRow(dkey, Label.DEMOGRAPHIC_ATTRIBUTE, {"name": report.attribute}))
        fact_edge(Edge.REPORTS_DEMOGRAPHIC, dkey, report, ordinal, reported=report.reported)
    for ordinal, flag in enumerate(record.flags):
        fkey = node_key(Label.STUDY_FLAG, flag.name)
        rows.nodes.append(NodeRow(fkey, Label.STUDY_FLAG, {"name": flag.name}))
        fact_edge(Edge.HAS_FLAG, fkey, flag, ordinal, value=flag.value)
    if record.review_update:
        rows.edges.append(EdgeRow(skey, Edge.ADDED_IN, update_key(record.review_update), {}))
    return rows


def _concept_node(rows: GraphRows, label: str, concept_id: str | None, name: str) -> str:
    """Add the concept node a fact points at (its name kept only when unmapped); returns its key."""
    key = concept_key(label, concept_id, name)
    rows.nodes.append(NodeRow(key, label, {"concept_id": concept_id, "name": None if concept_id else name,
                                           "mapped": concept_id is not None}))
    return key


def gene_row(symbol: str) -> NodeRow:
    """A gene node, keyed and named by the upper-case symbol (studies and the ontology share it)."""
    return NodeRow(gene_key(symbol), Label.GENE, {"symbol": symbol.upper()})


def update_row(update: ReviewUpdate) -> NodeRow:
    return NodeRow(update_key(update.id), Label.REVIEW_UPDATE, {
        "id": update.id, "created_at": update.created_at, "source": update.source,
        "description": update.description, "counts": json.dumps(update.counts, sort_keys=True)})


def update_from_props(props: dict[str, Any]) -> ReviewUpdate:
    return ReviewUpdate(id=str(props["id"]), created_at=str(props["created_at"]), source=str(props["source"]),
                        description=props.get("description"), counts=json.loads(str(props.get("counts") or "{}")))


def record_from_rows(study_props: dict[str, Any], fact_edges: Iterable[tuple[str, dict[str, Any]]]) -> StudyRecord:
    """Rebuild a study from its node's properties and its (edge type, edge props) pairs."""
    data: dict[str, Any] = json.loads(str(study_props["study"]))
    lists: dict[str, list[tuple[int, Any]]] = {edge.fact_list: [] for edge in FACT_EDGES}
    for edge_type, props in fact_edges:
        edge = FACT_EDGE_OF_TYPE.get(edge_type)
        if edge is None:
            continue
        lists[edge.fact_list].append((int(props["ordinal"]), edge.fact_class.model_validate_json(str(props["fact"]))))
    for name, items in lists.items():
        data[name] = [fact for _ordinal, fact in sorted(items, key=lambda item: item[0])]
    return StudyRecord.model_validate(data)
