"""The whole graph as JSON-LD: the same triples as the Turtle export, for JSON tooling.

A flattened document, ``{"@context": ..., "@graph": [node, ...]}``: one node object per subject block
(:mod:`.rdf_blocks`), one per line, written one study at a time. Keys and ``@id``\\ s are compact IRIs of
the context's prefixes, never bare terms, so no term's type coercion applies; typed literals say their type.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from facekg.errors import InputError
from facekg.records import ReviewUpdate, StudyRecord
from graph.exports.chunks import encoded
from graph.exports.rdf_blocks import Block, review_blocks
from graph.exports.rdf_mapping import PREFIXES, Object, RDFList, read_review_graph
from graph.exports.rdf_terms import compact_iri
from graph.store import GraphStore
from ontology import Ontology

MEDIA_TYPE = "application/ld+json"
_CANONICAL_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")


_TYPE, _STRING, _BOOLEAN, _INTEGER = (str(iri) for iri in (RDF.type, XSD.string, XSD.boolean, XSD.integer))
_same = str.__eq__  # IRIs compared as text: rdflib's own comparison costs a Python call each


def _id(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else _compact(str(node))


_compact = functools.lru_cache(maxsize=1 << 14)(compact_iri)  # concepts and classes recur in every study


def value(node: Node | Object) -> Any:
    """One object as a JSON-LD value: a node reference, a string, a number, a value object or a list."""
    if isinstance(node, Literal):
        lexical = str(node)
        datatype = node.datatype
        if datatype is None:
            return {"@value": lexical, "@language": node.language} if node.language else lexical
        if _same(datatype, _STRING):
            return lexical
        if _same(datatype, _BOOLEAN) and lexical in ("true", "false"):
            return lexical == "true"
        if _same(datatype, _INTEGER) and _CANONICAL_INTEGER.fullmatch(lexical):
            return int(lexical)
        return {"@value": lexical, "@type": compact_iri(str(datatype))}
    if isinstance(node, RDFList):
        return {"@list": [value(item) for item in node]}
    return {"@id": _id(node)}


@functools.lru_cache(maxsize=1024)
def _key(predicate: URIRef) -> str:
    """A predicate as a node object's key (predicates are few: kept)."""
    return compact_iri(str(predicate))


def node_object(block: Block) -> dict[str, Any]:
    """A subject block as one flattened node object (``@type`` for ``rdf:type``)."""
    subject, pairs = block
    node: dict[str, Any] = {"@id": _id(subject)}
    types: list[str] = []
    values: dict[str, list[Any]] = {}
    for predicate, obj in pairs:
        if _same(predicate, _TYPE) and isinstance(obj, URIRef):
            types.append(_key(obj))
        else:
            values.setdefault(_key(predicate), []).append(value(obj))
    if types:
        node["@type"] = types[0] if len(types) == 1 else types
    for key, items in values.items():
        node[key] = items[0] if len(items) == 1 else items
    return node


def jsonld_texts(updates: list[ReviewUpdate], studies: Iterator[StudyRecord],
                 ontology: Ontology | None) -> Iterator[str]:
    yield '{"@context": ' + json.dumps(PREFIXES, indent=1) + ',\n"@graph": [\n'
    separator = ""
    for block in review_blocks(updates, studies, ontology):
        yield separator + json.dumps(node_object(block), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def stream_jsonld(store: GraphStore, ontology: Ontology) -> Iterator[bytes]:
    """The export as UTF-8 chunks, read from the store one study at a time."""
    return encoded(jsonld_texts(store.review_updates(), store.studies(), ontology))


def export_jsonld(store: GraphStore, ontology: Ontology) -> str:
    return b"".join(stream_jsonld(store, ontology)).decode("utf-8")


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
