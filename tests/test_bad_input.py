"""The bad-input corpus: every file in ``tests/bad_input/`` (and a few made here, too large or not files)
run through the real ``facekg`` command as a careless user would.

Each refused case asserts the exit code, one line on stderr naming the file, record and field, and a
graph left exactly as it was; under ``--skip-bad`` the good records of the same file load and the bad
one is quarantined by name. Each accepted case (control characters, repeats the format allows) asserts
what was stored. The rules themselves are in docs/input-rules.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from facekg.errors import InputError
from graph.exports.jsonl import export_jsonl
from graph.sqlite_store import SqliteStore
from ingest.load import load_records
from ingest.pipeline import ingest_files
from ingest.readers import parse_column_map, read_any
from ingest.readers.rules import MAX_EXTRACTION_CHARS, MAX_FIELD_CHARS, MAX_RECORD_CHARS, MAX_TITLE_CHARS
from ingest.structured import read_study_records
from ontology import Ontology
from tests.data import DEMO_STUDIES

CORPUS = Path(__file__).parent / "bad_input"
FACEKG = str(Path(sys.executable).parent / "facekg")
RIS_GOOD = "TY  - JOUR\nTI  - {title}\nPY  - 2021\nAB  - Facial photographs were read by a network.\nER  - \n\n"


def facekg(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"}
    return subprocess.run([FACEKG, *args], env=env, capture_output=True, text=True, timeout=600)


def graph_state(data_dir: Path) -> tuple[str, str, list[str]]:
    """Everything the store holds, as export rows, counts and review updates."""
    store = SqliteStore(data_dir)
    try:
        return export_jsonl(store), store.stats().model_dump_json(), [u.id for u in store.review_updates()]
    finally:
        store.close()


# --- the generated cases: too large to commit, or not files at all ------------------------------------


def over_long_abstract(tmp: Path) -> Path:
    path = tmp / "over-long-abstract.ris"
    huge = "facial " * (1_200_000 // 7)
    path.write_text(RIS_GOOD.format(title="Deep learning detects Treacher Collins syndrome")
                    + f"TY  - JOUR\nTI  - An abstract of 1.2 million characters\nAB  - {huge}\nER  - \n\n"
                    + RIS_GOOD.format(title="Facial analysis of 22q11 deletion syndrome"), encoding="utf-8")
    return path


def over_long_title(tmp: Path) -> Path:
    path = tmp / "over-long-title.csv"
    path.write_text("Title,Abstract\nDeep learning detects Crouzon syndrome,Photographs.\n"
                    f"{'Facial ' * (MAX_TITLE_CHARS // 7 + 1)},Photographs.\n", encoding="utf-8")
    return path


def over_long_record(tmp: Path) -> Path:
    """Every field under its limit, the record over its own."""
    path = tmp / "over-long-record.jsonl"
    notes = {f"note{index}": "n" * (MAX_FIELD_CHARS - 1) for index in range(MAX_RECORD_CHARS // MAX_FIELD_CHARS + 1)}
    lines = [{"title": "Deep learning detects Apert syndrome"}, {"title": "Many notes", **notes}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def missing_file(tmp: Path) -> Path:
    return tmp / "no-such-export.ris"


def directory(tmp: Path) -> Path:
    path = tmp / "exports"
    path.mkdir()
    return path


@dataclass(frozen=True)
class Case:
    """One refused input: what the one error line names, and what ``--skip-bad`` keeps of the file.

    ``kept`` is None when no record of the file can be read, so ``--skip-bad`` stops too.
    """

    name: str
    record: int | str | None
    field: str | None
    says: str
    kept: int | None
    args: tuple[str, ...] = ()
    make: Callable[[Path], Path] | None = None

    def path(self, tmp: Path) -> Path:
        return self.make(tmp) if self.make else CORPUS / self.name


REFUSED = [
    # strict CSV: quotes, widths and NUL by line and column
    Case("csv-unclosed-quote.csv", 1, "Title", "line 2: a quoted cell opens here and is never closed", kept=1),
    Case("csv-stray-quote.csv", 2, "Title", "line 3: text after the closing quote", kept=2),
    Case("csv-ragged-long.csv", 2, "columns", "line 3: 5 cells, the header has 3", kept=1),
    Case("csv-ragged-short.csv", 1, "columns", "line 2: 2 cells, the header has 3; column 'Year'", kept=1),
    Case("csv-nul.csv", 2, "Abstract", "line 3: NUL byte", kept=1),
    Case("csv-repeated-column.csv", "header", "Abstract", "column 'Abstract' appears twice", kept=None),
    Case("csv-title-column-missing.csv", "header", "title", "no title column", kept=None),
    # the --column-map option
    Case("column-map-not-json.csv", None, "--column-map", "not valid JSON", kept=None,
         args=("--column-map", "{'Study title': 'title'}")),
    Case("column-map-unknown-field.csv", None, "--column-map", "unknown fields ['headline']", kept=None,
         args=("--column-map", '{"Study title": "headline"}')),
    Case("column-map-absent-column.csv", "header", "Title of study", "not a column here", kept=None,
         args=("--column-map", '{"Title of study": "title"}')),
    # repeated fields the format allows once
    Case("ris-repeated-title.ris", 2, "TI", "TI is given twice with different values (lines 8 and 10)", kept=2),
    Case("medline-repeated-title.nbib", 2, "TI", "gives TI 2 times with different values", kept=1),
    Case("bibtex-repeated-field.bib", 2, "abstract", "gives the field 'abstract' more than once", kept=1),
    Case("jsonl-repeated-key.jsonl", "line 2", "abstract", "key given twice", kept=1),
    Case("json-repeated-key.json", 2, "title", "key given twice", kept=2),
    # NUL inside a record
    Case("ris-nul.ris", 2, "TI", "line 8: NUL byte", kept=1),
    Case("jsonl-escaped-nul.jsonl", "line 2", "abstract", "NUL byte", kept=1),
    # sizes
    Case("over-long-abstract.ris", 2, "abstract", "more than the 100,000 allowed for one abstract", kept=2,
         make=over_long_abstract),
    Case("over-long-title.csv", 2, "title", "more than the 2,000 allowed for one title", kept=1,
         make=over_long_title),
    Case("over-long-record.jsonl", "line 2", "record", "more than the 500,000 allowed for one record", kept=1,
         make=over_long_record),
    # files that are not exports at all
    Case("empty.ris", 1, "content", "the file is empty", kept=None),
    Case("blank-lines.csv", 1, "content", "the file is empty", kept=None),
    Case("image-named-ris.ris", 1, "content", "binary content", kept=None),
    Case("utf16-broken.ris", 1, "content", "does not decode", kept=None),
    Case("broken.pdf", 1, "pdf", "unreadable PDF", kept=0),
    Case("unknown-format.txt", 1, "format", "cannot tell the format", kept=None),
    Case("no-such-export.ris", None, None, "no such file", kept=None, make=missing_file),
    Case("exports", None, None, "is a directory", kept=None, make=directory),
]


@pytest.fixture(scope="module")
def loaded_dir(tmp_path_factory: pytest.TempPathFactory, ontology: Ontology) -> Path:
    """A graph with the demo corpus in it, which no refused ingest may change."""
    data_dir = tmp_path_factory.mktemp("bad-input-graph")
    load_records(SqliteStore(data_dir), read_study_records(DEMO_STUDIES), ontology, source="demo")
    return data_dir


def test_bad_input_corpus_has_one_case_per_file() -> None:
    committed = sorted(path.name for path in CORPUS.iterdir())
    covered = sorted(case.name for case in REFUSED if case.make is None) + sorted(
        case.name for case in ACCEPTED)
    assert sorted(covered) == committed


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in REFUSED])
def test_bad_input_ingest_fails_in_one_line_naming_file_record_field_and_leaves_the_graph(
        case: Case, loaded_dir: Path, tmp_path: Path) -> None:
    path = case.path(tmp_path)
    before = graph_state(loaded_dir)
    result = facekg(["ingest", str(path), *case.args], loaded_dir)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("error: ") and case.says in line
    if case.field != "--column-map":
        assert f"file {path}" in line
    if case.record is not None:
        assert f"record {case.record}," in line
    if case.field is not None:
        assert f"field {case.field!r}" in line
    assert "Traceback" not in result.stderr
    assert graph_state(loaded_dir) == before


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in REFUSED if case.kept is None])
def test_bad_input_unreadable_file_stops_skip_bad_too(case: Case, tmp_path: Path, ontology: Ontology) -> None:
    store = SqliteStore(tmp_path / "graph")
    with pytest.raises(InputError) as caught:
        column_map = parse_column_map(case.args[1]) if case.args else None
        ingest_files(store, ontology, [case.path(tmp_path)], skip_bad=True, column_map=column_map)
    assert (caught.value.record, caught.value.field) == (case.record, case.field)
    assert case.says in str(caught.value)
    assert store.stats().studies == 0


SKIPPABLE = [case for case in REFUSED if case.kept is not None]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in SKIPPABLE])
def test_bad_input_readers_quarantine_the_bad_record_and_keep_the_good_ones(case: Case, tmp_path: Path) -> None:
    errors: list[InputError] = []
    drafts = list(read_any(case.path(tmp_path), errors=errors))
    assert len(drafts) == case.kept
    assert [(error.file, error.record, error.field) for error in errors] == [
        (str(case.path(tmp_path)), case.record, case.field)]


# --- accepted: what a careful reader does with text it can read ----------------------------------------

CONTROL_CHARACTERS = [chr(code) for code in [*range(0, 9), 11, 12, *range(14, 32), *range(127, 160)]]


@dataclass(frozen=True)
class Accepted:
    name: str
    title: str
    abstract: str


ACCEPTED = [
    Accepted("ris-control-characters.ris", "Deep learning detects acromegaly",
             "A network read facial photographs of patients."),
    Accepted("jsonl-control-characters.jsonl", "Facial palsy grading by deep learning", "Videos were scored."),
    Accepted("ris-repeated-abstract.ris", "Deep learning detects Noonan syndrome",
             "Background: facial photographs were collected. Methods: a convolutional network was trained. "
             "Results: accuracy was high."),
    Accepted("medline-repeated-tags.nbib", "Deep learning detects Williams-Beuren syndrome from photographs",
             "Background: facial photographs were collected. Methods: a convolutional network was trained. "
             "Results: accuracy was high."),
]


@dataclass(frozen=True)
class SkipBadRun:
    paths: list[Path]
    result: subprocess.CompletedProcess[str]
    stored: list[dict[str, object]]


@pytest.fixture(scope="module")
def skip_bad_run(tmp_path_factory: pytest.TempPathFactory) -> SkipBadRun:
    """One ``--skip-bad`` ingest of every skippable case and every accepted file (spaCy loads once)."""
    tmp = tmp_path_factory.mktemp("skip-bad")
    paths = [case.path(tmp) for case in SKIPPABLE] + [CORPUS / case.name for case in ACCEPTED]
    result = facekg(["ingest", "--skip-bad", "--no-progress", *map(str, paths)], tmp / "graph")
    stored = [json.loads(line) for line in export_jsonl(SqliteStore(tmp / "graph")).splitlines()]
    return SkipBadRun(paths, result, stored)


def test_bad_input_skip_bad_ingest_loads_every_good_record_and_names_every_bad_one(
        skip_bad_run: SkipBadRun) -> None:
    result = skip_bad_run.result
    assert result.returncode == 0, result.stderr
    assert f"quarantined {len(SKIPPABLE)} bad record(s):" in result.stdout
    quarantined = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    for case, path in zip(SKIPPABLE, skip_bad_run.paths[: len(SKIPPABLE)], strict=True):
        prefix = f"  {path} record {case.record} field {case.field}: "
        [line] = [line for line in quarantined if line.startswith(prefix)]
        assert case.says in line
    assert len(skip_bad_run.stored) == sum(case.kept or 0 for case in SKIPPABLE) + len(ACCEPTED)
    assert max(len(str(s["title"])) + len(str(s["abstract"] or "")) for s in skip_bad_run.stored) < (
        MAX_EXTRACTION_CHARS)


def test_bad_input_accepted_files_store_clean_text_and_every_repeat_the_format_allows(
        skip_bad_run: SkipBadRun) -> None:
    assert not any(char in skip_bad_run.result.stdout + skip_bad_run.result.stderr for char in CONTROL_CHARACTERS)
    exported = json.dumps(skip_bad_run.stored, ensure_ascii=False)
    assert not any(char in exported for char in CONTROL_CHARACTERS)
    by_title = {str(s["title"]): s for s in skip_bad_run.stored}
    for case in ACCEPTED:
        assert by_title[case.title]["abstract"] == case.abstract
    noonan = by_title["Deep learning detects Noonan syndrome"]
    assert (noonan["authors"], noonan["keywords"], noonan["year"]) == (
        ["Doe, Jane", "Roe, Rick"], ["deep learning", "dysmorphology"], 2020)
    assert by_title["Deep learning detects Williams-Beuren syndrome from photographs"]["authors"] == [
        "Doe, Jane", "Roe, Rick"]


# --- the extract path: nothing reaches spaCy's max_length ---------------------------------------------


def test_bad_input_extract_refuses_an_over_long_abstract_before_spacy(tmp_path: Path) -> None:
    source = tmp_path / "records.jsonl"
    records = [{"id": "ok", "title": "Deep learning detects acromegaly", "abstract": "Photographs."},
               {"id": "huge", "title": "Huge", "abstract": "facial " * (1_100_000 // 7)}]
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = facekg(["extract", str(source), "--out", str(out)], tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert f"file {source}, record line 2, field 'abstract'" in line and "E088" not in line
    assert not out.exists()


def test_bad_input_limits_keep_extraction_text_under_the_pipelines_max_length() -> None:
    from ingest.nlp.pipeline import build_pipeline

    assert MAX_EXTRACTION_CHARS == MAX_TITLE_CHARS + 1 + MAX_FIELD_CHARS
    assert build_pipeline().max_length > MAX_EXTRACTION_CHARS


@pytest.mark.parametrize("kind, says", [pytest.param("missing", "no such directory", id="missing"),
                                         pytest.param("file", "--pdf-dir is not a directory", id="a-file")])
def test_bad_input_pdf_dir_that_is_not_a_directory_fails_naming_it(loaded_dir: Path, tmp_path: Path, kind: str,
                                                                  says: str) -> None:
    export = tmp_path / "one.ris"
    export.write_text(RIS_GOOD.format(title="Deep learning detects acromegaly"), encoding="utf-8")
    pdfs = tmp_path / "pdfs"
    if kind == "file":
        pdfs.write_text("not a folder", encoding="utf-8")
    before = graph_state(loaded_dir)
    result = facekg(["ingest", str(export), "--pdf-dir", str(pdfs)], loaded_dir)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert f"file {pdfs}" in line and says in line
    assert graph_state(loaded_dir) == before
