"""Abbreviations defined in the text, and short forms that need context to be believed.

``facekg_abbreviations`` does what scispaCy's ``AbbreviationDetector`` does, without
a model: it finds ``Long Form (SF)`` definitions with the Schwartz & Hearst (2003)
character-alignment rule (or, for a disease name the rulers know, initials in another order:
"myotonic dystrophy (DM)"), then

* gives every later mention of ``SF`` the entity of its long form
  ("Williams-Beuren syndrome (WBS)" makes each "WBS" that syndrome);
* removes entities the case-sensitive ruler put on ``SF`` when the text defines it as
  something else ("computer-aided diagnosis (CAD)" is not coronary artery disease);
* keeps a short condition abbreviation that the text does not define (``PD``, ``CAD``)
  only with support: its concept is also named in full in the document, or the
  sentence speaks of patients or diagnosis near it.

``match(doc)`` is pure and returns the definitions and the entity decisions;
``set_annotations`` writes ``doc.ents`` and ``doc._.abbreviations``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from ingest.nlp.spans import doc_text, replace_entities

if not Doc.has_extension("abbreviations"):
    Doc.set_extension("abbreviations", default=[])

_SHORT_FORM = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\-'’]{0,9}[A-Za-z0-9]?s?)\s*[);,]")
_DISEASE_CONTEXT = {
    "patient", "patients", "subjects", "individuals", "people", "persons", "participants", "cases",
    "diagnosis", "diagnosed", "diagnosing", "diagnose", "screening", "detect", "detecting", "detection",
    "identify", "identifying", "with", "without", "controls", "healthy", "severity", "risk",
    "hypomimia", "affected", "suffering", "disease", "syndrome", "disorder", "classify", "classifying",
}
_SHORT_CONDITION = re.compile(r"^[A-Z][A-Za-z]{0,3}[A-Z0-9]?$")


@dataclass(frozen=True)
class Abbreviation:
    """``short`` defined as ``long`` (token spans); ``label``/``concept_id`` from the long form."""

    short: Span
    long: Span
    label: str | None
    concept_id: str | None


def find_long_form(short: str, candidate: str) -> int | None:
    """Schwartz & Hearst: start index in ``candidate`` of the long form of ``short``, or None."""
    s_index, l_index = len(short) - 1, len(candidate) - 1
    short_l, cand_l = short.lower(), candidate.lower()
    while s_index >= 0:
        ch = short_l[s_index]
        if not ch.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (
            cand_l[l_index] != ch or (s_index == 0 and l_index > 0 and cand_l[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = candidate.rfind(" ", 0, l_index + 1) + 1
    return start


def _reordered_long_form(short: str, candidate: str) -> int | None:
    """"Myotonic dystrophy (DM)": the short form's letters are the initials of the last words, in another
    order (a Latin or older word order, "dystrophia myotonica"). Start index in ``candidate``, or None."""
    if not (2 <= len(short) <= 4 and short.isalpha() and short.isupper()):
        return None
    words = candidate.split()
    if len(words) < len(short):
        return None
    last = words[-len(short):]
    if sorted(w[0].upper() for w in last) != sorted(short) or any(not w[0].isalpha() for w in last):
        return None
    return len(candidate) - len(" ".join(last))


def _names_a_disease(doc: Doc, long: Span) -> bool:
    ent = _long_form_entity(doc, long)
    return ent is not None and ent.start == long.start and ent.label_ in ("CONDITION", "PHENOTYPE", "FINDING")


def _definitions(doc: Doc) -> list[tuple[Span, Span]]:
    pairs: list[tuple[Span, Span]] = []
    for sent in doc.sents:
        text = sent.text
        for m in _SHORT_FORM.finditer(text):
            sf = m.group(1)
            if not any(ch.isupper() for ch in sf) or len(sf) < 2:
                continue
            before = text[: m.start()].rstrip()
            words = before.split()
            window = " ".join(words[-min(len(sf) + 5, len(sf) * 2):])
            start_in_window = find_long_form(sf.rstrip("s") if sf.endswith("s") and sf[:-1].isupper() else sf,
                                             window)
            reordered = start_in_window is None
            if reordered:
                start_in_window = _reordered_long_form(sf, window)
            if start_in_window is None:
                continue
            lf_start = sent.start_char + len(before) - len(window) + start_in_window
            lf_end = sent.start_char + len(before)
            sf_start = sent.start_char + m.start(1)
            long_span = doc.char_span(lf_start, lf_end, alignment_mode="expand")
            short_span = doc.char_span(sf_start, sf_start + len(sf), alignment_mode="contract")
            if long_span is None or short_span is None or len(short_span) == 0:
                continue
            if long_span.text.lower() == short_span.text.lower():
                continue
            if reordered and not _names_a_disease(doc, long_span):
                continue  # letters out of order are believed only for a known disease name
            pairs.append((short_span, long_span))
    return pairs


def _long_form_entity(doc: Doc, long: Span) -> Span | None:
    """The longest entity inside the long form that ends where it ends."""
    best = None
    for ent in doc.ents:
        if ent.start < long.end and ent.end == long.end and (best is None or len(ent) > len(best)):
            best = ent
    return best


class AbbreviationResolver:
    """Finds text-defined abbreviations and decides short-form entities (see module doc)."""

    def __init__(self, nlp: Language, name: str, context_window: int) -> None:
        self.name = name
        self.context_window = context_window

    def match(self, doc: Doc) -> tuple[list[Abbreviation], list[Span], list[Span]]:
        """Returns (definitions, entities to add, entities to remove)."""
        definitions: list[Abbreviation] = []
        for short, long in _definitions(doc):
            ent = _long_form_entity(doc, long)
            label, concept_id = (ent.label_, ent.ent_id_) if ent else (None, None)
            definitions.append(Abbreviation(short, long, label, concept_id))
        by_short: dict[str, Abbreviation] = {}
        for d in definitions:
            by_short.setdefault(d.short.text, d)
        add: list[Span] = []
        remove: list[Span] = []
        if by_short:
            pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in by_short) + r")(?![\w-])")
            for m in pattern.finditer(doc_text(doc)):
                span = doc.char_span(m.start(), m.end())
                if span is None:
                    continue
                d = by_short[m.group(1)]
                if d.label and d.concept_id:
                    add.append(Span(doc, span.start, span.end, label=d.label, span_id=d.concept_id))
                else:
                    remove.extend(e for e in doc.ents if e.start < span.end and span.start < e.end
                                  and len(e) <= len(span))
        ids_named_in_full = {e.ent_id_ for e in doc.ents if not _SHORT_CONDITION.match(e.text)}
        for ent in doc.ents:
            if ent.label_ != "CONDITION" or not _SHORT_CONDITION.match(ent.text) or ent.text in by_short:
                continue
            if ent.ent_id_ in ids_named_in_full or self._has_context(ent):
                continue
            remove.append(ent)
        return definitions, add, remove

    def _has_context(self, ent: Span) -> bool:
        sent = ent.sent
        lo = max(sent.start, ent.start - self.context_window)
        hi = min(sent.end, ent.end + self.context_window)
        return any(t.lower_ in _DISEASE_CONTEXT for t in ent.doc[lo:hi] if not (ent.start <= t.i < ent.end))

    def set_annotations(self, doc: Doc, matches: tuple[list[Abbreviation], list[Span], list[Span]]) -> None:
        definitions, add, remove = matches
        doc._.abbreviations = definitions
        replace_entities(doc, add=add, remove=remove)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory(
    "facekg_abbreviations",
    assigns=["doc.ents", "doc._.abbreviations"],
    default_config={"context_window": 4},
)
def make_abbreviation_resolver(nlp: Language, name: str, context_window: int) -> AbbreviationResolver:
    return AbbreviationResolver(nlp, name, context_window)
