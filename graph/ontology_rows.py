"""The ontology's concepts as graph nodes, so Cypher users can walk causes and hierarchies.

Condition, Architecture, Metric, CauseCategory and Gene nodes use the same keys
as :mod:`graph.mapping`, so study edges land on the concept nodes written here.
"""

from __future__ import annotations

from graph.mapping import EdgeRow, GraphRows, NodeRow
from ontology import Concept, Ontology

_KIND_LABEL = {
    "condition": ("Condition", "condition"),
    "architecture": ("Architecture", "architecture"),
    "metric": ("Metric", "metric"),
    "cause_category": ("CauseCategory", "cause"),
}


def concept_key(concept: Concept) -> str:
    return f"{_KIND_LABEL[concept.kind][1]}:{concept.id}"


def ontology_rows(ontology: Ontology) -> GraphRows:
    """Concept nodes with their labels, SUBCLASS_OF and IN_CATEGORY edges, and associated genes."""
    rows = GraphRows()
    for kind, (label, _prefix) in _KIND_LABEL.items():
        for concept in ontology.concepts(kind):
            props: dict[str, str | int | float | bool | None] = {
                "concept_id": concept.id, "label": concept.label, "iri": concept.iri, "mapped": True}
            if kind == "architecture":
                props["is_deep_learning"] = ontology.is_deep_learning(concept.id)
            if kind == "cause_category":
                props["in_framework"] = concept.in_framework
            rows.nodes.append(NodeRow(concept_key(concept), label, props))
            for parent in concept.parents:
                rows.edges.append(EdgeRow(concept_key(concept), "SUBCLASS_OF",
                                          concept_key(ontology.get(parent)), {}))
            if kind == "condition":
                for category in concept.categories:
                    rows.edges.append(EdgeRow(concept_key(concept), "IN_CATEGORY",
                                              concept_key(ontology.get(category)), {}))
                for symbol in concept.genes:
                    gene_key = f"gene:{symbol.upper()}"
                    rows.nodes.append(NodeRow(gene_key, "Gene", {"symbol": symbol.upper()}))
                    rows.edges.append(EdgeRow(concept_key(concept), "ASSOCIATED_GENE", gene_key, {}))
    return rows
