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

Each format is written as a stream of byte chunks (:attr:`ExportFormat.stream`); Turtle, JSON-LD, the CSV
zip and JSONL read the store one study at a time, so their memory does not grow with the review (GraphML
is still built whole, through networkx).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
    stream: Callable[[GraphStore, Ontology], Iterator[bytes]]
    read: Callable[[bytes, str], History] | None

    def write(self, store: GraphStore, ontology: Ontology) -> bytes:
        """The whole export in memory (small reviews, tests); servers and the CLI write :attr:`stream`."""
        return b"".join(self.stream(store, ontology))


def _whole(write: Callable[[GraphStore, Ontology], bytes]) -> Callable[[GraphStore, Ontology], Iterator[bytes]]:
    """A format built whole as one chunk (GraphML)."""
    return lambda store, ontology: iter((write(store, ontology),))


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
                 turtle.stream_turtle, _decoded(turtle.read_turtle)),
    ExportFormat("jsonld", "facekg.jsonld", jsonld.MEDIA_TYPE, "the same RDF as JSON-LD",
                 jsonld.stream_jsonld, _decoded(jsonld.read_jsonld)),
    ExportFormat("graphml", "facekg.graphml", graphml.MEDIA_TYPE,
                 "the property graph as stored (Gephi, yEd, Neo4j)",
                 _whole(lambda store, _ontology: graphml.export_graphml(store).encode("utf-8")),
                 _decoded(graphml.read_graphml)),
    ExportFormat("csv", "facekg-csv.zip", csv_tables.MEDIA_TYPE,
                 "CSV tables in long format: studies, facts, results, updates (zip)",
                 lambda store, _ontology: csv_tables.stream_csv_bundle(store), csv_tables.read_csv_bundle),
    ExportFormat("jsonl", "facekg-studies.jsonl", jsonl.MEDIA_TYPE,
                 "study records, one JSON object per line (facekg load reads it)",
                 lambda store, _ontology: jsonl.stream_jsonl(store), None),
)}


def export_format(name: str) -> ExportFormat:
    """The format by name; InvalidQuery naming ``format`` when unknown."""
    if name not in FORMATS:
        raise InvalidQuery("format", f"unknown export format {name!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[name]
