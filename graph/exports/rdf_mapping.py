"""Study records and review updates as RDF, and back, without loss: the core of the Turtle and JSON-LD exports.

Every study is an ``fkg:Study``; every fact is an ``fkg:Fact`` node of its own
(``<study>/<kind>/<ordinal>``) linked by ``fkg:hasFact``, with its provenance
and evidence as nodes below it, so evidence spans, reviewers and review updates
survive the trip. Beside those, the graph carries the direct triples a SPARQL
user expects (``fkg:addresses`` the condition class, ``fkg:usesArchitecture``,
``fkg:reportsResult``/``fkg:measures``, ``fkg:reportsDemographic``, ...); reading
back uses the fact nodes only.

Writing yields triples, one study at a time (:func:`study_triples`,
:func:`update_triples`): the Turtle and JSON-LD exports stream them
(:mod:`graph.exports.rdf_blocks`), and :func:`review_graph` collects them into
one rdflib graph for a few studies. Reading takes an rdflib graph.

Which predicate carries which field is data (the ``*_FIELDS`` tables); the
walk over a pydantic model is generic. Floats are written as ``xsd:decimal``
from their shortest repr (rdflib writes doubles with 7 digits), lists as RDF
collections, nested JSON (screening reasons, update counts) as ``rdf:JSON``.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from facekg.errors import InputError
from facekg.records import (
    Evidence,
    Fact,
    MetricResult,
    Provenance,
    ReviewUpdate,
    SampleFact,
    ScreeningDecision,
    StudyFlag,
    StudyRecord,
    Subgroup,
)
from graph.exports.iris import concept_iri, fact_iri, gene_iri, study_iri, update_iri
from graph.schema import EDGE_PROPERTY, FACT_EDGES, FLAG_PROPERTY, LABEL_CLASS, Edge, Label
from ontology import FKG, JSONLD_CONTEXT, NAMESPACE, Ontology

SCHEMA = Namespace("https://schema.org/")
# The prefixes the RDF exports write: the ontology's JSON-LD context and the vocabularies the mapping uses.
PREFIXES: dict[str, str] = {**JSONLD_CONTEXT, "dcterms": str(DCTERMS), "rdf": str(RDF)}
FACT_CLASSES: dict[str, type[Fact]] = {edge.fact_list: edge.fact_class for edge in FACT_EDGES}
_LINKS = "__links__"  # marks a field written as an IRI to a review update

STUDY_FIELDS: dict[str, URIRef] = {
    "id": DCTERMS.identifier, "title": DCTERMS.title, "abstract": DCTERMS.abstract, "authors": DCTERMS.creator,
    "first_author": FKG.firstAuthor, "year": FKG.year, "journal": FKG.journal, "doi": FKG.doi, "pmid": FKG.pmid,
    "keywords": SCHEMA.keywords, "source_urls": DCTERMS.source, "notes": SKOS.note, "retracted": FKG.retracted,
    "image_modality": FKG.imageModality, "is_deep_learning": FKG.isDeepLearning,
    "sample_description": FKG.sampleDescription, "screening": FKG.screening, "review_update": FKG.addedIn,
    "rejected_claims": FKG.rejectedClaims,
}
FACT_FIELDS: dict[str, URIRef] = {
    "name": FKG.statedName, "metric": FKG.statedName, "concept_id": FKG.conceptId, "metric_id": FKG.conceptId,
    "symbol": FKG.geneSymbol, "hgnc_id": FKG.hgncId, "is_deep_learning": FKG.isDeepLearning,
    "value_text": FKG.valueText, "unit": FKG.unit, "ci_low": FKG.ciLow, "ci_high": FKG.ciHigh,
    "denominator": FKG.denominator, "context": FKG.testSetContext, "condition": FKG.forCondition,
    "subject": FKG.subject, "description": DCTERMS.description, "attribute": FKG.attribute,
    "reported": FKG.reported, "subgroup_performance": FKG.subgroupPerformance, "provenance": FKG.provenance,
    "tp": FKG.truePositives, "fp": FKG.falsePositives, "fn": FKG.falseNegatives, "tn": FKG.trueNegatives,
    "counts_source": FKG.countsSource, "positives": FKG.positives, "negatives": FKG.negatives,
    "test_set": FKG.testSet, "top_k": FKG.topK, "subgroup": FKG.subgroup, "values": FKG.namedValue,
}
# ``value`` means a figure, a count or a yes/no depending on the fact: one predicate each.
VALUE_FIELD: dict[type[Fact], URIRef] = {MetricResult: FKG.value, SampleFact: FKG.count, StudyFlag: FKG.flagValue}
PROVENANCE_FIELDS: dict[str, URIRef] = {
    "source": FKG.factSource, "reviewer": FKG.reviewer, "evidence": FKG.evidence,
    "extractor_version": FKG.extractorVersion, "reviewers": FKG.independentReviewer,
    "review_update": FKG.addedIn, "source_urls": DCTERMS.source,
}
EVIDENCE_FIELDS: dict[str, URIRef] = {
    "text": FKG.evidenceText, "start": FKG.startOffset, "end": FKG.endOffset, "sentence": FKG.sentence,
    "field": FKG.textField,
}
SCREENING_FIELDS: dict[str, URIRef] = {
    "suggestion": FKG.suggestion, "reasons": FKG.screeningReasons, "decided_by": FKG.decidedBy,
    "decision": FKG.decision, "status": FKG.screeningStatus, "review_reasons": FKG.reviewReasons,
}
SUBGROUP_FIELDS: dict[str, URIRef] = {
    "attribute": FKG.subgroupAttribute, "value": FKG.subgroupValue, "scale": FKG.subgroupScale,
}
UPDATE_FIELDS: dict[str, URIRef] = {
    "id": DCTERMS.identifier, "created_at": FKG.createdAt, "source": FKG.updateSource,
    "description": DCTERMS.description, "counts": FKG.counts,
}
NESTED: dict[type[BaseModel], tuple[dict[str, URIRef], URIRef]] = {
    Provenance: (PROVENANCE_FIELDS, FKG.Provenance), Evidence: (EVIDENCE_FIELDS, FKG.Evidence),
    ScreeningDecision: (SCREENING_FIELDS, FKG.ScreeningDecision), Subgroup: (SUBGROUP_FIELDS, FKG.Subgroup),
}


def _fields(model: type[BaseModel]) -> dict[str, URIRef]:
    if model is StudyRecord:
        return STUDY_FIELDS
    if model is ReviewUpdate:
        return UPDATE_FIELDS
    if model in NESTED:
        return NESTED[model][0]
    table = dict(FACT_FIELDS)
    if model in VALUE_FIELD:
        table["value"] = VALUE_FIELD[model]
    return table


def _base_type(model: type[BaseModel], name: str) -> Any:
    """The field's type without ``None`` (``Literal[...]`` counts as ``str``)."""
    annotation = model.model_fields[name].annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)] \
        if typing.get_origin(annotation) in (typing.Union, types.UnionType) else [annotation]
    base = args[0] if len(args) == 1 else annotation
    return str if typing.get_origin(base) is typing.Literal else base


