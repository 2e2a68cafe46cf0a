"""Small helpers shared by the components: the document's text and words read once, entity replacement,
sentence lookup."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span
from spacy.util import filter_spans


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per document: spaCy rebuilds it from the tokens at every access."""
    text = doc.user_data.get("facekg_text")
    if text is None:
        text = doc.user_data["facekg_text"] = doc.text
    return str(text)


def doc_words(doc: Doc, lower: bool = False) -> list[str]:
    """The tokens' texts (or lower-case forms), read once per document; the pipeline never retokenizes."""
    key = "facekg_lower" if lower else "facekg_words"
    words = doc.user_data.get(key)
    if words is None:
        words = doc.user_data[key] = [t.lower_ if lower else t.text for t in doc]
    return list(words)


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
        return doc_text(doc)
    return span.sent.text
