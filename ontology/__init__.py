"""The facekg ontology: the vocabulary every layer speaks.

``facekg.ttl`` (OWL in Turtle) is the source of truth; this package only reads
it. Typical use::

    from ontology import load_ontology
    onto = load_ontology()
    onto.lookup("CdLS").label            # 'Cornelia de Lange syndrome'
    onto.categories_of("RettSyndrome")   # ['GeneRelated', 'Neurological']
    onto.is_deep_learning("ResNet50")    # True

``FKG`` is the closed namespace of our terms (``FKG.RettSyndrome``); a typo
raises AttributeError.
"""

from __future__ import annotations

from ontology.concept import CONCEPT_KINDS, Concept, ConceptKind
from ontology.namespace import FKG
from ontology.normalise import name_key
from ontology.vocabulary import JSONLD_CONTEXT, NAMESPACE, Ontology, iter_names, load_ontology

__all__ = [
    "CONCEPT_KINDS",
    "FKG",
    "JSONLD_CONTEXT",
    "NAMESPACE",
    "Concept",
    "ConceptKind",
    "Ontology",
    "iter_names",
    "load_ontology",
    "name_key",
]
