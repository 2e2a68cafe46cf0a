"""The graph's rules in one place: node labels, edge types, keys, ownership, merging, ontology terms.

Every backend reads its conventions from here and nowhere else: the embedded store, the Neo4j store
(whose Cypher in :mod:`graph.cypher` is built from these constants), and any store added later.
:mod:`graph.mapping` builds a record's rows with them, :mod:`graph.ontology_rows` the concept rows,
:mod:`graph.rdf` names its classes and properties through :data:`LABEL_CLASS` and
:data:`EDGE_PROPERTY`, and the analyses name unmapped concepts with :func:`concept_ref`.
``tests/test_schema.py`` checks the ontology terms against ``ontology/facekg.ttl``.

Keys. Every node has one string key, ``<prefix>:<local>`` (:data:`KEY_PREFIX`): ``study:<id>``,
``condition:<concept id>``, ``result:<study id>:<ordinal>`` ... A mention that did not resolve to an
ontology concept is *unmapped*: it is referred to as ``unmapped:<name>`` (:func:`concept_ref`), and its
node key slugs the name (``condition:unmapped:odd-facies``) so spelling variants share one node.

Ownership. A study owns its ``Result`` and ``Sample`` nodes (:data:`OWNED_LABELS`): they are written
and deleted with it. Concept nodes are shared; unmapped ones exist only while a study names them.

Merging. A node written again keeps one label and one property map (:func:`merge_props`): a non-null
value wins, a null only fills a gap. The embedded store applies the function; the Neo4j store applies
it within a write and its ``MERGE`` statement mirrors it; the contract suite checks they agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from rdflib import RDFS, URIRef

from facekg.errors import StoreError
from facekg.identity import slug
from facekg.records import (
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    Fact,
    GeneFact,
    MetricResult,
    SampleFact,
    StudyFlag,
)
from ontology import FKG
from ontology.concept import ConceptKind


class Label:
    """Node labels: the closed set :data:`NODE_LABELS`, the only labels a store ever writes."""

    STUDY: Final = "Study"
    CONDITION: Final = "Condition"
    CAUSE_CATEGORY: Final = "CauseCategory"
    GENE: Final = "Gene"
    ARCHITECTURE: Final = "Architecture"
    METRIC: Final = "Metric"
    RESULT: Final = "Result"
    SAMPLE: Final = "Sample"
    DEMOGRAPHIC_ATTRIBUTE: Final = "DemographicAttribute"
    STUDY_FLAG: Final = "StudyFlag"
    REVIEW_UPDATE: Final = "ReviewUpdate"


class Edge:
    """Relationship types: the closed set :data:`EDGE_TYPES`."""

    ADDRESSES: Final = "ADDRESSES"
    REPORTS_GENE: Final = "REPORTS_GENE"
    USES_ARCHITECTURE: Final = "USES_ARCHITECTURE"
    REPORTS_RESULT: Final = "REPORTS_RESULT"
    MEASURES: Final = "MEASURES"
    RESULT_FOR: Final = "RESULT_FOR"
    HAS_SAMPLE: Final = "HAS_SAMPLE"
    REPORTS_DEMOGRAPHIC: Final = "REPORTS_DEMOGRAPHIC"
    HAS_FLAG: Final = "HAS_FLAG"
    ADDED_IN: Final = "ADDED_IN"
    IN_CATEGORY: Final = "IN_CATEGORY"
    SUBCLASS_OF: Final = "SUBCLASS_OF"
    ASSOCIATED_GENE: Final = "ASSOCIATED_GENE"


def _constants(namespace: type) -> frozenset[str]:
    return frozenset(value for name, value in vars(namespace).items() if name.isupper())


NODE_LABELS: frozenset[str] = _constants(Label)
EDGE_TYPES: frozenset[str] = _constants(Edge)


def check_label(label: str) -> str:
    """``label`` when it is one of :data:`NODE_LABELS`; labels never come from user input."""
    if label not in NODE_LABELS:
        raise ValueError(f"unknown node label {label!r}")
    return label


def check_edge_type(type_: str) -> str:
    """``type_`` when it is one of :data:`EDGE_TYPES`."""
    if type_ not in EDGE_TYPES:
        raise ValueError(f"unknown edge type {type_!r}")
    return type_


# -- facts ----------------------------------------------------------------------
@dataclass(frozen=True)
class FactEdge:
    """How one of a study's fact lists is stored: an edge of ``edge_type`` per fact, to a ``target`` node.

    The edge carries the whole fact (as JSON in its ``fact`` property), read back as ``fact_class``.
    """

    fact_list: str
    edge_type: str
    target: str
    fact_class: type[Fact]


FACT_EDGES: tuple[FactEdge, ...] = (
    FactEdge("conditions", Edge.ADDRESSES, Label.CONDITION, ConditionFact),
    FactEdge("genes", Edge.REPORTS_GENE, Label.GENE, GeneFact),
    FactEdge("architectures", Edge.USES_ARCHITECTURE, Label.ARCHITECTURE, ArchitectureFact),
    FactEdge("metrics", Edge.REPORTS_RESULT, Label.RESULT, MetricResult),
    FactEdge("samples", Edge.HAS_SAMPLE, Label.SAMPLE, SampleFact),
    FactEdge("demographics", Edge.REPORTS_DEMOGRAPHIC, Label.DEMOGRAPHIC_ATTRIBUTE, DemographicReport),
    FactEdge("flags", Edge.HAS_FLAG, Label.STUDY_FLAG, StudyFlag),
)
FACT_EDGE_OF_TYPE: dict[str, FactEdge] = {edge.edge_type: edge for edge in FACT_EDGES}
FACT_EDGE_TYPES: frozenset[str] = frozenset(FACT_EDGE_OF_TYPE)

# -- ownership --------------------------------------------------------------------
OWNED_LABELS: frozenset[str] = frozenset({Label.RESULT, Label.SAMPLE})
"""Nodes that belong to one study: created with its subgraph and deleted with it."""
STUDY_SUBGRAPH_LABELS: frozenset[str] = frozenset({Label.STUDY}) | OWNED_LABELS
RECORD_LABELS: frozenset[str] = STUDY_SUBGRAPH_LABELS | {Label.REVIEW_UPDATE}
"""What ``GraphStore.write`` builds from records and review updates; every other node is a concept."""

# -- keys -----------------------------------------------------------------------------
KEY_PREFIX: dict[str, str] = {
    Label.STUDY: "study", Label.CONDITION: "condition", Label.CAUSE_CATEGORY: "cause", Label.GENE: "gene",
    Label.ARCHITECTURE: "architecture", Label.METRIC: "metric", Label.RESULT: "result",
    Label.SAMPLE: "sample", Label.DEMOGRAPHIC_ATTRIBUTE: "demographic", Label.STUDY_FLAG: "flag",
    Label.REVIEW_UPDATE: "update",
}
CONCEPT_LABEL: dict[ConceptKind, str] = {
    "condition": Label.CONDITION, "cause_category": Label.CAUSE_CATEGORY, "gene": Label.GENE,
    "architecture": Label.ARCHITECTURE, "metric": Label.METRIC,
    "demographic_attribute": Label.DEMOGRAPHIC_ATTRIBUTE,
}
"""The node label of each ontology concept kind."""
UNMAPPED: Final = "unmapped"
UNMAPPED_KEY_MARK: Final = f":{UNMAPPED}:"
"""What every unmapped concept's node key contains (orphan removal looks for it)."""


