"""CSV exports: Rayyan by default, other tools (Covidence, EndNote, PubMed, Scopus) by column map.

Rayyan writes ``key,title,authors,journal,issn,volume,issue,pages,year,
publisher,url,abstract,notes,doi,keywords`` (plus ``pubmed_id`` and
``language`` in some exports). Column names are matched case-insensitively
against the aliases below; ``column_map`` ({column: field}) names the columns
of any other tool and wins over the aliases.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from facekg.errors import InputError

from .draft import StudyDraft, clean_pmid, first_text, parse_year, quarantine
from .encoding import open_text

FORMAT = "csv"
FIELDS = ("title", "abstract", "authors", "year", "journal", "doi", "pmid", "keywords",
          "language", "id", "url", "notes")
ALIASES: dict[str, str] = {
    "title": "title", "article title": "title", "document title": "title", "primary title": "title",
    "abstract": "abstract", "abstract note": "abstract",
    "authors": "authors", "author": "authors", "author(s)": "authors", "author full names": "authors",
    "year": "year", "publication year": "year", "published year": "year", "py": "year",
    "journal": "journal", "journal/book": "journal", "source title": "journal",
    "publication title": "journal", "secondary title": "journal",
    "doi": "doi",
    "pmid": "pmid", "pubmed_id": "pmid", "pubmed id": "pmid", "pubmedid": "pmid",
    "keywords": "keywords", "author keywords": "keywords", "manual tags": "keywords",
    "language": "language", "language of original document": "language",
    "key": "id", "id": "id", "covidence #": "id", "record id": "id",
    "url": "url", "notes": "notes",
}
# "Gurovich Y, Hanani Y" (PubMed CSV): surname then initials, comma separated.
_INITIALS_LIST = re.compile(r"^[^,;]+ [A-Z]{1,3}(?:, [^,;]+ [A-Z]{1,3})+$")


def _columns(header: Sequence[str], column_map: dict[str, str] | None) -> dict[str, str]:
    """{column name in the file: our field} for the columns we understand."""
    user = {key.strip().casefold(): value for key, value in (column_map or {}).items()}
    unknown = sorted(set(user.values()) - set(FIELDS))
    if unknown:
        raise InputError(f"column_map targets unknown fields {unknown}; use some of {list(FIELDS)}",
                         field="column_map")
    mapping: dict[str, str] = {}
    for column in header:
        key = column.strip().lstrip("\ufeff").casefold()
        field = user.get(key) or ALIASES.get(key)
        if field and field not in mapping.values():
            mapping[column] = field
    return mapping


def split_authors(text: str) -> list[str]:
    """Authors from one cell: ``;`` or `` and `` separated, or PubMed's ``"Surname AB, Surname C"``."""
    text = text.strip()
    if not text:
        return []
    if ";" in text:
        parts = text.split(";")
    elif " and " in text:
        parts = text.split(" and ")
    elif _INITIALS_LIST.match(text):
        parts = text.split(",")
    else:
        parts = [text]
    return [part.strip() for part in parts if part.strip()]


def read_csv(path: str | Path, errors: list[InputError] | None = None,
             column_map: dict[str, str] | None = None) -> Iterator[StudyDraft]:
    """Yield one :class:`StudyDraft` per data row of the CSV file ``path``.

    A file without a title column raises (record ``"header"``) whatever
    ``errors`` is, since no row could be read; a row without a title, with
    more cells than the header, or with NUL bytes is a bad record.
    """
    source = str(path)
    csv.field_size_limit(min(sys.maxsize, 1 << 28))  # abstracts and notes can exceed the 128 KB default
    with open_text(path) as handle:
        head = handle.readline()
        handle.seek(0)
        try:
            # Only the delimiter: one header line says nothing reliable about quoting.
            delimiter = csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = reader.fieldnames or []
        mapping = _columns(header, column_map)
        if "title" not in mapping.values():
            raise InputError(
                f"no title column among {header}; pass column_map={{'<your title column>': 'title'}}",
                file=source, record="header", field="title")
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                quarantine(InputError(f"unreadable CSV row: {exc}", file=source, record=number + 1,
                                      field="content"), errors)
                number += 1
                continue
            number += 1
            if None in row:
                quarantine(InputError(f"row has {len(row[None])} more cell(s) than the header "
                                      "(unquoted comma?)", file=source, record=number, field="columns"),
                           errors)
                continue
            draft = _draft(row, mapping, source, number, errors)
            if draft is not None:
                yield draft


def _draft(row: dict[str | None, object], mapping: dict[str, str], source: str, number: int,
           errors: list[InputError] | None) -> StudyDraft | None:
    values = {field: str(row.get(column) or "").strip() for column, field in mapping.items()}
    title = values.get("title")
    title_column = next(column for column, field in mapping.items() if field == "title")
    if not title:
        quarantine(InputError("row has no title", file=source, record=number, field=title_column), errors)
        return None
    keywords = values.get("keywords", "")
    separator = ";" if ";" in keywords else ","
    extra: dict[str, object] = {key: values[key] for key in ("language", "id", "url", "notes")
                                if values.get(key)}
    unmapped = {str(key): value for key, value in row.items() if key not in mapping and value}
    if unmapped:
        extra["columns"] = unmapped
    return StudyDraft(
        title=title,
        abstract=first_text(values.get("abstract")),
        authors=split_authors(values.get("authors", "")),
        year=parse_year(values.get("year")),
        journal=first_text(values.get("journal")),
        doi=first_text(values.get("doi")),
        pmid=clean_pmid(values.get("pmid")),
        keywords=[k.strip() for k in keywords.split(separator) if k.strip()],
        source_file=source,
        record_number=number,
        fmt=FORMAT,
        extra=extra,
    )
