"""Demographic reporting: does the abstract report sex, age, race/ethnicity, skin tone, geography?

Cues per attribute (regular expressions; countries come from the ``GPE`` entities of
the ruler, built from the places vocabulary :mod:`ontology.places`):

* sex: counts or shares of men/women/males/females/boys/girls ("54 women",
  "61% female", "female: 40"), male-to-female ratio, sex distribution.
* age: mean/median age, age range, "aged 3-12", "X years old", "years of age",
  "age X-Y years". A population word alone ("children", "adults") is
  *not* age reporting: it names who was studied, not the ages of the sample.
* race_ethnicity: ethnicity/race/ancestry words, continental and ethnic groups
  (African, Asian, European, Caucasian, Hispanic, Latino, Han Chinese...), "diverse
  populations", "multi-ethnic".
* skin_tone: Fitzpatrick, Monk scale, skin type I-VI, skin tone/colour, phototype.
* geography: a country name, multicentre/multi-site, "N hospitals/sites/centres/countries".
* a national group of participants ("Chinese boys", "Korean patients") counts for both
  race_ethnicity and geography.

Matching: "age- and sex-matched controls", "matched for age and sex" name a criterion, not the
sample's distribution: such a cue counts for nothing (neither reported nor stated-not-reported).
Negation: a cue in a clause with "not", "no", "without", "lack of", "unavailable",
"unknown", "missing" ("ethnicity was not recorded", "no information on skin type")
counts as *not reported*. An attribute is reported (True) if any sentence reports it,
else False. Its status (``doc._.demographic_status``) tells the two kinds of False apart, as the
bias ledger does: ``reported``, ``stated-not-reported`` (only negated cues: "ethnicity was not
recorded") or ``not-mentioned`` (no cue at all). Each decision keeps its evidence, and a geography or
race_ethnicity cue keeps the
countries or ancestry groups it names, normalised by the places vocabulary (``values``), which
is what the bias analysis reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from facekg.records import DEMOGRAPHIC_ATTRIBUTES
from ingest.nlp.spans import doc_text
from ontology.places import load_places

if not Doc.has_extension("demographics"):
    Doc.set_extension("demographics", default={})
if not Doc.has_extension("demographic_evidence"):
    Doc.set_extension("demographic_evidence", default=[])
if not Doc.has_extension("demographic_status"):
    Doc.set_extension("demographic_status", default={})

REPORTED, STATED_NOT_REPORTED, NOT_MENTIONED = "reported", "stated-not-reported", "not-mentioned"

_N = r"\d[\d,.]*"
CUES: dict[str, re.Pattern[str]] = {
    "sex": re.compile(
        rf"\b(?:{_N}\s*%?\s*(?:were\s+)?(?:[A-Za-z]+\s+)?(?:men|women|males?|females?|boys|girls)\b|"
        r"(?:males?|females?|men|women|boys|girls)\s*[:=(]\s*\d|"
        r"(?:sex|gender)[- ](?:matched|balanced|distribution|ratio|differences?|subgroups?)|"
        r"male[- ]to[- ]female|female[- ]to[- ]male|\b[MF]\s*/\s*[MF]\s*[:=]?\s*\d|"
        r"(?:by|across|of) (?:sex|gender)\b|\b(?:sex|gender)(?:,| and) (?:age|race|ethnicity)|"
        r"\b(?:age|race|ethnicity),? and (?:sex|gender)\b|\b(?:age|race|ethnicity), (?:sex|gender)\b|"
        r"proportion of (?:women|females|males|men)|"
        r"\b(?:female|male)s?\s+(?:[a-z]+\s+){0,2}(?:of|was|were|=|:)\s*\d[\d.]*\s*%|"  # "female gender of 45%"
        r"(?:sex|gender) (?:was|were) (?:recorded|reported|collected|available)|"
        r"information on (?:sex|gender))",
        re.IGNORECASE,
    ),
    "age": re.compile(
        r"\b(?:mean|median|average)\s+(?:\(\s*SD\s*\)\s+)?age|age range|\baged\s+(?:between\s+)?\d|"
        r"\d+\s*(?:-|–|to)\s*\d+\s*(?:years|yrs|months)\b|\d+(?:\.\d+)?\s*(?:±\s*\d+(?:\.\d+)?\s*)?"
        r"(?:years|yrs)[- ](?:old|of age)|years of age|age[- ]matched|"
        r"\bages?\s+(?:of\s+|between\s+|from\s+)?\d|\bage\s*[:=]\s*\d|age groups?|"
        r"age(?:,| and) (?:sex|gender)|(?:with|by|across) age\b|(?:sex|gender),? and age|"
        r"(?:by|across) age\b|age (?:was|were) (?:recorded|reported|collected|available)|information on age|"
        r"\bage at (?:the )?(?:time|diagnosis|photograph|examination|imaging)|"
        r"\bage of (?:the )?(?:individuals?|patients?|participants?|children|subjects)\b|"
        r"\b(?:younger|older) than \d|\b(?:younger|older) ages?\b|"
        r"(?:adjusted|controlled|matched|stratified|corrected) (?:for|by) (?:\w+, )?age\b",
        re.IGNORECASE,
    ),
    "race_ethnicity": re.compile(
        r"\b(?:ethnic(?:ity|ities|ally)?|race|racial(?:ly)?|ancestr(?:y|ies)|multi-?ethnic|"
        r"African(?:[- ]American)?s?|Asians?|East Asian|South Asian|Europeans?|Caucasians?|Hispanics?|"
        r"Latin[oax]s?|Latin American|Indigenous|Aboriginal|Han Chinese|Arab|Middle Eastern|"
        r"(?:Black|White) (?:and|or) (?:Black|White|Asian|Hispanic)|(?:Black|White) (?:patients|participants|"
        r"individuals|people|children|adults|subjects)|diverse populations?|population diversity|"
        r"non-European|non-Caucasian)\b",
        re.IGNORECASE,
    ),
    "skin_tone": re.compile(
        r"\b(?:Fitzpatrick|Monk (?:skin tone|scale)|"
        r"skin (?:types?|tones?|colou?rs?|phototypes?|pigmentation)|"
        r"phototypes?|(?:darker|lighter|dark|light|fair)[- ]skin(?:ned)?|complexion)\b",
        re.IGNORECASE,
    ),
    "geography": re.compile(
        r"\b(?:multi-?cent(?:er|re|ric)|multi-?site|multi-?national|multinational|international cohort|"
        r"\d+\s+(?:hospitals|sites|centres|centers|countries|institutions|clinics)|"
        r"(?:two|three|four|five|six|seven|eight|nine|ten|several|multiple)\s+(?:hospitals|sites|centres|"
        r"centers|countries|institutions|clinics)|countr(?:y|ies) of origin|geographic(?:al)?)\b",
        re.IGNORECASE,
    ),
}
# "Chinese boys", "Korean patients": a national group of participants says both who and where.
NATIONAL_GROUP = re.compile(
    r"\b(?:Han )?(?:" + "|".join(map(re.escape, load_places().demonyms())) + r")\s+(?:\w+\s+)?(?:patients|"
    r"participants|subjects|individuals|people|population|populations|children|adults|boys|girls|men|women|"
    r"males|females|infants|volunteers|cohort|families)\b"
)
# Negation bound to the attribute: "no information on skin type", "without ethnicity data",
# "ethnicity was not recorded", "skin tone was unknown". A negation elsewhere in the clause
# ("no detectable bias by sex") does not make the attribute unreported.
NEGATED_BEFORE = re.compile(
    r"\b(?:no|without|lack(?:ing)? of|absence of|missing|unknown|unreported|"
    r"not (?:recorded|reported|collected|available|documented)(?: for| on)?)\s+"
    r"(?:(?:information|data|details|records?|reporting|mention|on|about|regarding|of|the|available|"
    r"participants'?|patients'?)\s+){0,3}$",
    re.IGNORECASE,
)
NEGATED_AFTER = re.compile(
    r"^[\w\s,/-]{0,40}?\b(?:was|were|is|are|had been|has been|have been)\s+(?:not|never|neither|unknown|"
    r"unavailable|missing|unreported|incomplete)\b|^\s*(?:data\s+)?(?:\w+\s+)?(?:unknown|unavailable|missing)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[;:]|,\s*(?:but|whereas|while|and)\b|\bbut\b")


@dataclass(frozen=True)
class DemographicCue:
    attribute: str
    reported: bool
    text: str
    start: int
    end: int
    sentence: str
    values: tuple[str, ...] = ()


def place_values(attribute: str, text: str, country_id: str | None = None) -> tuple[str, ...]:
    """The countries (geography) or ancestry groups (race_ethnicity) a cue names, normalised."""
    places = load_places()
    if country_id:
        name = places.country_name(country_id)
        return (name,) if name else ()
    if attribute == "geography":
        return tuple(sorted(places.countries_in(text)))
    if attribute == "race_ethnicity":
        return tuple(sorted(places.ancestries_in(text)))
    return ()


# A matching statement names a characteristic without its distribution in the sample: not a report.
_MATCH_WORDS = r"(?:age|sex|gender|ethnicity|race|ancestry|bmi|body mass index|education|handedness)"
_MATCHED_AFTER = re.compile(rf"(?:\s*(?:,|and|or|/|-)?\s*{_MATCH_WORDS}\b)*\s*(?:,|/)?\s*-?\s*matched\b",
                            re.IGNORECASE)
_MATCHED_BEFORE = re.compile(rf"\bmatched\s+(?:for|on|by|in|according\s+to)\s+(?:{_MATCH_WORDS}\s*(?:,|and|or)?\s*)*$",
                             re.IGNORECASE)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    breaks = list(_CLAUSE.finditer(text))
    lo = max([m.end() for m in breaks if m.end() <= start] + [0])
    hi = min([m.start() for m in breaks if m.start() >= end] + [len(text)])
    return lo, hi


def is_matching(text: str, start: int, end: int) -> bool:
    """Whether the cue ``text[start:end]`` only names a matching criterion ("sex-matched", "matched for age")."""
    return bool("matched" in text[start:end].lower() or _MATCHED_AFTER.match(text, end)
                or _MATCHED_BEFORE.search(text[max(0, start - 60):start]))


def is_negated(text: str, start: int, end: int) -> bool:
    """Whether the cue ``text[start:end]`` is stated as not reported, within its clause."""
    lo, hi = _clause_bounds(text, start, end)
    return bool(NEGATED_BEFORE.search(text[lo:start]) or NEGATED_AFTER.search(text[end:hi]))


def status_of_cues(cues: list[DemographicCue]) -> dict[str, str]:
    """Per attribute: reported if any cue reports it, stated-not-reported if only negated cues, else not-mentioned."""
    status: dict[str, str] = {attr: NOT_MENTIONED for attr in DEMOGRAPHIC_ATTRIBUTES}
    for cue in cues:
        if cue.reported:
            status[cue.attribute] = REPORTED
        elif status[cue.attribute] == NOT_MENTIONED:
            status[cue.attribute] = STATED_NOT_REPORTED
    return status


class DemographicReporter:
    """Decides per attribute whether the sample's demographics are reported (see module doc)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def match(self, doc: Doc) -> list[DemographicCue]:
        cues: list[DemographicCue] = []
        places: dict[int, list[Span]] = {}
        for ent in doc.ents:
            if ent.label_ == "GPE":
                places.setdefault(ent.sent.start, []).append(ent)
        # a cue that matches nowhere in the document matches in no sentence: skip it per sentence
        whole = doc_text(doc)
        cues_here = [(attr, rx) for attr, rx in CUES.items() if rx.search(whole)]
        national = NATIONAL_GROUP.search(whole) is not None
        for sent in doc.sents:
            text, base = sent.text, sent.start_char
            found: list[tuple[str, int, int, str | None]] = [
                (attr, m.start(), m.end(), None) for attr, rx in cues_here for m in rx.finditer(text)]
            for m in NATIONAL_GROUP.finditer(text) if national else ():
                found += [("race_ethnicity", m.start(), m.end(), None), ("geography", m.start(), m.end(), None)]
            found += [("geography", e.start_char - base, e.end_char - base, e.ent_id_ or None)
                      for e in places.get(sent.start, [])]
            for attr, s, e, country_id in found:
                if is_matching(text, s, e):
                    continue  # "age- and sex-matched controls" gives no distribution of the sample
                negated = is_negated(text, s, e)
                cues.append(DemographicCue(attr, not negated, text[s:e], base + s, base + e, text,
                                           place_values(attr, text[s:e], country_id)))
        return cues

    def set_annotations(self, doc: Doc, matches: list[DemographicCue]) -> None:
        # Keyed by str: a cue's attribute is a plain string (it comes from the CUES regex table).
        flags: dict[str, bool] = {attr: False for attr in DEMOGRAPHIC_ATTRIBUTES}
        for cue in matches:
            flags[cue.attribute] = flags[cue.attribute] or cue.reported
        doc._.demographics = flags
        doc._.demographic_status = status_of_cues(matches)
        doc._.demographic_evidence = matches

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory("facekg_demographics",
                  assigns=["doc._.demographics", "doc._.demographic_status", "doc._.demographic_evidence"],
                  requires=["doc.ents", "token.is_sent_start"], default_config={})
def make_demographic_reporter(nlp: Language, name: str) -> DemographicReporter:
    return DemographicReporter(nlp, name)