def node_key(label: str, local: str) -> str:
    """The key of the ``label`` node named ``local`` in its label's key space."""
    return f"{KEY_PREFIX[check_label(label)]}:{local}"


def study_key(study_id: str) -> str:
    return node_key(Label.STUDY, study_id)


def update_key(update_id: str) -> str:
    return node_key(Label.REVIEW_UPDATE, update_id)


def owned_key(label: str, study_id: str, ordinal: int) -> str:
    """The key of a node a study owns (a result or a sample), by its place in the study's fact list."""
    if label not in OWNED_LABELS:
        raise ValueError(f"{label} nodes are not owned by a study")
    return node_key(label, f"{study_id}:{ordinal}")


def gene_key(symbol: str) -> str:
    return node_key(Label.GENE, symbol.upper())


def concept_ref(concept_id: str | None, name: str) -> str:
    """How facekg refers to a mentioned concept: its concept id, else ``unmapped:<name>``."""
    return concept_id or f"{UNMAPPED}:{name}"


def is_unmapped(ref: str) -> bool:
    """Whether a concept reference (``unmapped:<name>``) or node key names an unmapped concept."""
    return ref.startswith(f"{UNMAPPED}:") or UNMAPPED_KEY_MARK in ref


def unmapped_name(ref: str) -> str:
    """The name inside an unmapped concept reference."""
    return ref.removeprefix(f"{UNMAPPED}:")


