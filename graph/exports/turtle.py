"""The whole graph as Turtle: the ontology, every review update, every study with its facts and provenance."""

from __future__ import annotations

from rdflib import Graph

from facekg.errors import InputError
from facekg.records import ReviewUpdate, StudyRecord
from graph.exports.rdf_mapping import read_review_graph, review_graph
from graph.store import GraphStore
from ontology import Ontology

MEDIA_TYPE = "text/turtle"


def export_turtle(store: GraphStore, ontology: Ontology) -> str:
    return review_graph(store.review_updates(), store.studies(), ontology).serialize(format="turtle")


def read_turtle(text: str, file: str) -> tuple[list[ReviewUpdate], list[StudyRecord]]:
    """The updates and studies of a Turtle export; InputError names the file (and the line when rdflib says)."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises its parser's own exception types
        raise InputError(f"not valid Turtle: {exc}", file=file) from exc
    return read_review_graph(graph, file)
