"""Corrections export: JSON lines and a spaCy DocBin whose entities are the reviewed spans."""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from facekg.records import ConditionFact, Evidence, Provenance, StudyRecord
from review.corrections import SPAN_GROUP, write_docbin, write_jsonl
from review.extraction import corrections_from_form, prefill_form
from tests.review_data import filled_form

TITLE = "Deep learning for Noonan syndrome"
ABSTRACT = "Photographs of children with Noonan syndrome and Williams syndrome were analysed."


def _study() -> StudyRecord:
    text = f"{TITLE}\n{ABSTRACT}"

    def at(phrase: str, occurrence: int = 0) -> Provenance:
        start = text.index(phrase, text.index(phrase) + 1 if occurrence else 0)
        return Provenance(source="extracted", extractor_version="t",
                          evidence=Evidence(text=phrase, start=start, end=start + len(phrase)))

    return StudyRecord(id="s1", title=TITLE, abstract=ABSTRACT, conditions=[
        ConditionFact(name="Noonan syndrome", provenance=at("Noonan syndrome")),
        ConditionFact(name="Williams syndrome", provenance=at("Williams syndrome")),
        ConditionFact(name="children", provenance=at("children"))])


def _corrections() -> list:
    record = _study()
    keys = {field.machine.name: field.key for field in prefill_form(record, "x").conditions if field.machine}
    form = filled_form(record, "AB", {keys["children"]: "rejected",
                                      keys["Williams syndrome"]: {"name": "Williams-Beuren syndrome"}})
    return [c for c in corrections_from_form(form) if c.section == "conditions"]


def test_corrections_export_jsonl_one_line_per_correction(tmp_path: Path) -> None:
    summary = write_jsonl(_corrections(), tmp_path / "c.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert summary.written == 3 == len(lines)
    assert {line["verdict"] for line in lines} == {"accepted", "edited", "rejected"}
    assert next(line for line in lines if line["verdict"] == "edited")["value"]["name"] == "Williams-Beuren syndrome"


def test_corrections_export_docbin_marks_kept_spans_as_entities_and_rejected_ones_as_outside(tmp_path: Path) -> None:
    path = tmp_path / "c.spacy"
    summary = write_docbin(_corrections(), {"s1": f"{TITLE}\n{ABSTRACT}"}, path)
    assert summary.documents == 1 and summary.written == 3 and not summary.skipped
    (doc,) = DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)
    assert [(ent.text, ent.label_) for ent in doc.ents] == [("Noonan syndrome", "CONDITION"),
                                                           ("Williams syndrome", "CONDITION")]
    children = next(token for token in doc if token.text == "children")
    assert children.ent_iob_ == "O"
    assert doc[0].ent_iob_ == ""  # unreviewed tokens stay missing, not "outside"
    assert len(doc.spans[SPAN_GROUP]) == 3 and doc.user_data["study_id"] == "s1"


def test_corrections_export_docbin_skips_spans_that_no_longer_fit_the_text(tmp_path: Path) -> None:
    summary = write_docbin(_corrections(), {"s1": "A different abstract entirely, of some length."}, tmp_path / "c")
    assert summary.written == 0 and len(summary.skipped) == 3
    assert "does not match the study text" in summary.skipped[0]
