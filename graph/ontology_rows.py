"""The ontology's concepts as graph nodes, so Cypher users can walk causes and hierarchies.

Condition, Architecture, Metric, CauseCategory and Gene nodes get the keys of :mod:`graph.schema`,
the same :mod:`graph.mapping` gives a study's concepts, so study edges land on the nodes written here.
"""

from __future__ import annotations

from graph.mapping import EdgeRow, GraphRows, NodeRow, Scalar, gene_row
from graph.schema import CONCEPT_LABEL, Edge, concept_key
from ontology import Concept, ConceptKind, Ontology

_KINDS: tuple[ConceptKind, ...] = ("condition", "architecture", "metric", "cause_category")


def _key(concept: Concept) -> str:
    return concept_key(CONCEPT_LABEL[concept.kind], concept.id)


def ontology_rows(ontology: Ontology) -> GraphRows:
    """Concept nodes with their labels, SUBCLASS_OF and IN_CATEGORY edges, and associated genes."""
    rows = GraphRows()
    for kind in _KINDS:
        for concept in ontology.concepts(kind):
            props: dict[str, Scalar] = {
                "concept_id": concept.id, "label": concept.label, "iri": concept.iri, "mapped": True}
            if kind == "architecture":
                props["is_deep_learning"] = ontology.is_deep_learning(concept.id)
            if kind == "cause_category":
                props["in_framework"] = concept.in_framework
            rows.nodes.append(NodeRow(_key(concept), CONCEPT_LABEL[kind], props))
            for parent in concept.parents:
                rows.edges.append(EdgeRow(_key(concept), Edge.SUBCLASS_OF, _key(ontology.get(parent)), {}))
            if kind == "condition":
                for category in concept.categories:
                    rows.edges.append(EdgeRow(_key(concept), Edge.IN_CATEGORY, _key(ontology.get(category)), {}))
                for symbol in concept.genes:
                    gene = gene_row(symbol)
                    rows.nodes.append(gene)
                    rows.edges.append(EdgeRow(_key(concept), Edge.ASSOCIATED_GENE, gene.key, {}))
    return rows
