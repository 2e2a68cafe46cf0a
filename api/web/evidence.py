"""An evidence span shown in its sentence, so the page can highlight exactly what the extractor read.

Offsets index into ``title + "\\n" + abstract`` (:class:`facekg.records.Evidence`);
the sentence around them is cut from that text. When the offsets do not fit
the study's text (the abstract changed since, or the span came from a PDF), the
stored sentence is searched for the span instead, and the page says the offsets
could not be checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from facekg.records import Evidence, StudyRecord

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
CONTEXT_CHARS = 400  # a sentence longer than this is cut around the span


@dataclass(frozen=True)
class Highlight:
    """The text before the span, the span, the text after it, and whether the offsets were verified."""

    before: str
    span: str
    after: str
    offsets_verified: bool


def study_text(study: StudyRecord) -> str:
    """The text evidence offsets index into: title, a newline, then the abstract."""
    return study.title + "\n" + (study.abstract or "")


def highlight(evidence: Evidence, study: StudyRecord) -> Highlight:
    """The span in its sentence: from the study text when the offsets fit, else from the stored sentence."""
    text = study_text(study)
    if evidence.field == "title_abstract" and 0 <= evidence.start < evidence.end <= len(text) \
            and text[evidence.start:evidence.end] == evidence.text:
        start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, evidence.start)), default=0)
        found = _SENTENCE_END.search(text, evidence.end)
        end = found.start() if found else len(text)
        start = max(start, evidence.start - CONTEXT_CHARS)
        end = min(end, evidence.end + CONTEXT_CHARS)
        return Highlight(text[start:evidence.start], evidence.text, text[evidence.end:end], True)
    sentence = evidence.sentence or ""
    at = sentence.find(evidence.text) if evidence.text else -1
    if at >= 0:
        return Highlight(sentence[:at], evidence.text, sentence[at + len(evidence.text):], False)
    return Highlight("", evidence.text, (" … " + sentence) if sentence else "", False)
