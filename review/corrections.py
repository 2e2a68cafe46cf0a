"""Corrections as training data: JSON lines, or a spaCy DocBin of the studies' texts.

Each correction is a reviewer's verdict on one extracted span. In the DocBin
every study becomes one ``Doc`` of ``title + "\\n" + abstract`` (the text the
offsets index into) where

- accepted and edited spans are entities of their label (the extractor found
  the right thing; an edit corrects its value, not that it is one),
- rejected spans are marked *outside* (explicitly not an entity),
- every other token is *missing* (nobody looked at it), so training does not
  learn that unreviewed text holds no entity;

and ``doc.spans["facekg_corrections"]`` keeps every reviewed span (overlaps
included) with the verdicts in ``doc.user_data["corrections"]``. A span whose
offsets no longer fit the text is skipped and reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from review.models import Correction

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

SPAN_GROUP = "facekg_corrections"


class ExportSummary(BaseModel):
    """What an export wrote, and which corrections it could not place."""

    path: str
    written: int
    documents: int = 0
    skipped: list[str] = Field(default_factory=list, description="'<study>: <why>' per skipped correction")


def write_jsonl(corrections: Iterable[Correction], path: Path) -> ExportSummary:
    """One correction per line, in the order given."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for correction in corrections:
            out.write(correction.model_dump_json() + "\n")
            written += 1
    return ExportSummary(path=str(path), written=written)


def write_docbin(corrections: Iterable[Correction], texts: Mapping[str, str], path: Path) -> ExportSummary:
    """A spaCy DocBin with one annotated Doc per study; ``texts`` maps study id -> title + "\\n" + abstract."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    nlp = spacy.blank("en")
    by_study: dict[str, list[Correction]] = {}
    for correction in corrections:
        by_study.setdefault(correction.study_id, []).append(correction)
    docbin = DocBin(store_user_data=True)
    skipped: list[str] = []
    written = documents = 0
    for study_id, items in sorted(by_study.items()):
        text = texts.get(study_id)
        if text is None:
            skipped.extend(f"{study_id}: no text for this study" for _ in items)
            continue
        doc = nlp.make_doc(text)
        reviewed: list[Span] = []
        verdicts: list[dict[str, object]] = []
        for item in items:
            span = _span(doc, item)
            if isinstance(span, str):
                skipped.append(f"{study_id}: {span}")
                continue
            reviewed.append(span)
            verdicts.append({"start": span.start_char, "end": span.end_char, "label": item.label,
                             "verdict": item.verdict, "section": item.section, "reviewer": item.reviewer})
        positives = filter_spans([span for span, verdict in zip(reviewed, verdicts, strict=True)
                                  if verdict["verdict"] != "rejected"])
        taken = {token.i for span in positives for token in span}
        outside = [doc[token.i:token.i + 1] for span, verdict in zip(reviewed, verdicts, strict=True)
                   if verdict["verdict"] == "rejected" for token in span if token.i not in taken]
        doc.set_ents(positives, outside=outside, default="missing")
        doc.spans[SPAN_GROUP] = reviewed
        doc.user_data["study_id"] = study_id
        doc.user_data["corrections"] = verdicts
        docbin.add(doc)
        documents += 1
        written += len(reviewed)
    docbin.to_disk(path)
    return ExportSummary(path=str(path), written=written, documents=documents, skipped=skipped)


def _span(doc: Doc, item: Correction) -> Span | str:
    """The Doc span of a correction, or why it cannot be placed."""
    if item.span is None:
        return f"{item.section} correction has no evidence span"
    if item.span.field != "title_abstract":
        return f"span at {item.span.start}-{item.span.end} is in the full text, not the title and abstract"
    if doc.text[item.span.start:item.span.end] != item.span.text:
        return f"span {item.span.text!r} at {item.span.start}-{item.span.end} does not match the study text"
    span = doc.char_span(item.span.start, item.span.end, label=item.label, alignment_mode="expand")
    return span if span is not None else f"span at {item.span.start}-{item.span.end} does not align with tokens"
