"""The ontology at its namespace path (``/facekg/`` for ``https://w3id.org/facekg/``), by content negotiation.

``/facekg/`` is the whole ontology and ``/facekg/{term}`` one term, as Turtle
(the default for ``*/*``), JSON-LD or an HTML page for browsers. Study IRIs
(``/facekg/study/{id}``) redirect to the study's page or its JSON. A w3id
redirect from the namespace to a facekg deployment makes every IRI in the
exports resolve.
"""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import OWL, SKOS

from api.negotiation import HTML, choose
from api.web.render import render
from api.web.views import ViewDep
from facekg.errors import NotFound
from ontology import JSONLD_CONTEXT, NAMESPACE

TURTLE, JSONLD = "text/turtle", "application/ld+json"
PATH = urlparse(NAMESPACE).path  # "/facekg/"
_KINDS = ((OWL.Class, "class"), (OWL.ObjectProperty, "object property"),
          (OWL.DatatypeProperty, "datatype property"), (OWL.AnnotationProperty, "annotation property"),
          (OWL.NamedIndividual, "individual"))

router = APIRouter(include_in_schema=False)


def _rdf(graph: Graph, media_type: str) -> Response:
    if media_type == JSONLD:
        return Response(graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=1), media_type=JSONLD)
    return Response(graph.serialize(format="turtle"), media_type=TURTLE)


def _terms(graph: Graph) -> list[dict[str, str]]:
    terms = []
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(NAMESPACE)
                           and str(s) != NAMESPACE}):
        types = set(graph.objects(subject, RDF.type))
        kind = next((name for iri, name in _KINDS if iri in types), "term")
        label = graph.value(subject, SKOS.prefLabel) or graph.value(subject, RDFS.label) or ""
        definition = graph.value(subject, SKOS.definition) or ""
        terms.append({"id": str(subject)[len(NAMESPACE):], "kind": kind, "label": str(label),
                      "definition": str(definition)})
    return terms


@router.get(PATH)
def ontology_document(request: Request, view: ViewDep) -> Response:
    """The ontology: Turtle, JSON-LD or a browsable page, as ``Accept`` asks."""
    graph = view.ontology.graph
    media_type = choose(request.headers.get("accept"), [TURTLE, JSONLD, HTML])
    if media_type == HTML:
        return render(request, view, "ontology.html", terms=_terms(graph), term=None, namespace=NAMESPACE)
    return _rdf(graph, media_type)


@router.get(PATH + "study/{study_id}")
def study_iri(request: Request, study_id: str) -> Response:
    """A study's IRI: to its page for browsers, to its JSON for everything else."""
    wants_page = choose(request.headers.get("accept"), ["application/json", HTML]) == HTML
    return RedirectResponse(f"/studies/{study_id}" if wants_page else f"/v1/studies/{study_id}", status_code=303)


@router.get(PATH + "{term}")
def ontology_term(request: Request, view: ViewDep, term: str) -> Response:
    """One term's triples (Turtle or JSON-LD), or its page; 404 when the ontology does not define it."""
    graph = view.ontology.graph
    subject = URIRef(NAMESPACE + term)
    if (subject, None, None) not in graph:
        raise NotFound("ontology term", term)
    media_type = choose(request.headers.get("accept"), [TURTLE, JSONLD, HTML])
    if media_type == HTML:
        found = next(t for t in _terms(graph) if t["id"] == term)
        concept = view.ontology.get(term) if term in view.ontology else None
        return render(request, view, "ontology.html", terms=[], term=found, namespace=NAMESPACE,
                      condition_page=concept is not None and concept.kind == "condition")
    described = Graph()
    for prefix, namespace in graph.namespaces():
        described.bind(prefix, namespace)
    for triple in graph.triples((subject, None, None)):
        described.add(triple)
    return _rdf(described, media_type)
