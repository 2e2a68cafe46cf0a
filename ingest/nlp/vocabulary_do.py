"""The Human Disease Ontology (CC0 1.0) as the broad disease vocabulary beyond OMIM and Orphanet.

OMIM and Orphanet list rare and Mendelian diseases; abstracts also name common dermatological,
endocrine, cardiovascular, psychiatric and neurological conditions (acne, rosacea,
hypothyroidism, depression). ``patterns/disease_ontology.jsonl`` holds the Disease Ontology's
term ids, labels, parents, EXACT synonyms and OMIM/Orphanet cross-references, derived by
``scripts/build_disease_vocab.py`` from a release of the DiseaseOntology/HumanDiseaseOntology
repository (its first line records the commit). It ships in the repository: nothing is fetched.

Only names are used, each linked to its own term: a general term ("psoriasis") is its own
concept, so a text that names it is never given a numbered subtype ("psoriasis 2"). The root
and its direct children ("disease", "syndrome", "disease of anatomical entity") are headings,
not names, and are left out; so are abbreviations (they need the text's own definition, see
:mod:`ingest.nlp.abbreviations`) and qualified synonyms ("(disorder)", "NOS", "Acne, erythematosa").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.readers.jsonl import iter_json_lines

DO_FILE = Path(__file__).with_name("patterns") / "disease_ontology.jsonl"
ROOT = "DOID:4"
_QUALIFIED = re.compile(r"[(),\[\];]|\bNOS\b|\bunspecified\b", re.IGNORECASE)


@dataclass(frozen=True)
class DiseaseTerm:
    """One Disease Ontology term as shipped (id ``DOID:n``; xrefs ``OMIM:n``/``ORPHA:n``)."""

    id: str
    name: str
    parents: tuple[str, ...]
    synonyms: tuple[str, ...]
    xrefs: tuple[str, ...]


def load_terms(path: Path = DO_FILE) -> list[DiseaseTerm]:
    """The shipped terms (empty when the file is absent)."""
    if not path.exists():
        return []
    terms = []
    for _line, row in iter_json_lines(path, input_rules=False):
        if row.get("kind") == "source":
            continue
        terms.append(DiseaseTerm(row["id"], row["name"], tuple(row.get("parents") or ()),
                                 tuple(row.get("synonyms") or ()), tuple(row.get("xrefs") or ())))
    return terms


def source_of(path: Path = DO_FILE) -> dict[str, str]:
    """The provenance line (source commit, release, licence) of the shipped file."""
    for _line, row in iter_json_lines(path, input_rules=False):
        return {k: str(v) for k, v in row.items() if k != "kind"} if row.get("kind") == "source" else {}
    return {}


def naming_terms(terms: list[DiseaseTerm]) -> Iterator[DiseaseTerm]:
    """Terms that name a disease: neither the root nor a heading directly under it."""
    for term in terms:
        if term.id == ROOT or ROOT in term.parents or not term.parents:
            continue
        yield term


def surface_names(term: DiseaseTerm) -> list[str]:
    """The label and the unqualified synonyms of one term."""
    return [term.name, *(s for s in term.synonyms if not _QUALIFIED.search(s))]
