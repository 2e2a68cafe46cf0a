"""The :class:`Concept` value object: one ontology term as plain Python data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ConceptKind = Literal["condition", "cause_category", "gene", "architecture", "metric", "demographic_attribute"]
CONCEPT_KINDS: tuple[ConceptKind, ...] = (
    "condition",
    "cause_category",
    "gene",
    "architecture",
    "metric",
    "demographic_attribute",
)


@dataclass(frozen=True)
class Concept:
    """One term of the facekg ontology, read from the Turtle file.

    ``id`` is the IRI's local name (``RettSyndrome``, ``ResNet50``, ``sex``) and is
    unique across kinds. ``parents`` and ``categories`` hold direct links only;
    :class:`ontology.Ontology` answers transitive questions. ``is_deep_learning``
    is already resolved through the architecture's ancestors.
    ``ambiguous_abbreviations`` is the subset of ``abbreviations`` the literature
    also uses for something else (``TD`` for "typically developing").
    """

    id: str
    iri: str
    kind: ConceptKind
    label: str
    synonyms: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    definition: str | None = None
    xrefs: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    genes: tuple[str, ...] = ()
    is_deep_learning: bool | None = None
    in_framework: bool | None = None
    protocol_tables: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    ambiguous_abbreviations: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the concept answers to: label, synonyms and abbreviations."""
        return (self.label, *self.synonyms, *self.abbreviations)
