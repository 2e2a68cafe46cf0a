"""How a study record becomes graph nodes and edges, and back, for every backend.

Node labels and relationship types come only from the closed sets below, so no
user input ever names a label. Each fact is stored on its own edge (or Result /
Sample node) with its full JSON in the ``fact`` property, which makes the round
trip record -> rows -> record lossless while the graph stays queryable
(Study -ADDRESSES-> Condition, -USES_ARCHITECTURE-> Architecture, ...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from facekg.records import (
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    Fact,
    GeneFact,
    MetricResult,
    ReviewUpdate,
    SampleFact,
    StudyFlag,
    StudyRecord,
)

Scalar = str | int | float | bool | None

NODE_LABELS = frozenset({
    "Study", "Condition", "CauseCategory", "Gene", "Architecture", "Metric", "Result", "Sample",
    "DemographicAttribute", "ReviewUpdate", "StudyFlag",
})
EDGE_TYPES = frozenset({
    "ADDRESSES", "REPORTS_GENE", "USES_ARCHITECTURE", "REPORTS_RESULT", "MEASURES", "RESULT_FOR",
    "HAS_SAMPLE", "REPORTS_DEMOGRAPHIC", "HAS_FLAG", "ADDED_IN", "IN_CATEGORY", "SUBCLASS_OF",
    "ASSOCIATED_GENE",
})

# Which edge carries which fact list, and the class that reads it back.
_FACT_EDGES: dict[str, tuple[str, type[Fact]]] = {
    "conditions": ("ADDRESSES", ConditionFact),
    "genes": ("REPORTS_GENE", GeneFact),
    "architectures": ("USES_ARCHITECTURE", ArchitectureFact),
    "metrics": ("REPORTS_RESULT", MetricResult),
    "samples": ("HAS_SAMPLE", SampleFact),
    "demographics": ("REPORTS_DEMOGRAPHIC", DemographicReport),
    "flags": ("HAS_FLAG", StudyFlag),
}
_EDGE_TO_LIST = {edge: name for name, (edge, _cls) in _FACT_EDGES.items()}
FACT_EDGE_TYPES = frozenset(_EDGE_TO_LIST)

# Study fields kept as node properties (scalars) and in the study JSON.
_STUDY_SCALARS = ("title", "year", "journal", "doi", "pmid", "retracted", "is_deep_learning",
                  "first_author", "image_modality", "review_update")


@dataclass(frozen=True, order=True)
class NodeRow:
    key: str
    label: str
    props: dict[str, Scalar] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.label not in NODE_LABELS:
            raise ValueError(f"unknown node label {self.label!r}")


@dataclass(frozen=True, order=True)
class EdgeRow:
    source: str
    type: str
    target: str
    props: dict[str, Scalar] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.type not in EDGE_TYPES:
            raise ValueError(f"unknown edge type {self.type!r}")


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


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def study_key(study_id: str) -> str:
    return f"study:{study_id}"


def condition_key(fact: ConditionFact) -> str:
    return f"condition:{fact.concept_id}" if fact.concept_id else f"condition:unmapped:{slug(fact.name)}"


def architecture_key(fact: ArchitectureFact) -> str:
    return (f"architecture:{fact.concept_id}" if fact.concept_id
            else f"architecture:unmapped:{slug(fact.name)}")


def metric_key(fact: MetricResult) -> str:
    return f"metric:{fact.metric_id}" if fact.metric_id else f"metric:unmapped:{slug(fact.metric)}"


def update_key(update_id: str) -> str:
    return f"update:{update_id}"


def _dump(fact: Any) -> str:
    return json.dumps(fact.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


def record_rows(record: StudyRecord) -> GraphRows:
    """The nodes and edges of one study's subgraph (shared concept nodes included)."""
    skey = study_key(record.id)
    study_json = record.model_dump(mode="json", exclude=set(_FACT_EDGES))
    props: dict[str, Scalar] = {name: study_json.get(name) for name in _STUDY_SCALARS}
    props["id"] = record.id
    props["abstract"] = record.abstract
    props["study"] = json.dumps(study_json, sort_keys=True, ensure_ascii=False)
    rows = GraphRows(nodes=[NodeRow(skey, "Study", props)])

    for ordinal, cond in enumerate(record.conditions):
        ckey = condition_key(cond)
        rows.nodes.append(NodeRow(ckey, "Condition", {
            "concept_id": cond.concept_id, "name": cond.name if not cond.concept_id else None,
            "mapped": cond.concept_id is not None}))
        rows.edges.append(EdgeRow(skey, "ADDRESSES", ckey, _edge_props(cond, ordinal)))
    for ordinal, gene in enumerate(record.genes):
        gkey = f"gene:{gene.symbol.upper()}"
        rows.nodes.append(NodeRow(gkey, "Gene", {"symbol": gene.symbol.upper()}))
        rows.edges.append(EdgeRow(skey, "REPORTS_GENE", gkey, _edge_props(gene, ordinal)))
    for ordinal, arch in enumerate(record.architectures):
        akey = architecture_key(arch)
        rows.nodes.append(NodeRow(akey, "Architecture", {
            "concept_id": arch.concept_id, "name": arch.name if not arch.concept_id else None,
            "mapped": arch.concept_id is not None}))
        rows.edges.append(EdgeRow(skey, "USES_ARCHITECTURE", akey, _edge_props(arch, ordinal)))
    for ordinal, result in enumerate(record.metrics):
        rkey = f"result:{record.id}:{ordinal}"
        mkey = metric_key(result)
        rows.nodes.append(NodeRow(rkey, "Result", {
            "metric": result.metric, "value": result.value, "unit": result.unit, "subject": result.subject,
            "ci_low": result.ci_low, "ci_high": result.ci_high}))
        rows.nodes.append(NodeRow(mkey, "Metric", {
            "concept_id": result.metric_id, "name": result.metric if not result.metric_id else None,
            "mapped": result.metric_id is not None}))
        rows.edges.append(EdgeRow(skey, "REPORTS_RESULT", rkey, _edge_props(result, ordinal)))
        rows.edges.append(EdgeRow(rkey, "MEASURES", mkey, {}))
    for ordinal, sample in enumerate(record.samples):
        samkey = f"sample:{record.id}:{ordinal}"
        rows.nodes.append(NodeRow(samkey, "Sample", {"value": sample.value, "unit": sample.unit}))
        rows.edges.append(EdgeRow(skey, "HAS_SAMPLE", samkey, _edge_props(sample, ordinal)))
    for ordinal, report in enumerate(record.demographics):
        dkey = f"demographic:{report.attribute}"
        rows.nodes.append(NodeRow(dkey, "DemographicAttribute", {"name": report.attribute}))
        props = _edge_props(report, ordinal)
        props["reported"] = report.reported
        rows.edges.append(EdgeRow(skey, "REPORTS_DEMOGRAPHIC", dkey, props))
    for ordinal, flag in enumerate(record.flags):
        fkey = f"flag:{flag.name}"
        rows.nodes.append(NodeRow(fkey, "StudyFlag", {"name": flag.name}))
        props = _edge_props(flag, ordinal)
        props["value"] = flag.value
        rows.edges.append(EdgeRow(skey, "HAS_FLAG", fkey, props))
    if record.review_update:
        ukey = update_key(record.review_update)
        rows.edges.append(EdgeRow(skey, "ADDED_IN", ukey, {}))
    return rows


