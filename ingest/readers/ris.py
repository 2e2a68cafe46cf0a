"""RIS exports (Rayyan, EndNote, Zotero, Scopus, Ovid): one draft per ``TY``..``ER`` record.

rispy maps tags to fields, but it skips text outside ``TY``..``ER`` without a
word, so a record that lost its ``TY`` line or its ``ER`` line would vanish.
We therefore cut the stream into records ourselves (line by line, so a large
export is never held in memory), check each record's frame, and hand each
record's lines to rispy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rispy

from facekg.errors import InputError

from .draft import StudyDraft, clean_pmid, first_text, parse_year, quarantine
from .encoding import iter_lines

FORMAT = "ris"
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_DOI_IN_URL = re.compile(r"doi\.org/(10\.\S+)", re.IGNORECASE)


def ris_tag(line: str) -> str | None:
    """The tag of a RIS tag line (``"TI  - text"`` gives ``"TI"``), else None."""
    if line[2:5] == "  -" and line[:1].isalpha() and line[:2].isupper():
        return line[:2]
    return None


def read_ris(path: str | Path, errors: list[InputError] | None = None) -> Iterator[StudyDraft]:
    """Yield one :class:`StudyDraft` per RIS record in ``path``.

    A record without its ``TY`` line, a record cut off before ``ER`` and a
    record without a title are bad records: raised, or collected in
    ``errors`` when a list is given (then reading continues).
    """
    parser = rispy.RisParser()
    source = str(path)
    number = 0
    lines: list[str] = []
    in_record = False
    missing_type = False
    for line_number, line in enumerate(iter_lines(path), start=1):
        tag = ris_tag(line)
        if not in_record:
            if tag is None:
                continue  # preamble (e.g. "Provider: ...") or blank lines between records
            number += 1
            in_record, lines, missing_type = True, [], tag != "TY"
            if missing_type:
                quarantine(InputError(
                    f"record starts at line {line_number} with {tag!r}, not 'TY  - ' (reference type); "
                    "add the TY line", file=source, record=number, field="TY"), errors)
            if tag == "ER":
                in_record = False
                continue
        elif tag == "TY":
            quarantine(InputError(
                f"record has no 'ER  - ' end line before the next record at line {line_number}",
                file=source, record=number, field="ER"), errors)
            number += 1
            lines, missing_type = [], False
        elif tag == "ER":
            in_record = False
            if not missing_type:
                draft = _draft(parser, lines, source, number, errors)
                if draft is not None:
                    yield draft
            continue
        if "\x00" in line:
            quarantine(InputError(f"binary content (NUL bytes) at line {line_number}",
                                  file=source, record=number, field=tag or "content"), errors)
            missing_type = True  # the record is spoilt; skip it to its ER line
        lines.append(line)
    if in_record:
        quarantine(InputError("file ends inside the record: no 'ER  - ' end line",
                              file=source, record=number, field="ER"), errors)
    if number == 0:
        quarantine(InputError("no RIS record found (no line starts with 'TY  - ')",
                              file=source, record=1, field="TY"), errors)


def _draft(parser: rispy.RisParser, lines: list[str], source: str, number: int,
           errors: list[InputError] | None) -> StudyDraft | None:
    entries = parser.parse_lines(iter([*lines, "ER  - "]))
    entry: dict[str, Any] = entries[0] if entries else {}
    title = first_text(entry.get("title"), entry.get("primary_title"), entry.get("translated_title"))
    if title is None:
        quarantine(InputError("record has no title (TI or T1)", file=source, record=number, field="TI"),
                   errors)
        return None
    urls = entry.get("urls") or []
    doi = first_text(entry.get("doi"))
    if doi is None:
        doi = next((m.group(1) for url in urls if (m := _DOI_IN_URL.search(url))), None)
    notes = " ".join(entry.get("notes") or [])
    database = f"{entry.get('name_of_database', '')} {entry.get('database_provider', '')}".lower()
    pmid = None
    if "pubmed" in database or "medline" in database:
        pmid = clean_pmid(entry.get("accession_number"))
    if pmid is None and (match := _PMID_NOTE.search(notes)):
        pmid = match.group(1)
    extra: dict[str, Any] = {"type": entry.get("type_of_reference")}
    for key in ("language", "urls", "issn", "volume", "number", "start_page", "publisher", "id"):
        if entry.get(key):
            extra[key] = entry[key]
    if notes:
        extra["notes"] = notes
    return StudyDraft(
        title=title,
        abstract=first_text(entry.get("abstract"), entry.get("notes_abstract")),
        authors=[*(entry.get("authors") or []), *(entry.get("first_authors") or [])],
        year=parse_year(first_text(entry.get("year"), entry.get("publication_year"), entry.get("date"))),
        journal=first_text(entry.get("journal_name"), entry.get("alternate_title3"),
                           entry.get("secondary_title"), entry.get("alternate_title2"),
                           entry.get("alternate_title1")),
        doi=doi,
        pmid=pmid,
        keywords=[k for k in entry.get("keywords") or [] if k.strip()],
        source_file=source,
        record_number=number,
        fmt=FORMAT,
        extra=extra,
    )
