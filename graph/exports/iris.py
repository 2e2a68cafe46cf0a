"""The IRIs facekg mints for its own things: studies, their facts, review updates, unmapped concepts.

One rule in one place: the RDF exports, the JSON-LD in the website's pages and
the ontology's namespace path all build IRIs here.
"""

from __future__ import annotations

from facekg.identity import slug
from ontology import NAMESPACE

_NOT_OURS = ("OMIM:", "ORPHA:", "unmapped")


def study_iri(study_id: str) -> str:
    return f"{NAMESPACE}study/{study_id}"


def update_iri(update_id: str) -> str:
    return f"{NAMESPACE}update/{update_id}"


def fact_iri(study_id: str, kind: str, ordinal: int) -> str:
    """A study's fact: ``kind`` is the record's list name (``conditions``, ``metrics``, ...)."""
    return f"{study_iri(study_id)}/{kind}/{ordinal}"


def concept_iri(concept_id: str | None, name: str, kind: str) -> str:
    """An ontology concept's IRI, or a stable IRI for a name the ontology does not hold."""
    if concept_id and not concept_id.startswith(_NOT_OURS):
        return NAMESPACE + concept_id
    return f"{NAMESPACE}unmapped/{kind}/{slug(name)}"


def gene_iri(symbol: str) -> str:
    return f"{NAMESPACE}gene/{symbol.upper()}"
