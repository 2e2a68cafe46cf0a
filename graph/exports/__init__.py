"""Whole-graph exports, one module per format, and the importers that read them back losslessly.

=========  ==========================  ============================================
format     module                      what it holds
=========  ==========================  ============================================
ttl        :mod:`.turtle`              ontology + updates + studies as RDF triples
jsonld     :mod:`.jsonld`              the same triples as JSON-LD
graphml    :mod:`.graphml`             the property graph as the stores hold it
csv        :mod:`.csv_tables`          studies, facts, results, updates (zip)
jsonl      :mod:`.jsonl`               study records, one per line (``facekg load``)
=========  ==========================  ============================================

Every format but JSONL keeps the review updates too, so ``facekg import`` into
an empty store gives back identical studies (``tests/test_exports.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from facekg.errors import InputError, InvalidQuery
from facekg.records import ReviewUpdate, StudyRecord
from graph.exports import csv_tables, graphml, jsonl, jsonld, turtle
from graph.store import GraphStore
from ontology import Ontology

History = tuple[list[ReviewUpdate], list[StudyRecord]]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    filename: str
    media_type: str
    description: str
    write: Callable[[GraphStore, Ontology], bytes]
    read: Callable[[bytes, str], History] | None


def _text(write: Callable[[GraphStore, Ontology], str]) -> Callable[[GraphStore, Ontology], bytes]:
    return lambda store, ontology: write(store, ontology).encode("utf-8")


def _decoded(read: Callable[[str, str], History]) -> Callable[[bytes, str], History]:
    def reader(data: bytes, file: str) -> History:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", file=file) from exc
        return read(text, file)
    return reader


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("ttl", "facekg.ttl", turtle.MEDIA_TYPE,
                 "RDF in Turtle: the ontology, every review update, every study and fact with provenance",
                 _text(turtle.export_turtle), _decoded(turtle.read_turtle)),
    ExportFormat("jsonld", "facekg.jsonld", jsonld.MEDIA_TYPE, "the same RDF as JSON-LD",
                 _text(jsonld.export_jsonld), _decoded(jsonld.read_jsonld)),
    ExportFormat("graphml", "facekg.graphml", graphml.MEDIA_TYPE,
                 "the property graph as stored (Gephi, yEd, Neo4j)",
                 _text(lambda store, _ontology: graphml.export_graphml(store)), _decoded(graphml.read_graphml)),
    ExportFormat("csv", "facekg-csv.zip", csv_tables.MEDIA_TYPE,
                 "CSV tables in long format: studies, facts, results, updates (zip)",
                 lambda store, _ontology: csv_tables.export_csv_bundle(store), csv_tables.read_csv_bundle),
    ExportFormat("jsonl", "facekg-studies.jsonl", jsonl.MEDIA_TYPE,
                 "study records, one JSON object per line (facekg load reads it)",
                 _text(lambda store, _ontology: jsonl.export_jsonl(store)), None),
)}


def export_format(name: str) -> ExportFormat:
    """The format by name; InvalidQuery naming ``format`` when unknown."""
    if name not in FORMATS:
        raise InvalidQuery("format", f"unknown export format {name!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[name]
