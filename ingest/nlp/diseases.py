"""Disease mentions beyond the dictionary: modifiers, coordination and head-noun rules.

The rulers find names the vocabulary lists; abstracts also write them with

* clinical modifiers in front: "hereditary breast cancer", "familial", "sporadic",
  "early-onset", "type IV" ... -> the mention is extended to the left;
* Latin qualifiers after the name: "acne vulgaris" -> the mention is extended to the right;
* coordination sharing a head: "breast and ovarian cancer", "breast/ovarian cancer",
  "breast and/or ovarian cancers" -> one mention over the whole phrase when the
  first conjunct plus the head is itself a vocabulary name ("breast cancer");
* a disease head noun after a descriptive modifier the dictionary lacks:
  "pancreatic tumours", "C9 deficiency", "G6PD deficiency", "Addison disease" ->
  a CONDITION without concept id (reported as unmapped).

General rules only: no benchmark strings. ``match`` returns the new spans;
``set_annotations`` replaces the entities they cover.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ingest.nlp.spans import doc_text, replace_entities
from ingest.nlp.vocabulary import Vocabulary
from ingest.nlp.vocabulary_cache import vocabulary_from_path

DISEASE_LABELS = {"CONDITION", "PHENOTYPE", "FINDING"}
# doc.spans key of the first conjuncts of coordinated names, each with its own concept id
COORDINATED_KEY = "facekg_coordinated"
# Modifiers that are part of the disease name; chosen by how often they fall inside
# rather than outside annotated disease mentions in the NCBI *training* split
# ("familial", "hereditary", "X-linked" inside; "severe", "mild", "early-onset" outside).
MODIFIERS = {
    "hereditary", "familial", "inherited", "sporadic", "congenital", "autosomal", "x-linked", "chronic",
    "acute", "malignant", "benign", "metastatic", "invasive", "male", "isolated", "classic", "neonatal",
    "idiopathic", "bilateral", "unilateral", "non-syndromic", "nonsyndromic", "syndromic", "classical",
}
# Organs and tissues name a disease's site: "bone dysplasia", "prostate carcinoma", "skin cancer".
ORGANS = {
    "bone", "brain", "breast", "colon", "rectum", "lung", "liver", "kidney", "skin", "muscle", "eye",
    "heart", "blood", "bowel", "prostate", "ovary", "pancreas", "stomach", "thyroid", "bladder", "cervix",
    "uterus", "testis", "adrenal", "pituitary", "nerve", "spinal", "retina", "lens", "ear", "jaw", "tooth",
    "teeth", "face", "head", "neck", "joint", "cartilage", "connective", "tissue", "gland", "salivary",
}
# Latin qualifiers written after the name: "acne vulgaris", "pemphigus vulgaris", "porphyria cutanea
# tarda", "arthrogryposis multiplex congenita" -> the mention is extended to the right.
LATIN_QUALIFIERS = {"vulgaris", "simplex", "congenita", "tarda", "multiplex", "cutanea", "major", "minor",
                    "inversa", "rosacea", "conglobata", "fulminans", "gravis", "perstans", "profunda"}
# "dominant"/"recessive" only right after "autosomal"/"X-linked": "autosomal dominant ...".
_INHERITANCE = {"dominant", "recessive"}
HEADS = {
    "tumor", "tumors", "tumour", "tumours", "cancer", "cancers", "carcinoma", "carcinomas", "deficiency",
    "deficiencies", "disease", "diseases", "syndrome", "syndromes", "dystrophy", "dystrophies", "dysplasia",
    "dysplasias", "neoplasm", "neoplasms", "neoplasia", "adenoma", "adenomas", "sarcoma", "sarcomas",
    "lymphoma", "lymphomas", "leukemia", "leukaemia", "anomalies", "malformation", "malformations",
    "hamartoma", "hamartomas", "polyposis", "disorder", "disorders", "palsy", "dystonia", "ataxia",
}
# A head that is a disease on its own; the others need a modifier ("deficiency" alone is not one).
STANDALONE_HEADS = {"tumor", "tumors", "tumour", "tumours", "cancer", "cancers", "neoplasm", "neoplasms",
                    "neoplasia", "carcinoma", "carcinomas", "sarcoma", "sarcomas", "lymphoma", "lymphomas",
                    "leukemia", "leukaemia"}
_INSTRUMENT_WORDS = {"rating", "scale", "scales", "score", "scores", "index", "questionnaire", "inventory",
                     "criteria", "classification", "checklist", "assessment", "severity"}
# adjectives that quantify or hedge rather than describe: "various cancers" is not a disease name
_VAGUE = {"various", "numerous", "previous", "several", "similar", "particular", "specific", "typical",
          "individual", "potential", "additional", "serious", "usual", "unusual", "clinical", "medical",
          "genomic", "systemic", "general", "total", "initial", "original", "final", "major", "heterogeneous",
          "diverse", "distinct", "different", "other", "certain", "common", "rare"}
_HEAD_RX = re.compile(r"\b(?:" + "|".join(sorted(HEADS)) + r"|[a-z]{3,}omas?)\b", re.IGNORECASE)
# "-oma" words are tumours (carcinoma, glioma, thymoma) except these
_NOT_OMA = {"diploma", "diplomas", "aroma", "aromas", "stoma", "stomas", "soma", "somas", "coma", "comas",
            "chromosoma", "genoma", "rhizoma", "sarcoma"}
_DESCRIPTIVE = re.compile(r"^[a-z]{3,}(?:al|ic|ar|ary|ous|ian|oid)$")
_SYMBOL = re.compile(r"^[A-Z][A-Z0-9]{1,7}$|^[A-Z][a-z]+(?:'?s)?$")
_COORD = {"and", "or", "/", "and/or"}
_TYPE = re.compile(r"^(?:[IVX]+[A-D]?|[0-9][A-Z]?|[A-D])$")
_STOP_SYMBOL = {"The", "This", "These", "Those", "A", "An", "In", "Of", "We", "Our", "Its", "All", "Both",
                "Each", "Other", "Most", "Many", "Some", "Such", "With", "For", "From", "No"}


class DiseaseSpanner:
    """Extends and adds disease mentions with general rules (see module doc)."""

    def __init__(self, nlp: Language, name: str, vocabulary: str) -> None:
        self.name = name
        vocab: Vocabulary = vocabulary_from_path(vocabulary) if vocabulary else Vocabulary()
        # lower-case disease name -> (label, concept id): the first pattern of a name owns it
        self.names: dict[str, tuple[str, str]] = {}
        for p in vocab.patterns:
            if p["label"] in DISEASE_LABELS and p["attr"] == "LOWER":
                self.names.setdefault(p["pattern"].lower(), (p["label"], p["id"]))

    @staticmethod
    def _left_modifiers(doc: Doc, start: int, floor: int) -> int:
        """Extend ``start`` left over clinical modifiers, "type IV" and hyphenated ones ("early-onset")."""
        i = start
        while i - 1 >= floor:
            low = doc[i - 1].lower_
            inheritance = low in _INHERITANCE and i - 2 >= floor and doc[i - 2].lower_ in {"autosomal", "linked"}
            if low in MODIFIERS or inheritance:
                i -= 1
            elif _TYPE.match(doc[i - 1].text) and i - 2 >= floor and doc[i - 2].lower_ == "type":
                i -= 2
            elif (i - 3 >= floor and doc[i - 2].text == "-" and not doc[i - 3].whitespace_
                  and not doc[i - 2].whitespace_ and f"{doc[i - 3].lower_}-{low}" in MODIFIERS):
                i -= 3
            else:
                break
        return i

    def match(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """(entities to add, elided coordinated conjuncts with the concept they name)."""
        new: list[Span] = []
        coordinated: list[Span] = []
        ents = [e for e in doc.ents if e.label_ in DISEASE_LABELS]
        covered = {i for e in doc.ents for i in range(e.start, e.end)}
        for ent in ents:
            sent_start = ent.sent.start
            start = ent.start
            # coordination: "breast and ovarian cancer" when "breast cancer" is a name
            head = doc[ent.end - 1].lower_
            if start - 2 >= sent_start and doc[start - 1].lower_ in _COORD | {","}:
                first = doc[start - 2]
                named = self.names.get(f"{first.lower_} {head}") or self.names.get(f"{first.lower_} {head.rstrip('s')}")
                if named:
                    start -= 2
                    # "Noonan and Williams syndromes" names Noonan syndrome too: kept beside the entity
                    coordinated.append(Span(doc, first.i, first.i + 1, label=named[0], span_id=named[1]))
            elif start - 4 >= sent_start and doc[start - 1].lower_ == "or" and doc[start - 2].text == "/" \
                    and doc[start - 3].lower_ == "and":
                first = doc[start - 4]
                if f"{first.lower_} {head}" in self.names:
                    start -= 4
            start = self._left_modifiers(doc, start, sent_start)
            end = ent.end
            while end < ent.sent.end and doc[end].lower_ in LATIN_QUALIFIERS and end not in covered:
                end += 1
            if start != ent.start or end != ent.end:
                new.append(Span(doc, start, end, label=ent.label_, span_id=ent.ent_id_))
        # a bare head the ruler found ("tumours") may still take a descriptive modifier
        bare_heads = {e.start for e in ents if len(e) == 1 and e[0].lower_ in HEADS}
        covered -= bare_heads
        for m in _HEAD_RX.finditer(doc_text(doc)):
            span = doc.char_span(m.start(), m.end())
            if span is None or len(span) != 1 or span.start in covered or (
                    span.end < len(doc) and doc[span.end].lower_ in _INSTRUMENT_WORDS):
                continue  # "Global Dystonia Rating Scale" names an instrument, not a disease
            tok = span[0]
            start = tok.i
            while start - 1 >= tok.sent.start and start - 1 not in covered:
                prev = doc[start - 1]
                descriptive = _DESCRIPTIVE.match(prev.text) and prev.lower_ not in _VAGUE
                if descriptive or prev.lower_ in ORGANS or (
                        _SYMBOL.match(prev.text) and prev.text not in _STOP_SYMBOL and not prev.is_sent_start):
                    start -= 1
                else:
                    break
                if tok.i - start >= 3:
                    break
            standalone = tok.lower_ in STANDALONE_HEADS or (tok.lower_ not in HEADS and tok.lower_ not in _NOT_OMA)
            if tok.lower_ in _NOT_OMA and tok.lower_ not in HEADS:
                continue
            if start == tok.i and (not standalone or tok.i in bare_heads):
                continue
            start = self._left_modifiers(doc, start, tok.sent.start)
            new.append(Span(doc, start, tok.i + 1, label="CONDITION"))
        return new, coordinated

    def set_annotations(self, doc: Doc, matches: tuple[list[Span], list[Span]]) -> None:
        new, coordinated = matches
        replace_entities(doc, add=new)
        doc.spans[COORDINATED_KEY] = coordinated

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory("facekg_diseases", assigns=["doc.ents", "doc.spans"], requires=["doc.ents"],
                  default_config={"vocabulary": ""})
def make_disease_spanner(nlp: Language, name: str, vocabulary: str) -> DiseaseSpanner:
    return DiseaseSpanner(nlp, name, vocabulary)