def _is_text_list(model: type[BaseModel], name: str) -> bool:
    base = _base_type(model, name)
    return typing.get_origin(base) is list and typing.get_args(base) == (str,)


# -- writing ---------------------------------------------------------------------------------------------------
class RDFList(tuple[Node, ...]):
    """An RDF collection as one object: Turtle writes it as ``( ... )``, JSON-LD as ``@list``, a Graph as nodes."""


Object = Node | RDFList
Triple = tuple[Node, URIRef, Object]


_TYPE, _INTEGER, _DECIMAL = RDF.type, XSD.integer, XSD.decimal


@functools.lru_cache(maxsize=8192)
def _kept_literal(kind: str, value: Any) -> Literal:
    """A literal of a value that recurs (units, sources, flags, small counts): made once, not per fact.

    Floats are never kept: ``0.0 == -0.0`` would share one lexical form.
    """
    return _new_literal(value)


def _new_literal(value: Any) -> Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=_INTEGER)
    if isinstance(value, float):
        return Literal(format(Decimal(repr(value)), "f"), datatype=_DECIMAL)
    if isinstance(value, dict | list):
        return Literal(json.dumps(value, sort_keys=True, ensure_ascii=False), datatype=RDF.JSON)
    return Literal(str(value))


def _literal(value: Any) -> Node:
    if isinstance(value, dict | list | float) or (isinstance(value, str) and len(value) > 64):
        return _new_literal(value)
    return _kept_literal(type(value).__name__, value)


@functools.cache
def _writing_plan(model: type[BaseModel]) -> tuple[tuple[str, URIRef, bool], ...]:
    """Per field of ``model`` written as triples: its name, its predicate and whether it is a list of text."""
    table = _fields(model)
    return tuple((name, table[name], _is_text_list(model, name)) for name in model.model_fields
                 if name not in FACT_CLASSES)


