"""Sample sizes: counts of participants, patients, controls, images, videos.

Forms: "1,049 patients", "17 560 facial images" (thin-space or space thousands
separators), "more than 17,000 images", "twenty-five children", "(n = 207)",
"N=54". Up to three modifier words may sit between number and noun ("216 healthy
Chinese controls"). ``unit`` is the noun normalised: participants, patients,
controls, images, videos (subjects/individuals/people/children/adults -> participants,
cases -> patients, photographs/photos/pictures/faces -> images). For ``n = 207`` the
unit is the nearest countable noun before it, else participants.

Controls: a count of people qualified as healthy, normal, unaffected or typically developing
("61 healthy volunteers", "40 unaffected individuals", "29 unaffected siblings", "24 typically developing
peers") is a count of controls, and so are volunteers in a sentence that also counts patients or cases.
People "with" a condition or qualified as affected are patients. Images and videos stay apart
from people ("1,200 images of 300 patients" is 1,200 images and 300 patients).

Background counts are not samples: a sentence with a population figure ("an estimated 2.6 million
affected adults") and counts of cases in the literature ("fewer than 100 reported cases") are skipped.
``doc._.sample_total`` is the study's participant total from these counts, by the rule the
gap analysis uses (:func:`facekg.participants.participant_total`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from facekg.participants import participant_total

if not Doc.has_extension("sample_sizes"):
    Doc.set_extension("sample_sizes", default=[])
if not Doc.has_extension("sample_total"):
    Doc.set_extension("sample_total", default=None)

UNITS = {
    "participants": "participants", "subjects": "participants", "individuals": "participants",
    "people": "participants", "persons": "participants", "volunteers": "participants",
    "children": "participants", "adults": "participants", "infants": "participants",
    "neonates": "participants", "newborns": "participants", "adolescents": "participants",
    "siblings": "participants", "peers": "participants", "relatives": "participants",
    "boys": "participants", "girls": "participants",
    "families": "families", "probands": "patients", "patients": "patients", "cases": "patients",
    "controls": "controls", "images": "images", "photographs": "images", "photos": "images",
    "pictures": "images", "faces": "images", "portraits": "images", "scans": "images",
    "videos": "videos", "recordings": "videos", "clips": "videos", "video interviews": "videos",
    "video responses": "videos", "video recordings": "videos", "video clips": "videos",
}
# Singular nouns only name the unit of an "n = 207" ("each patient (n = 207)"), never a count.
_SINGULAR_UNITS = {"participant": "participants", "subject": "participants", "patient": "patients",
                   "control": "controls", "image": "images", "video": "videos"}
_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000}
_NUMBER = (r"(?P<num>\d{1,3}(?:(?:,|[ \u2009\u202f\u00a0])\d{3})+(?!\d)|\d+(?![.,]\d)|"
           r"(?:" + "|".join(_WORD_NUMBERS) + r")(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
           r"(?:\s+(?:hundred|thousand)(?![\w-]))?)")
_MODIFIER = (r"(?:(?:(?:age|sex|gender|ethnicity)(?:\s*(?:,|and|-)\s*|\s+))+matched\s+|"  # "age and sex-matched"
             r"(?:(?-i:[A-Z])[\w'\-]*,?\s+(?:(?:and|or)\s+)?){2,6}?)?"  # "Caucasian, African, and Asian"
             r"(?:(?!(?:of|in|and|or|with|from|to|per|at|for|were|was|is|are|had|has|have|the|a|an|these|"
             r"those|their|our|its|by|than|who|which|that)\b)[A-Za-z][\w'\-]*,?\s+){0,3}?")
_COUNT = re.compile(
    rf"(?<![\w.,%\-–/])(?:n\s*=\s*)?{_NUMBER}\s+{_MODIFIER}(?P<noun>"
    + "|".join(sorted(UNITS, key=len, reverse=True))
    + r")\b(?!\s+(?:databases?|datasets?|data\b|sets?\b|collections?|banks?|repositor\w+|archives?|"
    r"sources?))",
    re.IGNORECASE,
)
_N_EQUALS = re.compile(r"(?<![\w])[nN]\s*=\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?![\d.])")
_NOT_COUNT_BEFORE = re.compile(r"(?:\btop[- ]?|%\s*|\bp\s*[<=]\s*|\b(?:aged?)\s+)$", re.IGNORECASE)
# "302 and 289 facial images": the first number counts the same thing as the second
_LEADING_NUMBER = re.compile(r"(?<![\w.,%\-–/])(?P<num>\d{1,3}(?:,\d{3})+|\d+)\s+(?:and|or)\s+$")
# "(182 Marfan and 490 control)": a number with a condition name, beside a number of controls
_CASES_AND_CONTROLS = re.compile(
    r"(?<![\w.,%\-–/])(?P<num>\d{1,3}(?:,\d{3})+|\d+)\s+(?P<what>[A-Z][\w'\-]*(?:\s+[\w'\-]+){0,2}?)\s+"
    r"(?:and|vs\.?|versus)\s+(?P<num2>\d{1,3}(?:,\d{3})+|\d+)\s+(?:healthy\s+|unaffected\s+)?controls?\b")
# "42 children with Williams syndrome": people counted with a condition are patients
_WITH_CONDITION = re.compile(r"^\s+(?:with|diagnosed with|affected by|suffering from|who had)\b", re.IGNORECASE)
_ANY_UNIT = {**UNITS, **_SINGULAR_UNITS}
# "61 healthy volunteers", "40 unaffected individuals", "typically developing children": controls
_CONTROL_MODIFIER = re.compile(
    r"\b(?:healthy|normal|unaffected|non-?affected|typically[- ]developing|neurotypical|control|"
    r"age[- ]matched|sex[- ]matched|matched)\b", re.IGNORECASE)
# "36 affected children": people qualified as affected are patients
_AFFECTED = re.compile(r"\b(?:affected|symptomatic|diagnosed)\b", re.IGNORECASE)
_PEOPLE = {"participants", "volunteers", "subjects", "individuals", "people", "persons", "children", "adults",
           "infants", "neonates", "newborns", "adolescents", "siblings", "peers", "relatives", "boys", "girls"}
_PATIENT_WORDS = re.compile(r"\b(?:patients|cases|probands)\b", re.IGNORECASE)
_NOUN_BEFORE = re.compile(r"\b(" + "|".join(sorted(_ANY_UNIT, key=len, reverse=True)) + r")\b", re.IGNORECASE)


# Background rather than the sample: population figures ("an estimated 2.6 million", "1 in 5,000
# births") and cases counted in the literature ("100 reported cases", "40 cases have been described").
_POPULATION = re.compile(r"\b\d[\d.,]*\s*(?:million|billion)\b|\ban estimated\s+\d|\b1\s+in\s+\d[\d,]*\b",
                         re.IGNORECASE)
_LITERATURE = re.compile(r"\b(?:reported|described|published|documented|known)\s+(?:\w+\s+)?cases\b", re.IGNORECASE)
_REPORTED_AFTER = re.compile(r"\s+(?:have|has)\s+been\s+(?:reported|described|published)\b|"
                             r"\s+(?:reported|described|published)\s+(?:in|to date|so far)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SampleMention:
    value: int
    unit: str
    text: str
    start: int
    end: int
    sentence: str


def parse_number(text: str) -> int | None:
    """``"1,049"`` -> 1049, ``"17 560"`` -> 17560, ``"twenty-five"`` -> 25, ``"two hundred"`` -> 200."""
    cleaned = re.sub(r"[,\s\u2009\u202f\u00a0]", "", text)
    if cleaned.isdigit():
        return int(cleaned)
    words = text.lower().split()
    if len(words) == 2 and words[1] in _SCALES:
        base = parse_number(words[0])
        return base * _SCALES[words[1]] if base else None
    parts = text.lower().split("-")
    if parts[0] in _WORD_NUMBERS:
        ones = {"one": 1, **{k: v for k, v in _WORD_NUMBERS.items() if v < 10}}
        return _WORD_NUMBERS[parts[0]] + (ones.get(parts[1], 0) if len(parts) > 1 else 0)
    return None


class SampleSizeMatcher:
    """Finds sample-size counts (see module doc)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def match(self, doc: Doc) -> list[SampleMention]:
        out: list[SampleMention] = []
        for sent in doc.sents:
            text, base = sent.text, sent.start_char
            if _POPULATION.search(text):
                continue  # "2.6 million affected adults": the background, not the study's sample
            taken: list[tuple[int, int]] = []
            for m in _COUNT.finditer(text):
                if _NOT_COUNT_BEFORE.search(text[max(0, m.start() - 8): m.start()]):
                    continue
                if _LITERATURE.search(m.group(0)) or _REPORTED_AFTER.match(text, m.end()):
                    continue  # "fewer than 100 reported cases": the literature, not the study
                value = parse_number(m.group("num"))
                if value is None or value == 0 or (1900 <= value <= 2100 and "," not in m.group("num")):
                    continue
                noun = re.sub(r"\s+", " ", m.group("noun").lower())
                unit = UNITS[noun]
                if noun in _PEOPLE and (_CONTROL_MODIFIER.search(m.group(0)) or (
                        noun == "volunteers" and _PATIENT_WORDS.search(text))):
                    unit = "controls"
                elif unit == "participants" and (_WITH_CONDITION.match(text[m.end():])
                                                 or _AFFECTED.search(m.group(0))):
                    unit = "patients"
                lead = _LEADING_NUMBER.search(text[max(0, m.start() - 20): m.start()])
                first = parse_number(lead.group("num")) if lead else None
                if lead and first and not (1900 <= first <= 2100 and "," not in lead.group("num")):
                    num_start = max(0, m.start() - 20) + lead.start("num")
                    num_end = num_start + len(lead.group("num"))
                    out.append(SampleMention(first, unit, text[num_start:num_end], base + num_start, base + num_end,
                                             text))
                out.append(SampleMention(value, unit, m.group(0), base + m.start(), base + m.end(), text))
                taken.append((m.start(), m.end()))
            for m in _CASES_AND_CONTROLS.finditer(text):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                for group, unit in (("num", "patients"), ("num2", "controls")):
                    value = parse_number(m.group(group))
                    if value:
                        out.append(SampleMention(value, unit, m.group(0), base + m.start(), base + m.end(), text))
                taken.append((m.start(), m.end()))
            counted = {mention.value for mention in out if mention.sentence is text}
            for m in _N_EQUALS.finditer(text):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                value = parse_number(m.group("num"))
                if not value or value in counted:
                    continue  # "207 children (n = 207)": one sample, said twice
                nouns = list(_NOUN_BEFORE.finditer(text[max(0, m.start() - 60): m.start()]))
                unit = _ANY_UNIT[nouns[-1].group(1).lower()] if nouns else "participants"
                out.append(SampleMention(value, unit, m.group(0), base + m.start(), base + m.end(), text))
        return out

    def set_annotations(self, doc: Doc, matches: list[SampleMention]) -> None:
        doc._.sample_sizes = matches
        doc._.sample_total = participant_total((m.value, m.unit) for m in matches)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory("facekg_samples", assigns=["doc._.sample_sizes", "doc._.sample_total"],
                  requires=["token.is_sent_start"],
                  default_config={})
def make_sample_size_matcher(nlp: Language, name: str) -> SampleSizeMatcher:
    return SampleSizeMatcher(nlp, name)
