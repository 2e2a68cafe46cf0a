"""The input rules every reader obeys (NUL, control characters, sizes) and the strict reading of each format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facekg.errors import InputError
from ingest.pipeline import extraction_input
from ingest.readers import StudyDraft, parse_column_map, read_any, read_csv
from ingest.readers.rules import (
    MAX_EXTRACTION_CHARS,
    MAX_FIELD_CHARS,
    MAX_TITLE_CHARS,
    clean_object,
    neutralise_controls,
)
from ingest.structured import read_study_records
from tests.data import make_pdf


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- control characters: one rule, same length, for every reader --------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("red \x1b[31mtext\x1b[0m", "red      text    ", id="csi-colour"),
    pytest.param("a\x1b[2J\x1b[Hb", "a       b", id="csi-clear-screen"),
    pytest.param("t\x1b]0;window title\x07x", "t" + " " * 17 + "x", id="osc-bel"),
    pytest.param("t\x1b]8;;http://x\x1b\\link", "t" + " " * 15 + "link", id="osc-st-hyperlink"),
    pytest.param("a\x9b1mb", "a   b", id="c1-csi"),
    pytest.param("bell\x07 back\x08\x08 del\x7f nel\x85", "bell  back   del  nel ", id="bel-bs-del-c1"),
    pytest.param("esc at end\x1b", "esc at end ", id="lone-esc"),
    pytest.param("tab\tnewline\ncr\r kept", "tab\tnewline\ncr\r kept", id="tab-lf-cr-kept"),
    pytest.param("Noonan – Straße, 95 %", "Noonan – Straße, 95 %", id="printable-unicode-untouched"),
])
def test_rules_neutralise_controls_as_spaces_of_the_same_length(text: str, expected: str) -> None:
    assert neutralise_controls(text) == expected
    assert len(neutralise_controls(text)) == len(text)


TITLE_WITH_ESCAPES = "Deep learning \x1b[31mdetects\x1b[0m acromegaly\x07"
EXPORTS_WITH_ESCAPES = [
    pytest.param("x.ris", f"TY  - JOUR\nTI  - {TITLE_WITH_ESCAPES}\nER  - \n", id="ris"),
    pytest.param("x.nbib", f"PMID- 1\nTI  - {TITLE_WITH_ESCAPES}.\n", id="medline"),
    pytest.param("x.bib", f"@article{{k, title={{{TITLE_WITH_ESCAPES}}}}}\n", id="bibtex"),
    pytest.param("x.csv", f"title,year\n{TITLE_WITH_ESCAPES},2020\n", id="csv"),
    pytest.param("x.jsonl", json.dumps({"title": TITLE_WITH_ESCAPES}) + "\n", id="jsonl"),
    pytest.param("x.json", json.dumps([{"title": TITLE_WITH_ESCAPES}]), id="json"),
]


@pytest.mark.parametrize(("name", "text"), EXPORTS_WITH_ESCAPES)
def test_rules_every_reader_neutralises_terminal_controls(tmp_path: Path, name: str, text: str) -> None:
    [draft] = read_any(write(tmp_path, name, text))
    assert draft.title == "Deep learning detects acromegaly"


def test_rules_neutralise_keys_and_nested_values_of_extra(tmp_path: Path) -> None:
    path = write(tmp_path, "x.jsonl", json.dumps({"title": "T", "note\x1b[1m": ["a\x07b", {"c": "d\x08"}]}) + "\n")
    [draft] = read_any(path)
    assert draft.extra == {"note    ": ["a b", {"c": "d "}]}


def test_rules_curated_records_keep_offsets_after_neutralising(tmp_path: Path) -> None:
    record = {"id": "s1", "title": "Acro\x1b[0mmegaly study", "abstract": "Facial\x07 photographs."}
    [study] = read_study_records(write(tmp_path, "curated.jsonl", json.dumps(record) + "\n"))
    assert study.title == "Acro    megaly study" and len(study.title) == len(record["title"])
    assert study.abstract == "Facial  photographs."


# --- NUL and sizes ---------------------------------------------------------------------------------------


def test_rules_clean_object_names_the_nested_field_holding_a_nul() -> None:
    with pytest.raises(InputError) as caught:
        clean_object({"title": "T", "conditions": [{"name": "ok"}, {"name": "a\x00b"}]}, file="f", record=3)
    assert (caught.value.file, caught.value.record, caught.value.field) == ("f", 3, "conditions[1].name")


@pytest.mark.parametrize(("field", "size", "refused"), [
    pytest.param("title", MAX_TITLE_CHARS, False, id="title-at-limit"),
    pytest.param("title", MAX_TITLE_CHARS + 1, True, id="title-over-limit"),
    pytest.param("abstract", MAX_FIELD_CHARS, False, id="abstract-at-limit"),
    pytest.param("abstract", MAX_FIELD_CHARS + 1, True, id="abstract-over-limit"),
    pytest.param("authors", MAX_FIELD_CHARS + 1, True, id="one-author-over-limit"),
])
def test_rules_size_limits_are_inclusive_and_name_the_field(field: str, size: int, refused: bool) -> None:
    value: object = ["x" * size] if field == "authors" else "x" * size
    if refused:
        with pytest.raises(InputError) as caught:
            clean_object({field: value}, file="f", record=1)
        assert caught.value.field == (f"{field}[0]" if field == "authors" else field)
        assert f"{size:,} characters" in str(caught.value)
    else:
        assert clean_object({field: value}, file="f", record=1) == {field: value}


def test_rules_full_text_has_its_own_limit_and_does_not_count_towards_the_record() -> None:
    data = {"title": "T", "full_text": "x" * (MAX_FIELD_CHARS * 10)}
    assert clean_object(data, file="f", record=1) == data


def test_pipeline_extraction_input_refuses_a_draft_that_bypassed_the_readers() -> None:
    draft = StudyDraft(title="T", abstract="x " * MAX_EXTRACTION_CHARS, source_file="made.ris", record_number=4,
                       fmt="ris")
    with pytest.raises(InputError) as caught:
        extraction_input(draft, "s1")
    assert (caught.value.file, caught.value.record, caught.value.field) == ("made.ris", 4, "abstract")


# --- strict CSV ------------------------------------------------------------------------------------------


def test_csv_reader_reads_quoted_line_breaks_and_doubled_quotes_and_counts_lines_after_them(
        tmp_path: Path) -> None:
    path = write(tmp_path, "multi.csv", 'Title,Abstract\n"A ""quoted"" title","Line one\nline two"\n'
                 "Second,ok\nThird,too,wide\n")
    errors: list[InputError] = []
    drafts = list(read_csv(path, errors=errors))
    assert [(d.title, d.abstract) for d in drafts] == [('A "quoted" title', "Line one line two"), ("Second", "ok")]
    [error] = errors
    assert (error.record, error.field) == (3, "columns") and "line 5:" in str(error)


def test_csv_reader_names_the_column_of_a_stray_quote(tmp_path: Path) -> None:
    path = write(tmp_path, "stray.csv", 'Title,Abstract,Year\nFine,"An "abstract" here",2020\n')
    with pytest.raises(InputError) as caught:
        list(read_csv(path))
    assert (caught.value.record, caught.value.field) == (1, "Abstract")
    assert "line 2: text after the closing quote" in str(caught.value)


def test_csv_reader_resumes_after_an_unclosed_quote_on_the_next_line(tmp_path: Path) -> None:
    path = write(tmp_path, "open.csv", 'Title,Year\nFirst,2020\n"Second,2021\nThird,2022\nFourth,2023\n')
    errors: list[InputError] = []
    assert [d.title for d in read_csv(path, errors=errors)] == ["First", "Third", "Fourth"]
    assert [(e.record, e.field) for e in errors] == [(2, "Title")]
    assert "line 3: a quoted cell opens here and is never closed" in str(errors[0])


def test_csv_reader_refuses_a_column_map_column_the_file_lacks(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "Study title,Abstrct\nT,A\n")
    with pytest.raises(InputError) as caught:
        list(read_csv(path, column_map={"Study title": "title", "Abstract": "abstract"}))
    assert (caught.value.record, caught.value.field) == ("header", "Abstract")


@pytest.mark.parametrize(("text", "says"), [
    pytest.param("{'Title': 'title'}", "not valid JSON", id="single-quotes"),
    pytest.param('["title"]', "must be a JSON object", id="not-an-object"),
    pytest.param('{"Title": 1}', "must be a JSON object", id="not-strings"),
    pytest.param('{"Title": "headline"}', "unknown fields ['headline']", id="unknown-field"),
    pytest.param('{"A": "title", "B": "title"}', "maps several columns to ['title']", id="field-twice"),
    pytest.param('{"A": "title", "A": "abstract"}', "names column 'A' twice", id="column-twice"),
])
def test_csv_reader_parse_column_map_names_the_option(text: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_column_map(text)
    assert caught.value.field == "--column-map" and says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_csv_reader_parse_column_map_accepts_a_good_map() -> None:
    assert parse_column_map('{"Study title": "title"}') == {"Study title": "title"}


# --- repeated fields, as each format defines them --------------------------------------------------------


def test_ris_reader_keeps_identical_repeats_and_every_issn_and_language(tmp_path: Path) -> None:
    path = write(tmp_path, "r.ris", "TY  - JOUR\nTI  - Same title\nTI  - Same title\nSN  - 1234-5678\n"
                 "SN  - 8765-4321\nLA  - English\nLA  - French\nAB  - First part\n  continued.\nAB  - Second.\n"
                 "ER  - \n")
    [draft] = read_any(path)
    assert draft.title == "Same title"
    assert draft.extra["issn"] == ["1234-5678", "8765-4321"] and draft.extra["language"] == ["English", "French"]
    assert draft.abstract == "First part continued. Second."


def test_medline_reader_keeps_identical_repeats_of_single_tags(tmp_path: Path) -> None:
    path = write(tmp_path, "m.nbib", "PMID- 5\nTI  - One title.\nTI  - One title.\nLA  - eng\nLA  - fre\n")
    [draft] = read_any(path)
    assert (draft.title, draft.extra["language"]) == ("One title", ["eng", "fre"])


def test_bibtex_reader_reads_two_entries_sharing_a_key_fully_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "k.bib", "@article{smith2020, title={Facial analysis in {\\'E}cole}, year=2020}\n"
                 "@article{smith2020, title={Deep learning for {\\\"u}ber-rare syndromes}, year=2020}\n")
    assert [d.title for d in read_any(path)] == ["Facial analysis in École", "Deep learning for über-rare syndromes"]


def test_json_reader_refuses_a_key_repeated_in_a_nested_object(tmp_path: Path) -> None:
    path = write(tmp_path, "n.jsonl", '{"title": "T", "meta": {"a": 1, "a": 2}}\n')
    with pytest.raises(InputError) as caught:
        list(read_any(path))
    assert (caught.value.record, caught.value.field) == ("line 1", "meta.a")


# --- files -------------------------------------------------------------------------------------------


def test_readers_tell_a_stray_nul_in_a_text_file_from_binary_data(tmp_path: Path) -> None:
    path = write(tmp_path, "n.ris", "TY  - JOUR\nTI  - Fine\nER  - \nTY  - JOUR\nTI  - Bro\x00ken\nER  - \n")
    errors: list[InputError] = []
    assert [d.title for d in read_any(path, errors=errors)] == ["Fine"]
    assert [(e.record, e.field) for e in errors] == [(2, "TI")] and "line 5" in str(errors[0])


def test_pdf_reader_turns_an_unmapped_nul_glyph_into_a_space(tmp_path: Path) -> None:
    path = tmp_path / "glyph.pdf"
    path.write_bytes(make_pdf(["Deep\x00learning detects acromegaly", "Methods: photographs"]))
    [draft] = read_any(path)
    assert draft.title == "Deep learning detects acromegaly"
    assert draft.full_text is not None and "\x00" not in draft.full_text