def _model_triples(node: URIRef, model: BaseModel, iri_base: str) -> Iterator[Triple]:
    """Each non-None field of ``model`` as a triple on ``node`` (nested models as nodes below ``iri_base``)."""
    for name, predicate, text_list in _writing_plan(type(model)):
        value = getattr(model, name)
        if value is None:
            continue
        if isinstance(value, BaseModel):
            child = URIRef(f"{iri_base}/{name}")
            yield node, predicate, child
            yield child, _TYPE, NESTED[type(value)][1]
            yield from _model_triples(child, value, f"{iri_base}/{name}")
        elif name == "review_update":
            yield node, predicate, URIRef(update_iri(str(value)))
        elif text_list:
            if value:  # an empty list is the default: nothing to say
                yield node, predicate, RDFList(_literal(str(v)) for v in value)
        else:
            yield node, predicate, _literal(value)


def _edge(edge_type: str) -> URIRef:
    predicate = EDGE_PROPERTY[edge_type]
    assert predicate is not None, edge_type
    return predicate


def _class(label: str) -> URIRef:
    cls = LABEL_CLASS[label]
    assert cls is not None, label
    return cls


def _shortcut_triples(node: URIRef, study: StudyRecord) -> Iterator[Triple]:
    """The direct triples SPARQL users query (not read back: the fact nodes hold everything).

    Predicates and classes are the schema's (:data:`graph.schema.EDGE_PROPERTY`, ``LABEL_CLASS``,
    ``FLAG_PROPERTY``): the property graph's edge types and the RDF properties are one mapping.
    """
    for condition in study.conditions:
        target = URIRef(concept_iri(condition.concept_id, condition.name, "condition"))
        yield node, _edge(Edge.ADDRESSES), target
        if str(target).startswith(f"{NAMESPACE}unmapped/"):
            yield target, RDF.type, _class(Label.CONDITION)
            yield target, RDFS.label, Literal(condition.name)
    for architecture in study.architectures:
        yield node, _edge(Edge.USES_ARCHITECTURE), URIRef(
            concept_iri(architecture.concept_id, architecture.name, "architecture"))
    for gene in study.genes:
        yield node, _edge(Edge.REPORTS_GENE), URIRef(gene_iri(gene.symbol))
    for ordinal, result in enumerate(study.metrics):
        fact = URIRef(fact_iri(study.id, "metrics", ordinal))
        yield node, _edge(Edge.REPORTS_RESULT), fact
        yield fact, RDF.type, _class(Label.RESULT)
        yield fact, _edge(Edge.MEASURES), URIRef(concept_iri(result.metric_id, result.metric, "metric"))
    for ordinal, _sample in enumerate(study.samples):
        fact = URIRef(fact_iri(study.id, "samples", ordinal))
        yield node, _edge(Edge.HAS_SAMPLE), fact
        yield fact, RDF.type, _class(Label.SAMPLE)
    for report in study.demographics:
        if report.reported:
            yield node, _edge(Edge.REPORTS_DEMOGRAPHIC), URIRef(NAMESPACE + report.attribute)
    for flag in study.flags:
        predicate = FLAG_PROPERTY.get(flag.name)
        if flag.value is not None and predicate is not None:
            yield node, predicate, Literal(flag.value)


_HAS_FACT, _FACT, _FACT_KIND, _ORDINAL = FKG.hasFact, FKG.Fact, FKG.factKind, FKG.ordinal


def study_triples(study: StudyRecord) -> Iterator[Triple]:
    """One study's triples: the study, each fact node with its provenance, then the shortcuts.

    A study may repeat a triple (a condition named twice); writers drop repeats. The only subjects
    outside the study's own IRI are unmapped concepts (``fkg:unmapped/...``), which studies share.
    """
    node = URIRef(study_iri(study.id))
    yield node, RDF.type, _class(Label.STUDY)
    yield from _model_triples(node, study, str(node))
    for kind, facts in study.fact_lists().items():
        for ordinal, fact in enumerate(facts):
            fact_node = URIRef(fact_iri(study.id, kind, ordinal))
            yield node, _HAS_FACT, fact_node
            yield fact_node, _TYPE, _FACT
            yield fact_node, _FACT_KIND, _literal(kind)
            yield fact_node, _ORDINAL, _literal(ordinal)
            yield from _model_triples(fact_node, fact, str(fact_node))
    yield from _shortcut_triples(node, study)


def update_triples(update: ReviewUpdate) -> Iterator[Triple]:
    node = URIRef(update_iri(update.id))
    yield node, RDF.type, FKG.ReviewUpdate
    yield from _model_triples(node, update, str(node))


def add_triples(graph: Graph, triples: Iterable[Triple]) -> None:
    """Add ``triples`` to an rdflib graph, each :class:`RDFList` as a collection of blank nodes."""
    for subject, predicate, obj in triples:
        if isinstance(obj, RDFList):
            head = BNode()
            Collection(graph, head, list(obj))
            graph.add((subject, predicate, head))
        else:
            graph.add((subject, predicate, obj))


