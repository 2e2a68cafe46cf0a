"""The :class:`Ontology`: read-only access to ``facekg.ttl`` as :class:`Concept` objects.

The Turtle file is walked once when an :class:`Ontology` is built; every answer
after that comes from plain dictionaries. Kinds are read from the graph, not
declared in code: a class below ``fkg:Condition`` is a condition, an individual
of ``fkg:Gene`` is a gene, and so on (see ``_CLASS_ROOTS`` and ``_INDIVIDUAL_TYPES``).
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS, Namespace

from facekg.errors import NotFound
from ontology.concept import CONCEPT_KINDS, Concept, ConceptKind
from ontology.namespace import FKG
from ontology.normalise import key_variants, name_key, split_parenthetical

OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
NAMESPACE = str(FKG._NS)

_CLASS_ROOTS: dict[URIRef, ConceptKind] = {
    FKG.Condition: "condition",
    FKG.Architecture: "architecture",
    FKG.Metric: "metric",
}
_INDIVIDUAL_TYPES: dict[URIRef, ConceptKind] = {
    FKG.CauseCategory: "cause_category",
    FKG.Gene: "gene",
    FKG.DemographicAttribute: "demographic_attribute",
}
# Lower wins when one name fits several concepts.
_PRIORITY_ID, _PRIORITY_LABEL, _PRIORITY_SYNONYM, _PRIORITY_ABBREVIATION, _PRIORITY_XREF = range(5)
_KIND_ORDER = {kind: index for index, kind in enumerate(CONCEPT_KINDS)}

JSONLD_CONTEXT = {
    "fkg": NAMESPACE,
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "oboInOwl": str(OBOINOWL),
    "schema": "https://schema.org/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in _KIND_ORDER:
        raise ValueError(f"unknown concept kind {kind!r}; expected one of {', '.join(CONCEPT_KINDS)}")


def _local(iri: URIRef) -> str | None:
    text = str(iri)
    return text[len(NAMESPACE) :] if text.startswith(NAMESPACE) and len(text) > len(NAMESPACE) else None


def _texts(graph: Graph, subject: URIRef, predicate: URIRef) -> tuple[str, ...]:
    return tuple(
        sorted({str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}, key=str.casefold)
    )


def _flag(graph: Graph, subject: URIRef, predicate: URIRef) -> bool | None:
    value = graph.value(subject, predicate)
    return bool(value.toPython()) if isinstance(value, Literal) else None


class Ontology:
    """The facekg vocabulary: lookup by any name, hierarchy walks, exports.

    Build it with :func:`load_ontology` (cached) or :meth:`from_path`. ``graph``
    is the parsed rdflib graph; treat it as read-only.
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        kinds = self._kinds()
        self._concepts: dict[str, Concept] = {}
        raw_parents: dict[str, tuple[str, ...]] = {}
        for iri, kind in kinds.items():
            cid = _local(iri)
            assert cid is not None
            raw_parents[cid] = tuple(
                sorted(
                    p
                    for p in (
                        _local(o)
                        for o in graph.objects(iri, RDFS.subClassOf)
                        if isinstance(o, URIRef) and kinds.get(o) == kind
                    )
                    if p
                )
            )
        self._parents = raw_parents
        self._children: dict[str, set[str]] = {cid: set() for cid in raw_parents}
        for cid, parents in raw_parents.items():
            for parent in parents:
                self._children[parent].add(cid)
        for iri, kind in kinds.items():
            concept = self._read_concept(iri, kind)
            self._concepts[concept.id] = concept
        self._index = self._build_index()

    # ----------------------------------------------------------------- building

    @classmethod
    def from_path(cls, path: str | Path) -> Ontology:
        """Parse a Turtle file (the packaged one or a test fixture)."""
        graph = Graph()
        graph.parse(str(path), format="turtle")
        return cls(graph)

    def _kinds(self) -> dict[URIRef, ConceptKind]:
        kinds: dict[URIRef, ConceptKind] = {}
        for type_iri, kind in _INDIVIDUAL_TYPES.items():
            for subject in self.graph.subjects(RDF.type, type_iri):
                if isinstance(subject, URIRef) and _local(subject):
                    kinds[subject] = kind
        for root, kind in _CLASS_ROOTS.items():
            for descendant in self.graph.transitive_subjects(RDFS.subClassOf, root):
                if isinstance(descendant, URIRef) and descendant != root and _local(descendant):
                    kinds[descendant] = kind
        return kinds

    def _read_concept(self, iri: URIRef, kind: ConceptKind) -> Concept:
        g = self.graph
        cid = _local(iri)
        assert cid is not None
        label = g.value(iri, SKOS.prefLabel) or g.value(iri, RDFS.label) or Literal(cid)
        definition = g.value(iri, SKOS.definition)
        own_dl = _flag(g, iri, FKG.isDeepLearning)
        return Concept(
            id=cid,
            iri=str(iri),
            kind=kind,
            label=str(label),
            synonyms=_texts(g, iri, SKOS.altLabel),
            abbreviations=tuple(
                sorted(
                    {*_texts(g, iri, FKG.abbreviation), *_texts(g, iri, FKG.ambiguousAbbreviation)},
                    key=str.casefold,
                )
            ),
            definition=str(definition) if definition is not None else None,
            xrefs=_texts(g, iri, OBOINOWL.hasDbXref),
            parents=self._parents.get(cid, ()),
            categories=self._linked(iri, FKG.inCauseCategory),
            genes=tuple(
                str(g.value(gene, SKOS.prefLabel) or _local(gene))
                for gene in sorted(o for o in g.objects(iri, FKG.associatedGene) if isinstance(o, URIRef))
            ),
            is_deep_learning=self._inherited_dl(cid) if kind == "architecture" else own_dl,
            in_framework=_flag(g, iri, FKG.inProtocolFramework),
            protocol_tables=_texts(g, iri, FKG.inProtocolTable),
            examples=self._linked(iri, FKG.exampleCondition),
            notes=_texts(g, iri, SKOS.note),
            ambiguous_abbreviations=_texts(g, iri, FKG.ambiguousAbbreviation),
        )

    def _linked(self, iri: URIRef, predicate: URIRef) -> tuple[str, ...]:
        return tuple(
            sorted(p for p in (_local(o) for o in self.graph.objects(iri, predicate) if isinstance(o, URIRef)) if p)
        )

    def _inherited_dl(self, cid: str) -> bool | None:
        for candidate in (cid, *self._walk(cid, self._parents)):
            flag = _flag(self.graph, URIRef(NAMESPACE + candidate), FKG.isDeepLearning)
            if flag is not None:
                return flag
        return None

    def _build_index(self) -> dict[str, list[tuple[int, str]]]:
        index: dict[str, list[tuple[int, str]]] = {}

        def add(name: str, priority: int, cid: str) -> None:
            key = name_key(name)
            if key:
                index.setdefault(key, []).append((priority, cid))

        for concept in self._concepts.values():
            add(concept.id, _PRIORITY_ID, concept.id)
            add(concept.label, _PRIORITY_LABEL, concept.id)
            for synonym in concept.synonyms:
                add(synonym, _PRIORITY_SYNONYM, concept.id)
            for code in _texts(self.graph, URIRef(concept.iri), FKG.sourceCode):
                add(code, _PRIORITY_SYNONYM, concept.id)
            for abbreviation in concept.abbreviations:
                add(abbreviation, _PRIORITY_ABBREVIATION, concept.id)
            for xref in concept.xrefs:
                add(xref, _PRIORITY_XREF, concept.id)
        for hits in index.values():
            hits.sort(key=lambda hit: (hit[0], _KIND_ORDER[self._concepts[hit[1]].kind], hit[1]))
        return index

    # ------------------------------------------------------------------ lookup

    def lookup_all(self, text_or_id: str, kind: str | None = None) -> list[Concept]:
        """Every concept a name, id, IRI or xref may denote, best first.

        Abbreviations such as ``TS`` or ``CD`` can denote several concepts; the
        caller (e.g. the NLP pipeline) disambiguates from context. When the
        whole text does not match, a bracketed qualifier is dropped and then
        tried on its own: ``"hypercortisolism (Cushing's syndrome)"`` finds
        ``CushingSyndrome`` through ``hypercortisolism``.
        """
        _check_kind(kind)
        text = text_or_id.strip()
        if text.startswith(NAMESPACE):
            concept = self._concepts.get(text[len(NAMESPACE) :])
            return [concept] if concept and (kind is None or concept.kind == kind) else []
        for key in key_variants(text):
            found: list[Concept] = []
            for _, cid in self._index.get(key, []):
                concept = self._concepts[cid]
                if (kind is None or concept.kind == kind) and concept not in found:
                    found.append(concept)
            if found:
                return found
        base, inner = split_parenthetical(text)
        for part in (base, inner):
            if part and part != text:
                found = self.lookup_all(part, kind)
                if found:
                    return found
        return []

    def lookup(self, text_or_id: str, kind: str | None = None) -> Concept | None:
        """The concept a name, synonym, abbreviation, id, IRI or xref denotes, or None.

        Matching ignores case, accents, apostrophes, hyphens, spaces and other
        punctuation (``"Bells palsy"`` finds ``BellsPalsy``). An id or preferred
        label beats a synonym, which beats an abbreviation; ``kind`` restricts
        the answer to one kind (``"condition"``, ``"metric"``, ...).
        """
        found = self.lookup_all(text_or_id, kind)
        return found[0] if found else None

    def get(self, concept_id: str) -> Concept:
        """The concept with this id; raises :class:`facekg.errors.NotFound` otherwise."""
        try:
            return self._concepts[concept_id]
        except KeyError:
            raise NotFound("concept", concept_id) from None

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._concepts

    def concepts(self, kind: str | None = None) -> list[Concept]:
        """All concepts (of one kind), sorted by label."""
        _check_kind(kind)
        chosen = (c for c in self._concepts.values() if kind is None or c.kind == kind)
        return sorted(chosen, key=lambda c: (c.label.casefold(), c.id))

    def conditions(self) -> list[Concept]:
        return self.concepts("condition")

    def architectures(self) -> list[Concept]:
        return self.concepts("architecture")

    def metrics(self) -> list[Concept]:
        return self.concepts("metric")

    def cause_categories(self) -> list[Concept]:
        return self.concepts("cause_category")

    def genes(self) -> list[Concept]:
        return self.concepts("gene")

    def demographic_attributes(self) -> list[Concept]:
        return self.concepts("demographic_attribute")

    # --------------------------------------------------------------- hierarchy

    def ancestors(self, concept_id: str) -> list[str]:
        """Transitive superclasses within the concept's kind, nearest first."""
        self.get(concept_id)
        return self._walk(concept_id, self._parents)

    def descendants(self, concept_id: str) -> set[str]:
        """Transitive subclasses, excluding the concept itself."""
        self.get(concept_id)
        return set(self._walk(concept_id, {k: tuple(sorted(v)) for k, v in self._children.items()}))

    @staticmethod
    def _walk(start: str, edges: dict[str, tuple[str, ...]] | dict[str, set[str]]) -> list[str]:
        seen: list[str] = []
        queue = deque(edges.get(start, ()))
        while queue:
            current = queue.popleft()
            if current in seen or current == start:
                continue
            seen.append(current)
            queue.extend(edges.get(current, ()))
        return seen

    def is_a(self, concept_id: str, parent_id: str) -> bool:
        """True when the concept is the parent or one of its subclasses."""
        return concept_id == parent_id or parent_id in self.ancestors(concept_id)

    def categories_of(self, condition_id: str) -> list[str]:
        """Cause categories of a condition: its own first, then those inherited from ancestors."""
        result: list[str] = []
        for cid in (condition_id, *self.ancestors(condition_id)):
            for category in self._concepts[cid].categories:
                if category not in result:
                    result.append(category)
        return result

    def conditions_in_category(self, category_id: str) -> set[str]:
        """Conditions whose own or inherited categories include this one."""
        if self.get(category_id).kind != "cause_category":
            raise NotFound("cause category", category_id)
        return {c.id for c in self.conditions() if category_id in self.categories_of(c.id)}

    def ambiguous_abbreviations(self, kind: str | None = None) -> dict[str, list[str]]:
        """Abbreviations that need context: marked ambiguous, or shared by several concepts.

        Maps each abbreviation (as written in the ontology) to the concept ids it
        names here; the other readings are in the concepts' ``skos:editorialNote``.
        """
        by_key: dict[str, tuple[str, set[str]]] = {}
        marked: set[str] = set()
        for concept in self.concepts(kind):
            for abbreviation in concept.abbreviations:
                key = name_key(abbreviation)
                by_key.setdefault(key, (abbreviation, set()))[1].add(concept.id)
                if abbreviation in concept.ambiguous_abbreviations:
                    marked.add(key)
        return {written: sorted(ids) for key, (written, ids) in sorted(by_key.items()) if key in marked or len(ids) > 1}

    def is_deep_learning(self, architecture_id: str) -> bool | None:
        """Whether an architecture is deep learning (inherited), None when the ontology leaves it open."""
        return self.get(architecture_id).is_deep_learning

    # ----------------------------------------------------------------- export

    def to_turtle(self) -> str:
        """The ontology as Turtle."""
        return self.graph.serialize(format="turtle")

    def to_jsonld(self) -> str:
        """The ontology as JSON-LD with a compact prefix context."""
        return self.graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2)

    def summary(self) -> dict[str, int]:
        """Number of concepts by kind."""
        counts: dict[str, int] = {kind: 0 for kind in CONCEPT_KINDS}
        for concept in self._concepts.values():
            counts[concept.kind] += 1
        return counts

    def __repr__(self) -> str:
        return f"Ontology({json.dumps(self.summary())})"


def _packaged_turtle() -> str:
    """``facekg.ttl`` from this very package: named through ``__package__`` (the package this module was
    imported from), so another distribution's ``ontology`` can never answer for it."""
    return importlib.resources.files(__package__ or __name__.rpartition(".")[0]).joinpath(
        "facekg.ttl").read_text(encoding="utf-8")


@functools.cache
def load_ontology() -> Ontology:
    """The packaged facekg ontology, parsed once per process."""
    graph = Graph()
    graph.parse(data=_packaged_turtle(), format="turtle")
    return Ontology(graph)


def iter_names(concepts: Iterable[Concept]) -> list[tuple[str, str]]:
    """(name, concept id) for every label, synonym and abbreviation; handy for pattern files."""
    return [(name, concept.id) for concept in concepts for name in concept.names]
