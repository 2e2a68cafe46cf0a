"""JSON input: a JSON array of objects, or JSON Lines (one object per line).

This is the input of ``facekg extract`` and ``facekg screen`` (``id``,
``title``, ``abstract``) and also what other tools dump; the common
bibliographic keys are read, anything else is kept in ``extra``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from facekg.errors import InputError

from .draft import StudyDraft, clean_pmid, first_text, parse_year, quarantine
from .encoding import iter_lines, read_text

_KNOWN = {"title", "abstract", "authors", "year", "journal", "doi", "pmid", "keywords", "full_text"}


def iter_json_lines(path: str | Path, errors: list[InputError] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line of a JSON Lines file: the one JSONL reader.

    A line that is not JSON (field ``json``) or not a JSON object (field ``record``) is bad: raised,
    or set aside in ``errors`` when a list is given. Errors name the file and the line
    (``record="line N"``). ``facekg load``, ``extract``, ``ingest``, the extraction vocabulary cache
    and the scripts all read JSON Lines through this function.
    """
    source = str(path)
    try:
        for line_number, line in enumerate(iter_lines(path), start=1):
            if not line.strip():
                continue
            record = f"line {line_number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                quarantine(InputError(f"invalid JSON at column {exc.colno}: {exc.msg}", file=source,
                                      record=record, field="json"), errors)
                continue
            if not isinstance(item, dict):
                quarantine(InputError(f"expected a JSON object, got {type(item).__name__}", file=source,
                                      record=record, field="record"), errors)
                continue
            yield line_number, item
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=source) from exc


def read_jsonl(path: str | Path, errors: list[InputError] | None = None) -> Iterator[StudyDraft]:
    """Yield one :class:`StudyDraft` per JSON object: one per line, blank lines skipped."""
    source = str(path)
    number = 0
    set_aside = len(errors) if errors is not None else 0
    for line_number, item in iter_json_lines(path, errors):
        number += 1
        draft = _draft(item, source, number, "jsonl", errors, record=f"line {line_number}")
        if draft is not None:
            yield draft
    if number == 0 and (errors is None or len(errors) == set_aside):
        quarantine(InputError("no JSON object found", file=source, record=1, field="content"), errors)


def read_json(path: str | Path, errors: list[InputError] | None = None) -> Iterator[StudyDraft]:
    """Yield one :class:`StudyDraft` per object of a JSON array (a lone object counts as one)."""
    source = str(path)
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                         file=source, record=1, field="json") from exc
    items: Iterable[Any] = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        draft = _draft(item, source, number, "json", errors)
        if draft is not None:
            yield draft


def _draft(item: Any, source: str, number: int, fmt: str, errors: list[InputError] | None,
           record: int | str | None = None) -> StudyDraft | None:
    where = number if record is None else record
    if not isinstance(item, dict):
        quarantine(InputError(f"expected a JSON object, got {type(item).__name__}", file=source,
                              record=where, field="record"), errors)
        return None
    title = first_text(item.get("title"))
    if title is None:
        quarantine(InputError("object has no 'title'", file=source, record=where, field="title"), errors)
        return None
    authors = item.get("authors") or []
    keywords = item.get("keywords") or []
    return StudyDraft(
        title=title,
        abstract=first_text(item.get("abstract")),
        authors=[authors] if isinstance(authors, str) else [str(a) for a in authors],
        year=parse_year(item.get("year")),
        journal=first_text(item.get("journal")),
        doi=first_text(item.get("doi")),
        pmid=clean_pmid(item.get("pmid")),
        keywords=[keywords] if isinstance(keywords, str) else [str(k) for k in keywords],
        source_file=source,
        record_number=number,
        fmt=fmt,
        full_text=first_text(item.get("full_text")),
        extra={key: value for key, value in item.items() if key not in _KNOWN},
    )