def _edge_props(fact: Any, ordinal: int) -> dict[str, Scalar]:
    return {"ordinal": ordinal, "source": fact.provenance.source, "fact": _dump(fact)}


def update_row(update: ReviewUpdate) -> NodeRow:
    return NodeRow(update_key(update.id), "ReviewUpdate", {
        "id": update.id, "created_at": update.created_at, "source": update.source,
        "description": update.description, "counts": json.dumps(update.counts, sort_keys=True)})


def update_from_props(props: dict[str, Any]) -> ReviewUpdate:
    return ReviewUpdate(id=str(props["id"]), created_at=str(props["created_at"]), source=str(props["source"]),
                        description=props.get("description"), counts=json.loads(str(props.get("counts") or "{}")))


def record_from_rows(study_props: dict[str, Any], fact_edges: Iterable[tuple[str, dict[str, Any]]]) -> StudyRecord:
    """Rebuild a study from its node's properties and its (edge type, edge props) pairs."""
    data: dict[str, Any] = json.loads(str(study_props["study"]))
    lists: dict[str, list[tuple[int, Any]]] = {name: [] for name in _FACT_EDGES}
    for edge_type, props in fact_edges:
        name = _EDGE_TO_LIST.get(edge_type)
        if name is None:
            continue
        cls = _FACT_EDGES[name][1]
        lists[name].append((int(props["ordinal"]), cls.model_validate_json(str(props["fact"]))))
    for name, items in lists.items():
        data[name] = [fact for _ordinal, fact in sorted(items, key=lambda item: item[0])]
    return StudyRecord.model_validate(data)