def add_study(graph: Graph, study: StudyRecord) -> None:
    add_triples(graph, study_triples(study))


def add_update(graph: Graph, update: ReviewUpdate) -> None:
    add_triples(graph, update_triples(update))


def review_graph(updates: Iterable[ReviewUpdate], studies: Iterable[StudyRecord],
                 ontology: Ontology | None = None) -> Graph:
    """One rdflib graph of the review (for a few studies: the exports stream, see :mod:`.rdf_blocks`)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if ontology is not None:
        graph += ontology.graph
    for update in updates:
        add_update(graph, update)
    for study in studies:
        add_study(graph, study)
    return graph


# -- reading ---------------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, graph: Graph, file: str) -> None:
        self.graph = graph
        self.file = file

    def fail(self, node: Node, field: str, message: str) -> InputError:
        return InputError(message, file=self.file, record=str(node), field=field)

    def _scalar(self, model: type[BaseModel], name: str, node: Node, value: Node) -> Any:
        if not isinstance(value, Literal):
            raise self.fail(node, name, f"expected a literal, found {value}")
        base = _base_type(model, name)
        if base is str:
            return str(value)
        if value.datatype == RDF.JSON:
            return json.loads(str(value))
        python = value.toPython()
        if base is float and not isinstance(python, bool):
            return float(Decimal(str(value)))
        return python if not isinstance(python, Literal) else str(value)

    def read_model(self, model: type[BaseModel], node: Node) -> dict[str, Any]:
        table = _fields(model)
        data: dict[str, Any] = {}
        for name in model.model_fields:
            if name in FACT_CLASSES or name not in table:
                continue
            values = list(self.graph.objects(node, table[name]))
            if not values:
                continue
            if len(values) > 1:
                raise self.fail(node, name, f"{len(values)} values for a single-valued field")
            value = values[0]
            base = _base_type(model, name)
            if isinstance(base, type) and issubclass(base, BaseModel):
                data[name] = self.read_model(base, value)
            elif name == "review_update":
                data[name] = str(value).removeprefix(f"{NAMESPACE}update/")
            elif _is_text_list(model, name):
                data[name] = [str(item) for item in Collection(self.graph, value)]
            else:
                data[name] = self._scalar(model, name, node, value)
        return data

    def study(self, node: Node) -> StudyRecord:
        data = self.read_model(StudyRecord, node)
        lists: dict[str, list[tuple[int, dict[str, Any]]]] = {kind: [] for kind in FACT_CLASSES}
        for fact in self.graph.objects(node, FKG.hasFact):
            kind = str(self.graph.value(fact, FKG.factKind) or "")
            if kind not in FACT_CLASSES:
                raise self.fail(fact, "factKind", f"unknown fact kind {kind!r}; expected one of "
                                                  f"{', '.join(FACT_CLASSES)}")
            ordinal = self.graph.value(fact, FKG.ordinal)
            if not isinstance(ordinal, Literal) or not isinstance(ordinal.toPython(), int):
                raise self.fail(fact, "ordinal", "a fact needs an integer fkg:ordinal")
            lists[kind].append((int(ordinal.toPython()), self.read_model(FACT_CLASSES[kind], fact)))
        for kind, items in lists.items():
            data[kind] = [fact for _ordinal, fact in sorted(items, key=lambda item: item[0])]
        try:
            return StudyRecord.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            raise self.fail(node, ".".join(str(p) for p in error["loc"]), error["msg"]) from exc

    def update(self, node: Node) -> ReviewUpdate:
        try:
            return ReviewUpdate.model_validate(self.read_model(ReviewUpdate, node))
        except ValidationError as exc:
            error = exc.errors()[0]
            raise self.fail(node, ".".join(str(p) for p in error["loc"]), error["msg"]) from exc


def read_review_graph(graph: Graph, file: str) -> tuple[list[ReviewUpdate], list[StudyRecord]]:
    """The review updates (oldest first) and studies (by id) an exported graph holds; ontology triples are ignored.

    Raises :class:`facekg.errors.InputError` naming the file, the node and the field.
    """
    reader = _Reader(graph, file)
    updates = [reader.update(node) for node in graph.subjects(RDF.type, FKG.ReviewUpdate)]
    studies = [reader.study(node) for node in graph.subjects(RDF.type, FKG.Study)]
    updates.sort(key=lambda u: (u.created_at, u.id))
    studies.sort(key=lambda s: s.id)
    return updates, studies
