"""Architecture names as a grammar: families with their variant syntax, not a list of names.

The families live in ``patterns/architecture_families.json``; each names the ontology concept
it belongs to (the concepts themselves live in ``ontology/facekg.ttl``, one place). A name is
``stem [sep] [prefix] variant [sep] suffix``, where the separator is a hyphen, en dash, space,
underscore or nothing, so "ResNet50", "ResNet-50", "resnet 50" are one grammar, not three
entries. A written name resolves, by its normalised key (lower case, letters and digits only),
to the ontology concept of that name when there is one (ResNet-50), else to the family concept
under its canonical name (ResNet-200 is a ResNet).

Beyond the grammar, ``facekg_architectures`` finds named models nobody listed, kept *unmapped*
(no concept id) with the family their name says when it says one:

* a CamelCase name with a model ending ("XYZNet", "FaceFormer") or a family stem inside it
  ("SE-ResNet") used as a model: "our XYZNet", "a RegNetQ-based classifier", "XYZNet model";
* a long form ending in network/module/model/toolbox defined with an abbreviation
  ("TED diagnosis network (TDN)"), and each later use of the abbreviation.

Generic phrases ("deep learning", "machine learning model") are not architectures: their
concepts are listed as ``generic`` and become the study-level ``generic_methods`` evidence
(and the ``is_deep_learning`` flag), never an architecture fact. So do models named only by a
description ("our proposed network", "a periocular landmark localisation network", "the proposed
deep model"): a network is deep learning, a model, classifier or algorithm machine learning; the
description is kept as the generic entry's name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ingest.nlp.spans import doc_text, replace_entities
from ingest.nlp.vocabulary import Vocabulary
from ingest.nlp.vocabulary_cache import vocabulary_from_path

FAMILY_FILE = Path(__file__).with_name("patterns") / "architecture_families.json"
# "our proposed network", "a lightweight two-stream network", "the proposed deep model": lower-case words
# before a model head, with "our" or a word that says the study built or trained it
_DESCRIBED = re.compile(
    r"\b(?P<det>(?i:our|the|a|an|this))\s+(?P<words>(?:(?!(?:of|in|and|or|with|for|to|on|by|from|that|which|was|were|"
    r"is|are|has|had|be)\b)[a-z][a-z\-]*\s+){0,5}?)(?P<head>network|net|model|architecture|classifier|algorithm)\b"
    r"(?!\s+(?:of|was\s+not)\b)")
_DESCRIBED_CUES = re.compile(
    r"\b(?:proposed|novel|new|custom|designed|developed|trained|lightweight|deep|neural|convolutional|recurrent|"
    r"attention|[\w]+-stream|end-to-end|multi-task|multitask|siamese|cascaded|hierarchical|hybrid|ensemble)\b")
_DESCRIBED_HEADS = {"network": "DeepLearning", "net": "DeepLearning", "architecture": "DeepLearning",
                    "model": "MachineLearning", "classifier": "MachineLearning", "algorithm": "MachineLearning"}
_DESCRIBED_AFTER = re.compile(r"^\s+(?:was|were|is)\s+(?:\w+\s+)?(?:developed|proposed|designed|trained|built|"
                              r"introduced|presented|constructed)\b")
_DEEP_WORDS = re.compile(r"\b(?:deep|neural|convolutional|recurrent|attention|[\w]+-stream|siamese)\b")
_SEP = r"[-\u2010\u2011\u2013\s_]?"

if not Doc.has_extension("architecture_names"):
    Doc.set_extension("architecture_names", default={})


@dataclass(frozen=True)
class ArchitectureName:
    """What an ARCHITECTURE entity names: a canonical name, its concept (None: unmapped) and family."""

    name: str
    concept_id: str | None
    family_id: str | None


@dataclass(frozen=True)
class Family:
    concept: str
    stems: tuple[str, ...]
    prefix: str | None = None
    variant: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class Grammar:
    families: tuple[Family, ...]
    generic: frozenset[str]
    model_suffixes: str
    cues_before: str
    cues_after: str


def key(name: str) -> str:
    """The normalised form names are compared in: "ResNet-50" and "resnet50" are one key."""
    return re.sub(r"[^0-9a-z+]", "", name.casefold().replace("\u00ef", "i"))


@lru_cache(maxsize=2)
def load_grammar(path: Path = FAMILY_FILE) -> Grammar:
    data = json.loads(path.read_text(encoding="utf-8"))
    families = []
    for i, row in enumerate(data["families"]):
        if not row.get("concept") or not row.get("stems"):
            raise ValueError(f"{path}: family {i + 1}: 'concept' and 'stems' are required")
        families.append(Family(row["concept"], tuple(row["stems"]), row.get("prefix"), row.get("variant"),
                               row.get("suffix")))
    return Grammar(tuple(families), frozenset(data.get("generic", ())), data["model_suffixes"],
                   data["model_cues_before"], data["model_cues_after"])


def stem_regex(stem: str) -> str:
    """A stem with its hyphen/space variants generated; case-insensitive unless short or in capitals."""
    parts = [re.escape(p) for p in re.split(r"[-\s_]+", stem)]
    body = _SEP.join(parts)
    if len(stem) <= 5 or stem.upper() == stem:
        return body
    return f"(?i:{body})"


def family_regex(family: Family, index: int) -> str:
    stems = "|".join(stem_regex(s) for s in sorted(family.stems, key=len, reverse=True))
    out = f"(?P<f{index}>{stems})"
    if family.variant:
        prefix = f"(?P<p{index}>{family.prefix})?" if family.prefix else ""
        out += f"(?:{_SEP}{prefix}(?P<v{index}>{family.variant}))?"
    if family.suffix:
        out += f"(?:{_SEP}(?P<s{index}>{family.suffix}))?"
    return out


class ArchitectureMatcher:
    """Finds architecture names by the family grammar, plus unlisted named models (see module doc)."""

    def __init__(self, vocab: Vocabulary, grammar: Grammar | None = None) -> None:
        self.grammar = grammar or load_grammar()
        self.vocab = vocab
        self.index: dict[str, str] = {}
        for p in vocab.patterns:
            if p["label"] == "ARCHITECTURE":
                self.index.setdefault(key(p["pattern"]), p["id"])
        for cid in vocab.deep_learning:
            self.index.setdefault(key(vocab.names.get(cid, cid)), cid)
        # Longest stems first: a regex alternation takes the first branch that matches, not the longest.
        order = sorted(range(len(self.grammar.families)),
                       key=lambda i: -max(len(s) for s in self.grammar.families[i].stems))
        alternatives = [family_regex(self.grammar.families[i], i) for i in order]
        self.pattern = re.compile(r"(?<![\w\-])(?:" + "|".join(alternatives) + r")(?![A-Za-z0-9+])")
        stems = sorted({s for f in self.grammar.families for s in f.stems if len(s) > 3}, key=len, reverse=True)
        self.stem_inside = re.compile("|".join(stem_regex(s) for s in stems))
        suffixes = self.grammar.model_suffixes
        self.named_model = re.compile(
            rf"(?<![\w\-])(?P<name>(?:[A-Z0-9][\w]*[-]?)?[A-Za-z0-9]*[a-z0-9](?:{suffixes})[A-Za-z0-9]*"
            rf"|[A-Z][a-z]+[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)?)(?![\w])")
        self.cue_before = re.compile(rf"\b(?:{self.grammar.cues_before})\s+(?:\w+\s+)?$", re.IGNORECASE)
        self.cue_after = re.compile(rf"^\s*(?:{self.grammar.cues_after})\b", re.IGNORECASE)
        self.model_head = re.compile(r"\b(?:network|net|module|model|toolbox|tool|system|algorithm|classifier)$",
                                     re.IGNORECASE)

    # ------------------------------------------------------------------ resolution

    def resolve(self, m: re.Match[str]) -> ArchitectureName:
        i = int(next(g for g, v in m.groupdict().items() if v is not None and g.startswith("f"))[1:])
        family = self.grammar.families[i]
        variant = m.group(f"v{i}") if family.variant else None
        suffix = m.group(f"s{i}") if family.suffix else None
        prefix = m.group(f"p{i}") if family.variant and family.prefix else None
        for candidate in (m.group(0), m.group(f"f{i}") + (variant or "")):
            cid = self.index.get(key(candidate))
            if cid:
                if key(candidate) != key(m.group(0)) and suffix:
                    break  # "ResNet-50-D": a ResNet-50 variant under its own name
                return ArchitectureName(self.vocab.names.get(cid, cid), cid, family.concept)
        label = self.vocab.names.get(family.concept, family.concept)
        name = label
        if variant:
            name += "-" + ("v" if prefix else "") + variant
        if suffix:
            name += ("" if len(suffix) == 1 and suffix.islower() else "-") + suffix  # YOLO-v8n
        return ArchitectureName(name, family.concept, family.concept)

    def family_of(self, name: str) -> str | None:
        """The family a name says: a stem inside it ("SE-ResNet"), else its ending ("-GAN", "-Former")."""
        inside = self.stem_inside.search(name)
        if inside:
            hit = self.pattern.search(inside.group(0))
            if hit:
                return self.resolve(hit).family_id
        ending = name.casefold()
        if ending.endswith("gan"):
            return "GenerativeAdversarialNetwork"
        if ending.endswith(("former", "transformer")):
            return "Transformer"
        if ending.endswith("vit"):
            return "VisionTransformer"
        if ending.endswith("cnn"):
            return "ConvolutionalNeuralNetwork"
        return None

    # ------------------------------------------------------------------- matching

    def match(self, doc: Doc) -> tuple[list[Span], dict[tuple[int, int], ArchitectureName]]:
        text = doc_text(doc)
        spans: list[Span] = []
        names: dict[tuple[int, int], ArchitectureName] = {}

        def add(start: int, end: int, name: ArchitectureName) -> None:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or any(e.label_ != "ARCHITECTURE" and e.start < span.end and span.start < e.end
                                   and len(e) >= len(span) for e in doc.ents):
                return
            spans.append(Span(doc, span.start, span.end, label="ARCHITECTURE", span_id=name.concept_id or "",
                              kb_id=name.name))
            names[(span.start_char, span.end_char)] = name

        for m in self.pattern.finditer(text):
            add(m.start(), m.end(), self.resolve(m))
        covered = [(s.start_char, s.end_char) for s in spans] + [
            (e.start_char, e.end_char) for e in doc.ents if e.label_ == "ARCHITECTURE"]
        for m in self.named_model.finditer(text):
            s, e = m.start("name"), m.end("name")
            if any(a < e and s < b for a, b in covered) and not self._longer_than_cover(s, e, covered):
                continue
            name = m.group("name")
            has_stem = bool(self.stem_inside.search(name)) and key(name) not in self.index
            cued = bool(self.cue_before.search(text[max(0, s - 30):s]) or self.cue_after.match(text[e:e + 20]))
            if not (cued or (has_stem and len(key(name)) > 4)) or not re.search(r"[A-Z].*[A-Z]|\d", name):
                continue
            add(s, e, ArchitectureName(name, None, self.family_of(name)))
            covered.append((s, e))
        for m in _DESCRIBED.finditer(text):
            words = m.group("words")
            if not (m.group("det").lower() == "our" or _DESCRIBED_CUES.search(words)
                    or _DESCRIBED_AFTER.match(text[m.end():m.end() + 40])):
                continue
            start = m.start("words") if words else m.start("head")
            if any(e.start_char < m.end() and start < e.end_char for e in doc.ents) or any(
                    sp.start_char < m.end() and start < sp.end_char for sp in spans):
                continue  # a named model, a condition or a metric is in the phrase: not a bare description
            head = m.group("head")
            concept = "DeepLearning" if _DEEP_WORDS.search(words) else _DESCRIBED_HEADS[head]
            add(start, m.end(), ArchitectureName(text[start:m.end()], concept, concept))
        for d in getattr(doc._, "abbreviations", []) or []:
            if d.label or not self.model_head.search(d.long.text):
                continue
            long_name = d.long.text
            unmapped = ArchitectureName(long_name, None, self.family_of(long_name))
            add(d.long.start_char, d.long.end_char, unmapped)
            for m in re.finditer(rf"(?<![\w-]){re.escape(d.short.text)}(?![\w-])", text):
                add(m.start(), m.end(), unmapped)
        return spans, names

    @staticmethod
    def _longer_than_cover(s: int, e: int, covered: list[tuple[int, int]]) -> bool:
        """A name that strictly contains what was found ("SE-ResNet50" around "ResNet50")."""
        return all(s <= a and b <= e and (a, b) != (s, e) for a, b in covered if a < e and s < b)

    def __call__(self, doc: Doc) -> Doc:
        spans, names = self.match(doc)
        if spans:
            replace_entities(doc, add=spans)
            kept = {(e.start_char, e.end_char) for e in doc.ents}
            doc._.architecture_names = {k: v for k, v in names.items() if k in kept}
        return doc


@Language.factory("facekg_architectures", assigns=["doc.ents", "doc._.architecture_names"],
                  requires=["doc.ents"], default_config={"vocabulary": ""})
def make_architecture_matcher(nlp: Language, name: str, vocabulary: str) -> ArchitectureMatcher:
    return ArchitectureMatcher(vocabulary_from_path(vocabulary) if vocabulary else Vocabulary())


def describe(ent: Span, vocab: Vocabulary, names: dict[tuple[int, int], ArchitectureName]) -> dict[str, Any]:
    """The contract fields of one ARCHITECTURE entity: name, concept_id, family, mapped, is_deep_learning."""
    found = names.get((ent.start_char, ent.end_char))
    cid = found.concept_id if found else (ent.ent_id_ or None)
    family = found.family_id if found else cid
    name = found.name if found else vocab.names.get(cid or "", ent.text)
    dl_of = cid or family or ""
    return {"concept_id": cid, "name": name, "family": family, "mapped": cid is not None,
            "is_deep_learning": vocab.deep_learning.get(dl_of)}


def is_generic(concept_id: str | None) -> bool:
    """Generic phrases ("deep learning", "machine learning") are study flags, not architectures."""
    return concept_id in load_grammar().generic
