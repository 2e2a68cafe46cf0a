"""JSON-LD for the study and condition pages: schema.org types plus the facekg ontology's terms.

Search engines and linked-data tools read these blocks; the IRIs are the ones
the RDF exports use (:mod:`graph.exports.iris`), so a page and the export
describe the same resource. Templates embed the result with Jinja2's
``tojson`` filter, which escapes ``<``, ``>`` and ``&`` so no text can close
the script block.
"""

from __future__ import annotations

from typing import Any

from analysis.catalogue import ConditionDetail
from facekg.records import StudyRecord
from graph.exports.iris import concept_iri, study_iri, update_iri
from ontology import NAMESPACE

CONTEXT: dict[str, str] = {"@vocab": "https://schema.org/", "fkg": NAMESPACE}
XREF_SYSTEMS = {"OMIM": "OMIM", "ORPHA": "Orphanet", "NCBIGene": "NCBI Gene"}


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def study_jsonld(study: StudyRecord, page_url: str) -> dict[str, Any]:
    """A ``ScholarlyArticle`` with the conditions it is about and facekg's facts about it."""
    identifiers = [{"@type": "PropertyValue", "propertyID": name, "value": value}
                   for name, value in (("DOI", study.doi), ("PMID", study.pmid)) if value]
    same_as = [url for url in (doi_url(study.doi) if study.doi else None,
                               pubmed_url(study.pmid) if study.pmid else None) if url]
    data: dict[str, Any] = {
        "@context": CONTEXT, "@type": "ScholarlyArticle", "@id": study_iri(study.id), "url": page_url,
        "name": study.title, "headline": study.title,
        "author": [{"@type": "Person", "name": name} for name in study.authors],
        "about": [{"@type": "MedicalCondition", "@id": concept_iri(c.concept_id, c.name, "condition"),
                   "name": c.name} for c in study.conditions],
        "fkg:retracted": study.retracted,
        "fkg:usesArchitecture": [{"@id": concept_iri(a.concept_id, a.name, "architecture"), "name": a.name}
                                 for a in study.architectures],
        "fkg:reportsResult": [
            {"@type": "fkg:Result", "fkg:measures": {"@id": concept_iri(m.metric_id, m.metric, "metric"),
                                                     "name": m.metric},
             **{f"fkg:{key}": value for key, value in (("value", m.value), ("valueText", m.value_text),
                                                       ("unit", m.unit), ("subject", m.subject))
                if value is not None}}
            for m in study.metrics],
    }
    optional = {"datePublished": str(study.year) if study.year else None,
                "isPartOf": {"@type": "Periodical", "name": study.journal} if study.journal else None,
                "identifier": identifiers or None, "sameAs": same_as or None,
                "keywords": study.keywords or None,
                "creativeWorkStatus": "Retracted" if study.retracted else None,
                "fkg:addedIn": {"@id": update_iri(study.review_update)} if study.review_update else None}
    data.update({key: value for key, value in optional.items() if value is not None})
    return data


def condition_jsonld(condition: ConditionDetail, page_url: str, study_urls: dict[str, str]) -> dict[str, Any]:
    """A ``MedicalCondition`` with its codes, cause categories and the studies about it."""
    codes = []
    for xref in condition.xrefs:
        prefix, _, value = xref.partition(":")
        codes.append({"@type": "MedicalCode", "codingSystem": XREF_SYSTEMS.get(prefix, prefix), "codeValue": value})
    data: dict[str, Any] = {
        "@context": CONTEXT, "@type": "MedicalCondition", "@id": NAMESPACE + condition.id, "url": page_url,
        "name": condition.label,
        "fkg:inCauseCategory": [{"@id": NAMESPACE + cause} for cause in condition.cause_categories],
        "subjectOf": [{"@type": "ScholarlyArticle", "@id": study_iri(sid), "url": url}
                      for sid, url in study_urls.items()],
    }
    optional = {"alternateName": [*condition.synonyms, *condition.abbreviations] or None,
                "description": condition.definition, "code": codes or None,
                "fkg:associatedGene": [{"name": gene} for gene in condition.genes] or None}
    data.update({key: value for key, value in optional.items() if value is not None})
    return data
