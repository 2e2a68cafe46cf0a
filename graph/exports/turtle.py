"""The whole graph as Turtle: the ontology, every review update, every study with its facts and provenance.

Written subject block by subject block (:mod:`.rdf_blocks`), one study at a time, so the export's memory is
that of one study whatever the review's size; rdflib reads it back (:func:`read_turtle`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from facekg.errors import InputError
from facekg.records import ReviewUpdate, StudyRecord
from graph.exports.chunks import encoded
from graph.exports.rdf_blocks import Block, review_blocks
from graph.exports.rdf_mapping import PREFIXES, Object, RDFList, read_review_graph
from graph.exports.rdf_terms import prefixed_name
from graph.store import GraphStore
from ontology import Ontology

MEDIA_TYPE = "text/turtle"
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_INTEGER = re.compile(r"[+-]?[0-9]+")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@functools.lru_cache(maxsize=1 << 14)
def _iri(iri: str) -> str:
    """An IRI as a prefixed name or ``<...>`` (kept: predicates, classes and concepts recur in every study)."""
    short = prefixed_name(iri)
    if short is not None:
        return short
    return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


_TYPE, _XSD_INTEGER, _XSD_BOOLEAN, _XSD_STRING = (str(iri) for iri in (RDF.type, XSD.integer, XSD.boolean, XSD.string))
_same = str.__eq__  # IRIs compared as text: rdflib's own comparison costs a Python call each


def _literal(literal: Literal) -> str:
    lexical = str(literal)
    datatype = literal.datatype
    if datatype is None:
        quoted = '"' + lexical.translate(_ESCAPES) + '"'
        return f"{quoted}@{literal.language}" if literal.language else quoted
    if _same(datatype, _XSD_INTEGER) and _INTEGER.fullmatch(lexical):
        return lexical
    if _same(datatype, _XSD_BOOLEAN) and lexical in ("true", "false"):
        return lexical
    quoted = '"' + lexical.translate(_ESCAPES) + '"'
    return quoted if _same(datatype, _XSD_STRING) else f"{quoted}^^{_iri(str(datatype))}"


def term(node: Node | Object) -> str:
    """One RDF term (or an :class:`RDFList`) in Turtle."""
    if isinstance(node, Literal):
        return _literal(node)
    if isinstance(node, URIRef):
        return _iri(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, RDFList):
        return "( " + " ".join(term(item) for item in node) + " )" if node else "()"
    raise TypeError(f"not an RDF term: {node!r}")


def block_text(block: Block) -> str:
    """A subject's statements: ``s p o1 , o2 ;`` ... ``.``, predicates in first-seen order."""
    subject, pairs = block
    objects: dict[URIRef, list[str]] = {}
    for predicate, obj in pairs:
        objects.setdefault(predicate, []).append(term(obj))
    lines = [("a" if _same(predicate, _TYPE) else _iri(str(predicate))) + " " + " , ".join(values)
             for predicate, values in objects.items()]
    return term(subject) + " " + " ;\n    ".join(lines) + " .\n\n"


def turtle_texts(updates: list[ReviewUpdate], studies: Iterator[StudyRecord],
                 ontology: Ontology | None) -> Iterator[str]:
    yield "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items()) + "\n"
    for block in review_blocks(updates, studies, ontology):
        yield block_text(block)


def stream_turtle(store: GraphStore, ontology: Ontology) -> Iterator[bytes]:
    """The export as UTF-8 chunks, read from the store one study at a time."""
    return encoded(turtle_texts(store.review_updates(), store.studies(), ontology))


def export_turtle(store: GraphStore, ontology: Ontology) -> str:
    return b"".join(stream_turtle(store, ontology)).decode("utf-8")


def read_turtle(text: str, file: str) -> tuple[list[ReviewUpdate], list[StudyRecord]]:
    """The updates and studies of a Turtle export; InputError names the file (and the line when rdflib says)."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises its parser's own exception types
        raise InputError(f"not valid Turtle: {exc}", file=file) from exc
    return read_review_graph(graph, file)
