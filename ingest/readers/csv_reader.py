"""CSV exports: Rayyan by default, other tools (Covidence, EndNote, PubMed, Scopus) by column map.

Rayyan writes ``key,title,authors,journal,issn,volume,issue,pages,year,
publisher,url,abstract,notes,doi,keywords`` (plus ``pubmed_id`` and
``language`` in some exports). Column names are matched case-insensitively
against the aliases below; ``column_map`` ({column: field}) names the columns
of any other tool and wins over the aliases.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from facekg.errors import InputError

from .csv_rows import Row, StrictRows
from .draft import StudyDraft, clean_pmid, first_text, parse_year, quarantine
from .encoding import open_text
from .json_text import loads_json, repeated_key
from .rules import follows_input_rules

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


def validate_column_map(mapping: object, option: str = "column_map") -> dict[str, str]:
    """``mapping`` when it is ``{column in the file: one of FIELDS}`` with no field named twice."""
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in mapping.items()):
        raise InputError('must be a JSON object of column name to field, e.g. {"Study title": "title"}',
                         field=option)
    unknown = sorted(set(mapping.values()) - set(FIELDS))
    if unknown:
        raise InputError(f"targets unknown fields {unknown}; use some of {list(FIELDS)}", field=option)
    targets = list(mapping.values())
    twice = sorted({field for field in targets if targets.count(field) > 1})
    if twice:
        raise InputError(f"maps several columns to {twice}; map one column to each field", field=option)
    return mapping


def parse_column_map(text: str) -> dict[str, str]:
    """The ``--column-map`` option's JSON text as a checked mapping; bad text is an InputError naming it."""
    try:
        mapping = loads_json(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno}); write it as "
                         '\'{"Study title": "title"}\'', field="--column-map") from exc
    if (key := repeated_key(mapping)) is not None:
        raise InputError(f"names column {key!r} twice", field="--column-map")
    return validate_column_map(mapping, "--column-map")


def _columns(header: Sequence[str], column_map: dict[str, str] | None, source: str) -> dict[int, str]:
    """{cell index: our field} for the columns we understand; the user's map wins over the aliases."""
    user = {key.strip().casefold(): value for key, value in
            validate_column_map(column_map or {}).items()}
    names = {column.strip().lstrip("\ufeff").casefold() for column in header}
    missing = [key for key in (column_map or {}) if key.strip().casefold() not in names]
    if missing:
        raise InputError(f"the column map names {missing[0]!r}, which is not a column here; the columns are "
                         f"{[column.strip() for column in header]}", file=source, record="header",
                         field=missing[0])
    mapping: dict[int, str] = {}
    for index, column in enumerate(header):
        key = column.strip().lstrip("\ufeff").casefold()
        field = user.get(key) or ALIASES.get(key)
        if field and field not in mapping.values():
            mapping[index] = field
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


@follows_input_rules
def read_csv(path: str | Path, errors: list[InputError] | None = None,
             column_map: dict[str, str] | None = None) -> Iterator[StudyDraft]:
    """Yield one :class:`StudyDraft` per data row of the CSV file ``path``.

    The file is read strictly (:mod:`ingest.readers.csv_rows`): a row with an
    unbalanced quote, a different number of cells than the header or a NUL is
    a bad record named by line and column, as is a row without a title. A file
    whose header is broken, repeats a column, lacks a title column or lacks a
    column that ``column_map`` names raises (record ``"header"``) whatever
    ``errors`` is, since no row could be read.
    """
    source = str(path)
    with open_text(path) as handle:
        head = handle.readline()
        handle.seek(0)
        try:
            # Only the delimiter: one header line says nothing reliable about quoting.
            delimiter = csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        rows = StrictRows(handle, source=source, delimiter=delimiter)
        header = rows.header
        mapping = _columns(header, column_map, source)
        if "title" not in mapping.values():
            raise InputError(
                f"no title column among {header}; pass column_map={{'<your title column>': 'title'}}",
                file=source, record="header", field="title")
        for row in rows.rows(errors):
            draft = _draft(row, header, mapping, source, errors)
            if draft is not None:
                yield draft


def _draft(row: Row, header: list[str], mapping: dict[int, str], source: str,
           errors: list[InputError] | None) -> StudyDraft | None:
    values = {field: row.cells[index].strip() for index, field in mapping.items()}
    title = values.get("title")
    title_column = next(header[index] for index, field in mapping.items() if field == "title")
    if not title:
        quarantine(InputError(f"line {row.line}: row has no title", file=source, record=row.number,
                              field=title_column), errors)
        return None
    keywords = values.get("keywords", "")
    separator = ";" if ";" in keywords else ","
    extra: dict[str, object] = {key: values[key] for key in ("language", "id", "url", "notes")
                                if values.get(key)}
    unmapped = {(header[index].strip() or f"column {index + 1}"): value
                for index, value in enumerate(row.cells) if index not in mapping and value}
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
        record_number=row.number,
        fmt=FORMAT,
        extra=extra,
    )