def concept_key(label: str, concept_id: str | None, name: str = "") -> str:
    """The node key of a concept: by concept id, or (unmapped) by the slug of the name mentioned."""
    return node_key(label, concept_ref(concept_id, slug(name)))


def mapped_concept_keys(label: str, concept_ids: frozenset[str]) -> list[str]:
    """The node keys of these concept ids; an unmapped reference never matches a mapped concept."""
    return sorted(concept_key(label, cid) for cid in concept_ids if not is_unmapped(cid))


# -- merging -------------------------------------------------------------------------
def merge_props(stored: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    """A node's properties after it is written again: a non-null value wins, a null only fills a gap."""
    merged = dict(stored)
    merged.update({k: v for k, v in incoming.items() if v is not None or k not in merged})
    return merged


def label_conflict(key: str, stored: str, wanted: str) -> StoreError:
    """The error for a key written under a second label (a key names one node of one label)."""
    return StoreError(f"node {key!r} is a {stored}, not a {wanted}")


def missing_review_update(study_id: str, key: str) -> StoreError:
    """The error for a study whose ``review_update`` names an update the store does not hold."""
    return StoreError(f"study {study_id!r} names review update {key!r} that is not stored")


# -- ontology terms ------------------------------------------------------------------------
LABEL_CLASS: dict[str, URIRef | None] = {
    Label.STUDY: FKG.Study, Label.CONDITION: FKG.Condition, Label.CAUSE_CATEGORY: FKG.CauseCategory,
    Label.GENE: FKG.Gene, Label.ARCHITECTURE: FKG.Architecture, Label.METRIC: FKG.Metric,
    Label.RESULT: FKG.Result, Label.SAMPLE: FKG.Sample, Label.DEMOGRAPHIC_ATTRIBUTE: FKG.DemographicAttribute,
    Label.REVIEW_UPDATE: FKG.ReviewUpdate,
    Label.STUDY_FLAG: None,  # flags are datatype properties of the study in RDF (FLAG_PROPERTY)
}
"""The ontology class each node label stands for."""
EDGE_PROPERTY: dict[str, URIRef | None] = {
    Edge.ADDRESSES: FKG.addresses, Edge.REPORTS_GENE: FKG.mentionsGene,
    Edge.USES_ARCHITECTURE: FKG.usesArchitecture, Edge.REPORTS_RESULT: FKG.reportsResult,
    Edge.MEASURES: FKG.measures, Edge.RESULT_FOR: FKG.resultFor, Edge.HAS_SAMPLE: FKG.hasSample,
    Edge.REPORTS_DEMOGRAPHIC: FKG.reportsDemographic, Edge.ADDED_IN: FKG.addedIn,
    Edge.IN_CATEGORY: FKG.inCauseCategory, Edge.SUBCLASS_OF: RDFS.subClassOf,
    Edge.ASSOCIATED_GENE: FKG.associatedGene,
    Edge.HAS_FLAG: None,  # see FLAG_PROPERTY
}
"""The ontology property each edge type stands for."""
FLAG_PROPERTY: dict[str, URIRef | None] = {
    "external_validation": FKG.externalValidation, "clinician_comparison": FKG.clinicianComparison,
    "subgroup_performance": None,
}
"""The study's datatype property for each flag (a ``HAS_FLAG`` edge in the property graph)."""
