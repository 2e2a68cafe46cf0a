"""Small helpers shared by the components: entity replacement and sentence lookup."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span
from spacy.util import filter_spans


def replace_entities(doc: Doc, *, add: Iterable[Span] = (), remove: Iterable[Span] = ()) -> None:
    """Drop ``remove``, then add ``add`` over any entity they overlap (longest wins among ``add``)."""
    removed = {(e.start, e.end) for e in remove}
    kept = [e for e in doc.ents if (e.start, e.end) not in removed]
    new = filter_spans(list(add))
    if new:
        occupied: set[int] = set()
        for span in new:
            occupied.update(range(span.start, span.end))
        kept = [e for e in kept if not any(i in occupied for i in range(e.start, e.end))]
    doc.ents = sorted([*kept, *new], key=lambda s: s.start)


def sentence_text(doc: Doc, start_char: int) -> str:
    """The sentence containing a character offset (the whole text if unsegmented)."""
    span = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
    if span is None or not doc.has_annotation("SENT_START"):
        return doc.text
    return span.sent.text
