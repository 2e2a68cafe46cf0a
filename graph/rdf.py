"""Studies as RDF instances of the facekg ontology, for SPARQL users and linked-data exports."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from facekg.records import StudyRecord
from graph.mapping import slug
from ontology import FKG, NAMESPACE, Ontology


def _concept_iri(concept_id: str | None, name: str, kind: str) -> URIRef:
    if concept_id and not concept_id.startswith(("OMIM:", "ORPHA:", "unmapped")):
        return URIRef(NAMESPACE + concept_id)
    return URIRef(f"{NAMESPACE}unmapped/{kind}/{slug(name)}")


def studies_graph(studies: Iterable[StudyRecord], ontology: Ontology) -> Graph:
    """The ontology graph plus one ``fkg:Study`` per study, with its facts as triples."""
    graph = Graph()
    graph.bind("fkg", NAMESPACE)
    graph.bind("dcterms", DCTERMS)
    graph += ontology.graph
    for study in studies:
        node = URIRef(f"{NAMESPACE}study/{study.id}")
        graph.add((node, RDF.type, FKG.Study))
        graph.add((node, DCTERMS.title, Literal(study.title)))
        graph.add((node, DCTERMS.identifier, Literal(study.id)))
        if study.year is not None:
            graph.add((node, FKG.year, Literal(str(study.year), datatype=XSD.gYear)))
        if study.doi:
            graph.add((node, FKG.doi, Literal(study.doi)))
        if study.pmid:
            graph.add((node, FKG.pmid, Literal(study.pmid)))
        graph.add((node, FKG.retracted, Literal(study.retracted)))
        for condition in study.conditions:
            target = _concept_iri(condition.concept_id, condition.name, "condition")
            graph.add((node, FKG.addresses, target))
            if target.startswith(f"{NAMESPACE}unmapped/"):
                graph.add((target, RDF.type, FKG.Condition))
                graph.add((target, RDFS.label, Literal(condition.name)))
        for architecture in study.architectures:
            target = _concept_iri(architecture.concept_id, architecture.name, "architecture")
            graph.add((node, FKG.usesArchitecture, target))
            if target.startswith(f"{NAMESPACE}unmapped/"):
                graph.add((target, RDFS.label, Literal(architecture.name)))
        for gene in study.genes:
            graph.add((node, FKG.mentionsGene, URIRef(f"{NAMESPACE}gene/{gene.symbol.upper()}")))
        for index, result in enumerate(study.metrics):
            result_node = URIRef(f"{NAMESPACE}study/{study.id}/result/{index}")
            graph.add((node, FKG.reportsResult, result_node))
            graph.add((result_node, RDF.type, FKG.Result))
            graph.add((result_node, FKG.measures, _concept_iri(result.metric_id, result.metric, "metric")))
            for predicate, value in ((FKG.value, result.value), (FKG.ciLow, result.ci_low),
                                     (FKG.ciHigh, result.ci_high)):
                if value is not None:
                    graph.add((result_node, predicate, Literal(value, datatype=XSD.decimal)))
            for predicate, text in ((FKG.unit, result.unit), (FKG.valueText, result.value_text),
                                    (FKG.testSetContext, result.context), (FKG.subject, result.subject)):
                if text:
                    graph.add((result_node, predicate, Literal(text)))
        for report in study.demographics:
            if report.reported:
                graph.add((node, FKG.reportsDemographic, URIRef(NAMESPACE + report.attribute)))
        for flag in study.flags:
            if flag.value is not None and flag.name in ("external_validation", "clinician_comparison"):
                predicate = FKG.externalValidation if flag.name == "external_validation" else FKG.clinicianComparison
                graph.add((node, predicate, Literal(flag.value)))
        if study.review_update:
            graph.add((node, FKG.addedIn, URIRef(f"{NAMESPACE}update/{study.review_update}")))
    return graph
