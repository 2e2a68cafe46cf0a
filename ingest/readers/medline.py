"""PubMed MEDLINE exports (``.nbib``, "Save > PubMed format"): one draft per record.

No maintained PyPI library reads this format on its own (rispy reads RIS and
Web of Science; Biopython's ``Bio.Medline`` pulls in all of Biopython), and the
format is small: a tag of up to four letters padded to four columns, ``"- "``,
the value; a value continues on lines indented by six spaces; a blank line
ends a record, and every record starts with ``PMID-``.

Repeated tags follow NLM's definition of the format: authors (``AU``,
``FAU``), article ids (``AID``, ``LID``), languages, publication types, MeSH
terms and keywords repeat and are all kept; the tags we read that occur once
per record (``PMID``, ``TI``, ``AB``, ``DP``, ``JT``, ...) are refused when
given twice with different values, rather than one of them dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from facekg.errors import InputError

from .draft import StudyDraft, clean_pmid, parse_year, quarantine
from .encoding import iter_lines
from .rules import follows_input_rules

FORMAT = "medline"
SINGLE_TAGS = ("PMID", "TI", "BTI", "AB", "DP", "DEP", "JT", "TA", "PMC")
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*-\s?(.*)$")
_ARTICLE_ID = re.compile(r"^(\S+)\s*\[(\w+)\]$")


def parse_medline(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """Group MEDLINE lines into records: yields ``(first line number, {tag: [values]})``."""
    record: dict[str, list[str]] = {}
    start = 0
    last_tag: str | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if record:
                yield start, record
            record, last_tag = {}, None
            continue
        if line.startswith("      ") and last_tag is not None:
            record[last_tag][-1] += " " + line.strip()
            continue
        match = _TAG_LINE.match(line)
        if match is None:
            # Not a tag line and not a continuation: keep it on the last value rather than lose it.
            if last_tag is not None:
                record[last_tag][-1] += " " + line.strip()
            continue
        if not record:
            start = number
        last_tag = match.group(1)
        record.setdefault(last_tag, []).append(match.group(2).strip())
    if record:
        yield start, record


@follows_input_rules
def read_medline(path: str | Path, errors: list[InputError] | None = None) -> Iterator[StudyDraft]:
    """Yield one :class:`StudyDraft` per MEDLINE record in ``path``.

    A record without ``PMID`` or without a title (``TI``; ``BTI`` for books)
    is bad: raised, or collected in ``errors`` when a list is given.
    """
    source = str(path)
    count = 0
    for count, (line, record) in enumerate(parse_medline(iter_lines(path)), start=1):
        if any("\x00" in value for values in record.values() for value in values):
            quarantine(InputError(f"NUL byte in the record starting at line {line} (a binary or corrupted "
                                  "export)",
                                  file=source, record=count, field="content"), errors)
            continue
        pmid = clean_pmid(_first(record, "PMID"))
        if pmid is None:
            quarantine(InputError(f"record starting at line {line} has no 'PMID- ' line (or it is not "
                                  "digits)", file=source, record=count, field="PMID"), errors)
            continue
        repeated = next((tag for tag in SINGLE_TAGS if len(set(record.get(tag, []))) > 1), None)
        if repeated is not None:
            quarantine(InputError(f"record PMID {pmid} (line {line}) gives {repeated} {len(record[repeated])} "
                                  f"times with different values; MEDLINE allows one {repeated} per record",
                                  file=source, record=count, field=repeated), errors)
            continue
        title = _first(record, "TI") or _first(record, "BTI")
        if not title:
            quarantine(InputError(f"record PMID {pmid} (line {line}) has no 'TI  - ' title",
                                  file=source, record=count, field="TI"), errors)
            continue
        yield _draft(record, title, pmid, source, count)
    if count == 0:
        quarantine(InputError("no MEDLINE record found (no line starts with 'PMID- ')",
                              file=source, record=1, field="PMID"), errors)


def _first(record: dict[str, list[str]], tag: str) -> str | None:
    values = record.get(tag)
    return values[0] if values and values[0] else None


def _draft(record: dict[str, list[str]], title: str, pmid: str, source: str, number: int) -> StudyDraft:
    doi = None
    for value in [*record.get("LID", []), *record.get("AID", [])]:
        match = _ARTICLE_ID.match(value)
        if match and match.group(2).lower() == "doi":
            doi = match.group(1)
            break
    extra: dict[str, object] = {
        key: record[tag] for key, tag in (("language", "LA"), ("publication_types", "PT"),
                                          ("mesh_terms", "MH")) if record.get(tag)
    }
    if record.get("PMC"):
        extra["pmcid"] = record["PMC"][0]
    return StudyDraft(
        title=title[:-1] if title.endswith(".") else title,  # MEDLINE ends every title with a period
        abstract=_first(record, "AB"),
        authors=record.get("FAU") or record.get("AU") or [],
        year=parse_year(_first(record, "DP") or _first(record, "DEP")),
        journal=_first(record, "JT") or _first(record, "TA"),
        doi=doi,
        pmid=pmid,
        keywords=record.get("OT", []),
        source_file=source,
        record_number=number,
        fmt=FORMAT,
        extra=extra,
    )
