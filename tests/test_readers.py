"""Readers: every export format read into drafts, bad input named precisely, big files streamed."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from facekg.errors import InputError
from ingest.readers import (
    StudyDraft,
    attach_pdf,
    detect_format,
    read_any,
    read_csv,
    read_ris,
    read_text,
)

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
GUROVICH_DOI = "10.1038/s41591-018-0279-0"

RIS_RECORD = """TY  - JOUR
TI  - {title}
AU  - Doe, Jane
PY  - 2021
AB  - Facial photographs of {n} patients were classified by a convolutional neural network.
DO  - 10.1000/test.{n}
ER  - 
"""

MEDLINE_RECORD = """PMID- {pmid}
TI  - {title}
DP  - 2021 Mar
AB  - A convolutional neural network read facial photographs.
LA  - eng
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, one line each)."""
    operations = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        operations.append(f"({escaped}) Tj T*")
    operations.append("ET")
    stream = "\n".join(operations).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- every format -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt", "count"), [
    pytest.param("rayyan.ris", "ris", 3, id="ris"),
    pytest.param("pubmed.nbib", "medline", 2, id="medline"),
    pytest.param("zotero.bib", "bibtex", 2, id="bibtex"),
    pytest.param("rayyan.csv", "csv", 2, id="rayyan-csv"),
    pytest.param("screen.jsonl", "jsonl", 2, id="jsonl"),
])
def test_readers_read_every_fixture_export_with_numbered_records(name: str, fmt: str, count: int) -> None:
    drafts = list(read_any(EXPORTS / name))
    assert detect_format(EXPORTS / name) == fmt
    assert [d.record_number for d in drafts] == list(range(1, count + 1))
    assert all(d.fmt == fmt and d.source_file.endswith(name) and d.title for d in drafts)


def test_ris_reader_maps_rayyan_tags_and_multiline_abstract() -> None:
    first, _, third = read_any(EXPORTS / "rayyan.ris")
    assert first.title == "Identifying facial phenotypes of genetic disorders using deep learning"
    assert first.authors == ["Gurovich, Yaron", "Hanani, Yair"]
    assert (first.year, first.journal, first.doi) == (2019, "Nature Medicine", GUROVICH_DOI)
    assert first.abstract is not None and first.abstract.endswith("on 502 test images.")
    assert first.keywords == ["deep learning", "dysmorphology"]
    assert first.extra["language"] == "English"
    assert third.doi == "10.1093/eurheartj/ehaa640"  # read from the doi.org URL


def test_medline_reader_joins_continuation_lines_and_reads_doi_language_types() -> None:
    first, second = read_any(EXPORTS / "pubmed.nbib")
    assert first.title == "Identifying facial phenotypes of genetic disorders using deep learning"
    assert (first.pmid, first.doi, first.year) == ("30617323", GUROVICH_DOI, 2019)
    assert first.authors == ["Gurovich, Yaron", "Hanani, Yair"]
    assert first.extra["language"] == ["eng"]
    assert first.extra["publication_types"] == ["Journal Article"]
    assert second.title.endswith("by Facial Phenotypes")
    assert second.abstract is None


def test_bibtex_reader_resolves_string_macros_and_normalises_doi_case() -> None:
    first, second = read_any(EXPORTS / "zotero.bib")
    assert first.journal == "Nature Medicine"
    assert first.doi == GUROVICH_DOI
    assert first.authors == ["Gurovich, Yaron", "Hanani, Yair"]
    assert second.title.startswith("GestaltMatcher facilitates")
    assert second.pmid == "35145301"


def test_csv_reader_reads_rayyan_columns_and_quoted_notes() -> None:
    first, second = read_any(EXPORTS / "rayyan.csv")
    assert first.authors == ["Liang, Bin", "Yang, Na"]
    assert (first.pmid, first.year, first.doi) == ("32347802", 2020, "10.2196/17234")
    assert first.keywords == ["deep learning", "cancer"]
    assert first.extra["notes"] == 'RAYYAN-INCLUSION: {"A"=>"Included"}'
    assert second.abstract is None


def test_csv_reader_column_map_reads_covidence_style_export(tmp_path: Path) -> None:
    path = write(tmp_path, "covidence.csv",
                 "Covidence #,Study title,Authors,Published Year,DOI,Accession Number\n"
                 '12,Deep learning for facial palsy,"Doe, J.; Roe, R.",2022,10.1/ABC,35000001\n')
    [draft] = read_csv(path, column_map={"Study title": "title", "Accession Number": "pmid"})
    assert draft.title == "Deep learning for facial palsy"
    assert (draft.authors, draft.year, draft.doi, draft.pmid) == (["Doe, J.", "Roe, R."], 2022, "10.1/abc",
                                                                  "35000001")
    assert draft.extra["id"] == "12"


def test_csv_reader_splits_pubmed_style_author_lists(tmp_path: Path) -> None:
    path = write(tmp_path, "pubmed.csv", "PMID,Title,Authors,Publication Year\n"
                 '30617323,Identifying facial phenotypes,"Gurovich Y, Hanani Y, Bar O",2019\n')
    [draft] = read_any(path)
    assert draft.authors == ["Gurovich Y", "Hanani Y", "Bar O"]
    assert draft.pmid == "30617323"


def test_json_reader_reads_an_array_and_keeps_unknown_keys_in_extra(tmp_path: Path) -> None:
    path = write(tmp_path, "records.json",
                 '[{"id": "a", "title": "T one", "abstract": "x", "pmid": 123},\n'
                 ' {"id": "b", "title": "T two"}]')
    drafts = list(read_any(path))
    assert detect_format(path) == "json"
    assert [(d.extra["id"], d.pmid) for d in drafts] == [("a", "123"), ("b", None)]


def test_pdf_reader_takes_first_non_empty_line_as_title_and_finds_doi(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(make_pdf(["", "Deep learning detects acromegaly from facial photographs",
                               "https://doi.org/10.1186/s13045-020-00925-y", "Methods: ..."]))
    [draft] = read_any(path)
    assert draft.title == "Deep learning detects acromegaly from facial photographs"
    assert draft.doi == "10.1186/s13045-020-00925-y"
    assert draft.full_text is not None and "Methods" in draft.full_text


def test_attach_pdf_sets_full_text_on_the_record(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(make_pdf(["Full text of the acromegaly study", "Results: accuracy 96%"]))
    draft = next(read_any(EXPORTS / "rayyan.ris"))
    assert attach_pdf(draft, path) is draft
    assert draft.full_text is not None and "accuracy 96%" in draft.full_text
    assert draft.extra["pdf_file"] == str(path)


def test_attach_pdf_leaves_the_record_alone_when_the_pdf_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "scanned.pdf"
    path.write_bytes(make_pdf([]))
    draft = next(read_any(EXPORTS / "rayyan.ris"))
    with pytest.raises(InputError) as caught:
        attach_pdf(draft, path)
    assert (caught.value.file, caught.value.field) == (str(path), "text")
    assert draft.full_text is None


# --- detection by content ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "fmt"), [
    pytest.param("export.txt", RIS_RECORD.format(title="A", n=1), "ris", id="ris-named-txt"),
    pytest.param("export.ris", MEDLINE_RECORD.format(pmid=1, title="A"), "medline", id="medline-named-ris"),
    pytest.param("export.txt", "% comment\n@Article{k, title={A}}\n", "bibtex", id="bibtex-named-txt"),
    pytest.param("export.dat", '{"id": "1", "title": "A"}\n{"id": "2", "title": "B"}\n', "jsonl",
                 id="jsonl-named-dat"),
    pytest.param("export.txt", "title,year\nA,2020\n", "csv", id="csv-named-txt"),
    pytest.param("export.csv", "Provider: X\n\nTY  - JOUR\nTI  - A\nER  - \n", "ris",
                 id="ris-with-preamble-named-csv"),
])
def test_detect_format_reads_content_not_extension(tmp_path: Path, name: str, text: str, fmt: str) -> None:
    path = write(tmp_path, name, text)
    assert detect_format(path) == fmt
    assert list(read_any(path))


def test_detect_format_uses_extension_only_as_tiebreak(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "notes.jsonl", "{")) == "jsonl"
    with pytest.raises(InputError) as caught:
        detect_format(write(tmp_path, "notes.txt", "just some words\n"))
    assert (caught.value.field, caught.value.record) == ("format", 1)


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", [
    pytest.param("utf-8", id="utf-8"),
    pytest.param("utf-8-sig", id="utf-8-bom"),
    pytest.param("utf-16", id="utf-16-bom"),
    pytest.param("cp1252", id="latin-1-cp1252"),
])
def test_readers_decode_each_export_encoding(tmp_path: Path, encoding: str) -> None:
    title = "Reconnaissance faciale du syndrome de Noonan – étude pilote"
    path = write(tmp_path, "latin.ris", RIS_RECORD.format(title=title, n=7), encoding)
    assert read_text(path).lstrip("\ufeff").startswith("TY  - JOUR")
    [draft] = read_any(path)
    assert draft.title == title


# --- bad input: the error names file, record and field ---------------------------------------


BAD_INPUTS = [
    pytest.param("bad.ris", RIS_RECORD.format(title="Fine", n=1) + "TY  - JOUR\nTI  - Cut off\nPY  - 2020\n",
                 2, "ER", id="ris-unterminated-at-eof"),
    pytest.param("bad.ris", "TY  - JOUR\nTI  - First\nTY  - JOUR\nTI  - Second\nER  - \n",
                 1, "ER", id="ris-unterminated-before-next-record"),
    pytest.param("bad.ris", RIS_RECORD.format(title="Fine", n=1) + "\nTI  - No type\nPY  - 2020\nER  - \n",
                 2, "TY", id="ris-missing-type-tag"),
    pytest.param("bad.ris", "TY  - JOUR\nPY  - 2020\nER  - \n", 1, "TI", id="ris-missing-title"),
    pytest.param("bad.nbib",
                 MEDLINE_RECORD.format(pmid=1, title="Fine") + "\nTI  - Orphan title\nDP  - 2020\n",
                 2, "PMID", id="medline-missing-pmid"),
    pytest.param("bad.nbib", "PMID- 99\nDP  - 2020\nAB  - No title here.\n", 1, "TI",
                 id="medline-missing-title"),
    pytest.param("bad.bib",
                 "@article{ok, title={Fine}, year=2020}\n@article{broken, title={Open, year=2020\n",
                 2, "syntax", id="bibtex-syntax-error"),
    pytest.param("bad.bib", "@article{notitle, year=2020}\n", 1, "title", id="bibtex-missing-title"),
    pytest.param("bad.csv", "title,year\nFine,2020\n,2021\n", 2, "title", id="csv-row-without-title"),
    pytest.param("bad.csv", "name,year\nFine,2020\n", "header", "title", id="csv-without-title-column"),
    pytest.param("bad.jsonl", '{"title": "Fine"}\n{"title": oops}\n', "line 2", "json", id="jsonl-not-json"),
    pytest.param("bad.jsonl", '{"title": "Fine"}\n{"abstract": "x"}\n', "line 2", "title",
                 id="jsonl-missing-title"),
    pytest.param("empty.ris", "", 1, "content", id="empty-file"),
    pytest.param("blank.csv", "\n\n  \n", 1, "content", id="whitespace-only-file"),
]


@pytest.mark.parametrize(("name", "text", "record", "field"), BAD_INPUTS)
def test_readers_name_file_record_and_field_of_bad_input(
        tmp_path: Path, name: str, text: str, record: int | str, field: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as caught:
        list(read_any(path, fmt=_format_for(name)))
    error = caught.value
    assert (error.file, error.record, error.field) == (str(path), record, field)
    assert str(path) in str(error) and field in str(error)


def _format_for(name: str) -> str:
    return {".ris": "ris", ".nbib": "medline", ".bib": "bibtex", ".csv": "csv", ".jsonl": "jsonl"}[
        Path(name).suffix]


@pytest.mark.parametrize("payload", [
    pytest.param(b"\x00\x01\x02binary\x00\xff\xfe\x00" * 50, id="nul-bytes"),
    pytest.param(bytes(range(0, 32)) * 40, id="control-bytes"),
])
def test_readers_refuse_binary_garbage_naming_file_record_and_field(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "garbage.ris"
    path.write_bytes(payload)
    with pytest.raises(InputError) as caught:
        list(read_any(path))
    assert (caught.value.file, caught.value.record, caught.value.field) == (str(path), 1, "content")


def test_ris_reader_refuses_nul_bytes_inside_a_record(tmp_path: Path) -> None:
    text = RIS_RECORD.format(title="Fine", n=1) * 60 + "TY  - JOUR\nTI  - Bad\x00title\nER  - \n"
    path = write(tmp_path, "late-garbage.ris", text)
    with pytest.raises(InputError) as caught:
        list(read_ris(path))
    assert (caught.value.record, caught.value.field) == (61, "TI")


def test_pdf_reader_names_file_of_an_unreadable_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises(InputError) as caught:
        list(read_any(path))
    assert (caught.value.file, caught.value.record, caught.value.field) == (str(path), 1, "pdf")


# --- skip-bad quarantine ----------------------------------------------------------------------


def test_readers_with_errors_list_quarantine_bad_records_and_keep_reading(tmp_path: Path) -> None:
    text = (RIS_RECORD.format(title="One", n=1) + "TI  - No type\nER  - \n"
            + "TY  - JOUR\nPY  - 2020\nER  - \n" + RIS_RECORD.format(title="Four", n=4)
            + "TY  - JOUR\nTI  - Cut\n")
    path = write(tmp_path, "mixed.ris", text)
    errors: list[InputError] = []
    drafts = list(read_any(path, errors=errors))
    assert [(d.title, d.record_number) for d in drafts] == [("One", 1), ("Four", 4)]
    assert [(e.record, e.field) for e in errors] == [(2, "TY"), (3, "TI"), (5, "ER")]


def test_csv_reader_quarantines_ragged_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "ragged.csv", "title,year\nFine,2020\nToo,many,cells\nAlso fine,2021\n")
    errors: list[InputError] = []
    assert [d.title for d in read_any(path, errors=errors)] == ["Fine", "Also fine"]
    assert [(e.record, e.field) for e in errors] == [(2, "columns")]


# --- large files stream -----------------------------------------------------------------------


def test_ris_reader_streams_a_50_mb_export_in_linear_time(tmp_path: Path) -> None:
    abstract = ("Facial photographs were analysed by a convolutional neural network in a cohort of "
                "patients with rare genetic syndromes and matched controls. ") * 12
    record = ("TY  - JOUR\nTI  - Deep learning facial analysis study {n}\nAU  - Doe, Jane\nAU  - Roe, Rick\n"
              "PY  - 2021\nJO  - Journal of Tests\nDO  - 10.1000/big.{n}\nAB  - " + abstract + "\nER  - \n\n")
    total = -(-50 * 1024 * 1024 // len(record))
    path = tmp_path / "big.ris"
    with path.open("w", encoding="utf-8") as handle:
        for start in range(0, total, 1000):
            handle.write("".join(record.format(n=n) for n in range(start, min(start + 1000, total))))
    assert path.stat().st_size >= 50 * 1024 * 1024

    # Lazy: the first draft arrives without the file being parsed or held in memory.
    tracemalloc.start()
    try:
        first = next(read_any(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(first, StudyDraft) and first.doi == "10.1000/big.0"
    assert peak < 10 * 1024 * 1024, f"peak memory {peak / 2**20:.0f} MB before the first record"

    start_time = time.perf_counter()
    count = sum(1 for _ in read_any(path))
    elapsed = time.perf_counter() - start_time
    assert count == total
    assert elapsed < 20, f"reading {total} records took {elapsed:.1f} s"
