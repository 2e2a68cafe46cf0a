"""The whole graph as JSON-LD: the same triples as the Turtle export, for JSON tooling."""

from __future__ import annotations

import json

from rdflib import Graph

from facekg.errors import InputError
from facekg.records import ReviewUpdate, StudyRecord
from graph.exports.rdf_mapping import read_review_graph, review_graph
from graph.store import GraphStore
from ontology import JSONLD_CONTEXT, Ontology

MEDIA_TYPE = "application/ld+json"


def export_jsonld(store: GraphStore, ontology: Ontology) -> str:
    graph = review_graph(store.review_updates(), store.studies(), ontology)
    return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=1)


def read_jsonld(text: str, file: str) -> tuple[list[ReviewUpdate], list[StudyRecord]]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", file=file) from exc
    graph = Graph()
    try:
        graph.parse(data=text, format="json-ld")
    except Exception as exc:  # rdflib's JSON-LD parser raises several types
        raise InputError(f"not valid JSON-LD: {exc}", file=file) from exc
    return read_review_graph(graph, file)
