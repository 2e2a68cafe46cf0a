"""Study-design flags: external validation, comparison with clinicians, deep learning or not.

* external_validation: "external validation/test set/cohort/dataset", "independent
  (test|validation) cohort/dataset", "validated on an independent ..."; negated
  ("no external validation", "lack of external validation") does not count.
* clinician_comparison: a comparison cue (compared, versus, outperformed, than,
  against, superior, non-inferior, benchmark, as accurate as) in a sentence naming
  clinicians, dysmorphologists, experts, physicians or human raters; or a metric the
  metric matcher attributed to clinicians.
* is_deep_learning: True when an architecture found is deep learning, False when
  architectures were found and none is, None when none was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ingest.nlp.metrics import CLINICIAN_WORDS
from ingest.nlp.vocabulary import Vocabulary
from ingest.nlp.vocabulary_cache import vocabulary_from_path

for _ext in ("external_validation", "clinician_comparison", "is_deep_learning"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)
if not Doc.has_extension("flag_evidence"):
    Doc.set_extension("flag_evidence", default=[])

EXTERNAL = re.compile(
    r"\b(?:external(?:ly)?[- ](?:validat\w*|test(?:ing|ed)?|cohorts?|data ?sets?|test sets?|evaluation)|"
    r"independent (?:external |prospective |multicent(?:er|re) )?(?:test(?:ing)? |validation )?"
    r"(?:cohorts?|data ?sets?|test sets?|samples?|populations?)|"
    r"validated (?:on|in|using) (?:an? )?(?:independent|separate|external|unseen)|"
    r"(?:separate|unseen) (?:hospital|institution|centre|center|site)s?)",
    re.IGNORECASE,
)
_NEGATED_EXTERNAL = re.compile(
    r"\b(?:no|not|without|lack(?:ed|ing)?(?: of)?|absence of|future)\b[^.;]{0,30}$", re.IGNORECASE
)
# "validation in independent populations is still needed": a wish, not a result
_WANTED_EXTERNAL = re.compile(r"^[^.;]{0,30}\b(?:needed|required|warranted|necessary|planned|remains?)\b",
                              re.IGNORECASE)
COMPARISON = re.compile(
    r"\b(?:compar\w+|versus|vs\.?|outperform\w*|than|against|superior|inferior|non-inferior|benchmark\w*|"
    r"as (?:accurate|good|well) as|on par|exceed\w*|surpass\w*|matched|similar to|head-to-head|"
    r"human[- ]level|agreement|concordance|correlat\w*|between)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FlagCue:
    name: str
    value: bool
    text: str
    start: int
    end: int
    sentence: str


class StudyFlagger:
    """Sets ``doc._.external_validation``, ``clinician_comparison`` and ``is_deep_learning``."""

    def __init__(self, nlp: Language, name: str, vocabulary: str) -> None:
        self.name = name
        self.vocab: Vocabulary = vocabulary_from_path(vocabulary) if vocabulary else Vocabulary()

    def match(self, doc: Doc) -> list[FlagCue]:
        cues: list[FlagCue] = []
        for sent in doc.sents:
            text, base = sent.text, sent.start_char
            for m in EXTERNAL.finditer(text):
                negated = bool(_NEGATED_EXTERNAL.search(text[max(0, m.start() - 40): m.start()])
                               or _WANTED_EXTERNAL.search(text[m.end(): m.end() + 40]))
                cues.append(FlagCue("external_validation", not negated, m.group(0), base + m.start(),
                                    base + m.end(), text))
            clin = CLINICIAN_WORDS.search(text)
            comp = COMPARISON.search(text)
            if clin and comp:
                s, e = min(clin.start(), comp.start()), max(clin.end(), comp.end())
                cues.append(FlagCue("clinician_comparison", True, text[s:e], base + s, base + e, text))
        for mention in getattr(doc._, "metrics", []) or []:
            if mention.subject == "clinicians":
                cues.append(FlagCue("clinician_comparison", True, mention.text, mention.start, mention.end,
                                    mention.sentence))
        for ent in doc.ents:
            if ent.label_ == "ARCHITECTURE" and self.vocab.deep_learning.get(ent.ent_id_) is not None:
                cues.append(FlagCue("is_deep_learning", bool(self.vocab.deep_learning[ent.ent_id_]), ent.text,
                                    ent.start_char, ent.end_char, ent.sent.text))
        return cues

    def set_annotations(self, doc: Doc, matches: list[FlagCue]) -> None:
        doc._.external_validation = any(c.value for c in matches if c.name == "external_validation")
        doc._.clinician_comparison = any(c.value for c in matches if c.name == "clinician_comparison")
        dl = [c.value for c in matches if c.name == "is_deep_learning"]
        doc._.is_deep_learning = any(dl) if dl else None
        doc._.flag_evidence = matches

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory("facekg_flags", assigns=["doc._.external_validation", "doc._.clinician_comparison",
                                            "doc._.is_deep_learning", "doc._.flag_evidence"],
                  requires=["doc.ents"], default_config={"vocabulary": ""})
def make_study_flagger(nlp: Language, name: str, vocabulary: str) -> StudyFlagger:
    return StudyFlagger(nlp, name, vocabulary)
