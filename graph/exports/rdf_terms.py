"""RDF terms as text: prefixed names where a prefix covers an IRI, shared by the Turtle and JSON-LD writers.

One rule in one place: which prefix an IRI is shortened with (:data:`graph.exports.rdf_mapping.PREFIXES`).
"""

from __future__ import annotations

import re

from graph.exports.rdf_mapping import PREFIXES

_NAMESPACES = {namespace: prefix for prefix, namespace in PREFIXES.items()}
# A local name every Turtle parser reads after a prefix (stricter than the grammar: no dots, no escapes).
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Every namespace, longest first, so a match is the longest that applies.
_ANY_NAMESPACE = re.compile("|".join(re.escape(ns) for ns in sorted(_NAMESPACES, key=len, reverse=True)))


def prefixed_name(iri: str) -> str | None:
    """``prefix:local`` when ``iri`` is a namespace of :data:`PREFIXES` plus a plain local name, else None."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _NAMESPACES.get(iri[:cut])
    if prefix is None or not _LOCAL.fullmatch(iri, cut):
        return None
    return f"{prefix}:{iri[cut:]}"


def compact_iri(iri: str) -> str:
    """``iri`` shortened by the longest namespace of :data:`PREFIXES` it starts with (JSON-LD compact IRI)."""
    found = _ANY_NAMESPACE.match(iri)
    if found is None or iri.startswith("//", found.end()):
        return iri
    return f"{_NAMESPACES[found.group()]}:{iri[found.end():]}"
