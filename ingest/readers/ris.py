"""RIS exports (Rayyan, EndNote, Zotero, Scopus, Ovid): one draft per ``TY``..``ER`` record.

rispy maps tags to fields, but it skips text outside ``TY``..``ER`` without a
word, so a record that lost its ``TY`` line or its ``ER`` line would vanish.
We therefore cut the stream into records ourselves (line by line, so a large
export is never held in memory), check each record's frame, and hand each
record's lines to rispy.

Repeated tags follow the format: authors, keywords, notes, URLs, ISSNs and
languages repeat by design and are all kept; the abstract tags (``AB``,
``N2``) are joined, since exporters write each paragraph of a structured
abstract on a line of its own; any other tag we read (``TI``, ``PY``, ``DO``,
...) occurs once per record, and a second, different value is refused rather
than one of the two dropped (rispy would keep the first without a word).
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
from .rules import follows_input_rules

FORMAT = "ris"
REPEATED_TAGS = frozenset({*rispy.LIST_TYPE_TAGS, "SN", "LA"})
JOINED_TAGS = frozenset({"AB", "N2"})
# Tags whose value reaches the draft and that the format allows once per record.
SINGLE_TAGS = frozenset({"TI", "T1", "TT", "T2", "JO", "JF", "JA", "J2", "PY", "Y1", "DA", "DO", "DB",
                         "DP", "AN", "VL", "IS", "SP", "PB", "ID"})
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_DOI_IN_URL = re.compile(r"doi\.org/(10\.\S+)", re.IGNORECASE)


def ris_tag(line: str) -> str | None:
    """The tag of a RIS tag line (``"TI  - text"`` gives ``"TI"``), else None."""
    if line[2:5] == "  -" and line[:1].isalpha() and line[:2].isupper():
        return line[:2]
    return None


@follows_input_rules
def read_ris(path: str | Path, errors: list[InputError] | None = None) -> Iterator[StudyDraft]:
    """Yield one :class:`StudyDraft` per RIS record in ``path``.

    A record without its ``TY`` line, a record cut off before ``ER`` and a
    record without a title are bad records: raised, or collected in
    ``errors`` when a list is given (then reading continues).
    """
    parser = rispy.RisParser(list_tags=sorted(REPEATED_TAGS))
    source = str(path)
    number = 0
    values: list[tuple[str, str, int]] = []  # (tag, value, line) of the record being read
    in_record = False
    missing_type = False
    for line_number, line in enumerate(iter_lines(path), start=1):
        tag = ris_tag(line)
        if not in_record:
            if tag is None:
                continue  # preamble (e.g. "Provider: ...") or blank lines between records
            number += 1
            in_record, values, missing_type = True, [], tag != "TY"
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
            values, missing_type = [], False
        elif tag == "ER":
            in_record = False
            if not missing_type:
                draft = _draft(parser, values, source, number, errors)
                if draft is not None:
                    yield draft
            continue
        if "\x00" in line:
            quarantine(InputError(f"line {line_number}: NUL byte in the text (a binary or corrupted export)",
                                  file=source, record=number, field=tag or "content"), errors)
            missing_type = True  # the record is spoilt; skip it to its ER line
        _add_line(values, tag, line, line_number)
    if in_record:
        quarantine(InputError("file ends inside the record: no 'ER  - ' end line",
                              file=source, record=number, field="ER"), errors)
    if number == 0:
        quarantine(InputError("no RIS record found (no line starts with 'TY  - ')",
                              file=source, record=1, field="TY"), errors)


def _add_line(values: list[tuple[str, str, int]], tag: str | None, line: str, number: int) -> None:
    """Add a tag line's ``(tag, value, line)``; an untagged line continues the value before it.

    As in rispy, a continuation of a repeated tag (an author, a keyword) is a value of its own.
    """
    if tag is not None:
        values.append((tag, line[6:].strip(), number))
    elif values and (text := line.strip()):
        last, value, first = values[-1]
        if last in REPEATED_TAGS:
            values.append((last, text, number))
        else:
            values[-1] = (last, f"{value} {text}", first)


def _record_lines(values: list[tuple[str, str, int]], source: str, number: int) -> list[str]:
    """The record as rispy lines: abstract paragraphs joined, a conflicting repeat refused."""
    out: list[str] = []
    joined: dict[str, int] = {}
    seen: dict[str, tuple[str, int]] = {}
    for tag, value, line in values:
        if tag in JOINED_TAGS:
            if tag in joined:
                out[joined[tag]] += " " + value
                continue
            joined[tag] = len(out)
        elif tag in SINGLE_TAGS:
            if tag in seen:
                if seen[tag][0] != value:
                    raise InputError(f"{tag} is given twice with different values (lines {seen[tag][1]} and "
                                     f"{line}); RIS allows one {tag} per record", file=source, record=number,
                                     field=tag)
                continue
            seen[tag] = (value, line)
        out.append(f"{tag}  - {value}")
    return out


def _draft(parser: rispy.RisParser, values: list[tuple[str, str, int]], source: str, number: int,
           errors: list[InputError] | None) -> StudyDraft | None:
    try:
        record_lines = _record_lines(values, source, number)
    except InputError as exc:
        quarantine(exc, errors)
        return None
    entries = parser.parse_lines(iter([*record_lines, "ER  - "]))
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
    if named := first_text(entry.get("name_of_database"), entry.get("database_provider")):
        extra["database"] = named  # DB (or DP): where the record was found, for the PRISMA flow
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
