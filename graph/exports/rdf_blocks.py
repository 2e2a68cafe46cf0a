"""The whole review as RDF subject blocks, one study at a time: what the Turtle and JSON-LD writers stream.

A block is a subject with its ``(predicate, object)`` pairs in first-seen order,
repeats dropped. The ontology comes first, then every review update, then each
study's blocks as :func:`graph.exports.rdf_mapping.study_triples` gives them, so
no whole-review graph is ever held: memory stays that of one study. Unmapped
concepts are the only subjects studies share; each of their triples is written
once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.term import Node

from facekg.records import ReviewUpdate, StudyRecord
from graph.exports.iris import study_iri
from graph.exports.rdf_mapping import Object, Triple, study_triples, update_triples
from ontology import Ontology

Block = tuple[Node, list[tuple[URIRef, Object]]]


def blocks(triples: Iterable[Triple]) -> list[Block]:
    """``triples`` grouped by subject, subjects and pairs in first-seen order, repeated triples dropped."""
    grouped: dict[Node, dict[tuple[URIRef, Object], None]] = {}
    for subject, predicate, obj in triples:
        grouped.setdefault(subject, {})[(predicate, obj)] = None
    return [(subject, list(pairs)) for subject, pairs in grouped.items()]


@functools.lru_cache(maxsize=4)
def _graph_blocks(graph: Graph) -> tuple[Block, ...]:
    """A graph's blocks, subjects sorted (the ontology's: computed once per process)."""
    ordered = sorted(graph, key=lambda t: (t[0], t[1], t[2]))
    return tuple(blocks((s, p, o) for s, p, o in ordered if isinstance(p, URIRef)))


def ontology_blocks(ontology: Ontology) -> tuple[Block, ...]:
    return _graph_blocks(ontology.graph)


def review_blocks(updates: Iterable[ReviewUpdate], studies: Iterable[StudyRecord],
                  ontology: Ontology | None = None) -> Iterator[Block]:
    """The ontology's blocks (when given), each update's, then each study's, read one study at a time."""
    if ontology is not None:
        yield from ontology_blocks(ontology)
    for update in updates:
        yield from blocks(update_triples(update))
    shared: set[tuple[Node, URIRef, Object]] = set()  # triples on unmapped concepts written so far
    for study in studies:
        own = study_iri(study.id)
        for subject, pairs in blocks(study_triples(study)):
            if subject != URIRef(own) and not str(subject).startswith(f"{own}/"):
                pairs = [pair for pair in pairs if (subject, *pair) not in shared]
                shared.update((subject, *pair) for pair in pairs)
                if not pairs:
                    continue
            yield subject, pairs
