"""Studies as RDF instances of the facekg ontology, for SPARQL users and linked-data exports.

Classes and object properties come from :mod:`graph.schema` (:data:`~graph.schema.LABEL_CLASS`,
:data:`~graph.schema.EDGE_PROPERTY`, :data:`~graph.schema.FLAG_PROPERTY`), so the RDF names the same
things the property graph does. A study ``fkg:study/<id>`` has its title and id (``dcterms``), year,
DOI, PMID, image modality and retraction status; it ``addresses`` conditions, ``usesArchitecture``
architectures and ``mentionsGene`` genes (ontology IRIs when mapped, ``fkg:unmapped/<kind>/<slug>``
with the name as ``rdfs:label`` when not); ``reportsResult`` results ``fkg:study/<id>/result/<n>``
with the metric they measure, value, bounds, unit, denominator, printed value, test-set context and
subject; ``reportsDemographic`` each attribute it reports; the two design flags; and the review update
it was ``addedIn`` (typed, with ``createdAt``, when the update is passed in).

This export is lossy on purpose; it leaves out exactly:

- every fact's provenance (source, reviewer, evidence span, extractor version, review update, source
  URLs), the screening suggestion and decision;
- the study fields the ontology has no property for: abstract, authors, first author, journal,
  keywords, source URLs, notes, sample description, the study-level deep-learning flag;
- samples (the ontology's participant and image counts need a reviewer's reading of each unit);
- demographic attributes stated as not reported or not seen (only reported ones are asserted), and
  ``subgroup_performance``; flags whose value is unknown, and the subgroup-performance flag;
- a gene's HGNC id, a mention's own ``is_deep_learning`` and a result's ``condition``.

For everything, use ``facekg export --format jsonl`` (study records) or ``graphml`` (the property graph).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from facekg.identity import slug
from facekg.records import ReviewUpdate, StudyRecord
from graph.schema import EDGE_PROPERTY, FLAG_PROPERTY, LABEL_CLASS, UNMAPPED, Edge, Label
from ontology import FKG, NAMESPACE, Ontology


def _property(edge_type: str) -> URIRef:
    prop = EDGE_PROPERTY[edge_type]
    if prop is None:
        raise ValueError(f"{edge_type} has no ontology property")
    return prop


def _class(label: str) -> URIRef:
    cls = LABEL_CLASS[label]
    if cls is None:
        raise ValueError(f"{label} has no ontology class")
    return cls


class _StudyGraph:
    """One RDF graph being filled, with the ontology to tell mapped concepts from the rest."""

    def __init__(self, ontology: Ontology) -> None:
        self.ontology = ontology
        self.graph = Graph()
        self.graph.bind("fkg", NAMESPACE)
        self.graph.bind("dcterms", DCTERMS)
        self.graph += ontology.graph

    def concept(self, label: str, concept_id: str | None, name: str) -> URIRef:
        """The ontology IRI of a mapped concept; else an ``unmapped/`` IRI typed and labelled here."""
        if concept_id and concept_id in self.ontology:
            return URIRef(NAMESPACE + concept_id)
        target = URIRef(f"{NAMESPACE}{UNMAPPED}/{label.lower()}/{slug(name)}")
        self.graph.add((target, RDF.type, _class(label)))
        self.graph.add((target, RDFS.label, Literal(name)))
        return target

    def add_study(self, study: StudyRecord) -> None:
        graph = self.graph
        node = URIRef(f"{NAMESPACE}study/{study.id}")
        graph.add((node, RDF.type, _class(Label.STUDY)))
        graph.add((node, DCTERMS.title, Literal(study.title)))
        graph.add((node, DCTERMS.identifier, Literal(study.id)))
        if study.year is not None:
            graph.add((node, FKG.year, Literal(str(study.year), datatype=XSD.gYear)))
        for predicate, text in ((FKG.doi, study.doi), (FKG.pmid, study.pmid),
                                (FKG.imageModality, study.image_modality)):
            if text:
                graph.add((node, predicate, Literal(text)))
        graph.add((node, FKG.retracted, Literal(study.retracted)))
        for condition in study.conditions:
            graph.add((node, _property(Edge.ADDRESSES),
                       self.concept(Label.CONDITION, condition.concept_id, condition.name)))
        for architecture in study.architectures:
            graph.add((node, _property(Edge.USES_ARCHITECTURE),
                       self.concept(Label.ARCHITECTURE, architecture.concept_id, architecture.name)))
        for gene in study.genes:
            symbol = gene.symbol.upper()
            graph.add((node, _property(Edge.REPORTS_GENE), self.concept(Label.GENE, symbol, symbol)))
        for index, result in enumerate(study.metrics):
            result_node = URIRef(f"{NAMESPACE}study/{study.id}/result/{index}")
            graph.add((node, _property(Edge.REPORTS_RESULT), result_node))
            graph.add((result_node, RDF.type, _class(Label.RESULT)))
            graph.add((result_node, _property(Edge.MEASURES),
                       self.concept(Label.METRIC, result.metric_id, result.metric)))
            for predicate, value in ((FKG.value, result.value), (FKG.ciLow, result.ci_low),
                                     (FKG.ciHigh, result.ci_high)):
                if value is not None:
                    graph.add((result_node, predicate, Literal(value, datatype=XSD.decimal)))
            if result.denominator is not None:
                graph.add((result_node, FKG.denominator, Literal(result.denominator, datatype=XSD.integer)))
            for predicate, text in ((FKG.unit, result.unit), (FKG.valueText, result.value_text),
                                    (FKG.testSetContext, result.context), (FKG.subject, result.subject)):
                if text:
                    graph.add((result_node, predicate, Literal(text)))
        for report in study.demographics:
            if report.reported:
                graph.add((node, _property(Edge.REPORTS_DEMOGRAPHIC), URIRef(NAMESPACE + report.attribute)))
        for flag in study.flags:
            flag_property = FLAG_PROPERTY[flag.name]
            if flag.value is not None and flag_property is not None:
                graph.add((node, flag_property, Literal(flag.value)))
        if study.review_update:
            graph.add((node, _property(Edge.ADDED_IN), self.update_iri(study.review_update)))

    def add_update(self, update: ReviewUpdate) -> None:
        node = self.update_iri(update.id)
        self.graph.add((node, RDF.type, _class(Label.REVIEW_UPDATE)))
        self.graph.add((node, FKG.createdAt, Literal(update.created_at, datatype=XSD.dateTime)))
        self.graph.add((node, DCTERMS.source, Literal(update.source)))

    @staticmethod
    def update_iri(update_id: str) -> URIRef:
        return URIRef(f"{NAMESPACE}update/{update_id}")


def studies_graph(studies: Iterable[StudyRecord], ontology: Ontology,
                  updates: Iterable[ReviewUpdate] = ()) -> Graph:
    """The ontology graph plus one ``fkg:Study`` per study (and each review update), as triples."""
    builder = _StudyGraph(ontology)
    for update in updates:
        builder.add_update(update)
    for study in studies:
        builder.add_study(study)
    return builder.graph
