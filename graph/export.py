"""Exports of the whole graph: study records as JSONL, the property graph as GraphML, RDF as Turtle."""

from __future__ import annotations

import io

import networkx as nx

from graph.store import GraphStore
from ontology import Ontology


def export_jsonl(store: GraphStore) -> str:
    """One study record per line, every fact with its provenance (``facekg load`` reads it back)."""
    return "".join(record.model_dump_json(exclude_none=False) + "\n" for record in store.studies())


def export_graphml(store: GraphStore) -> str:
    """The property graph as stored (labels, relationship types, properties), for Gephi, yEd or Neo4j."""
    rows = store.export_rows()
    graph = nx.MultiDiGraph()
    for node in rows.nodes:
        graph.add_node(node.key, labels=f":{node.label}", **{k: v for k, v in node.props.items() if v is not None})
    for edge in rows.edges:
        graph.add_edge(edge.source, edge.target, type=edge.type,
                       **{k: v for k, v in edge.props.items() if v is not None})
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def export_turtle(store: GraphStore, ontology: Ontology) -> str:
    """The ontology plus every study and review update as RDF instances of it, in Turtle (see :mod:`graph.rdf`)."""
    from graph.rdf import studies_graph

    graph = studies_graph(store.studies(), ontology, store.review_updates())
    return graph.serialize(format="turtle")
