"""Tell an export's format from its content; the file extension only breaks ties.

Files travel renamed (a RIS export saved as ``.txt``, PubMed's ``.nbib`` saved
as ``.ris``), so the first few KB decide: ``%PDF`` is a PDF, ``PMID-`` MEDLINE,
``TY  -`` RIS, ``@type{`` BibTeX, ``[`` or ``{`` JSON / JSON Lines, and a
delimited header row CSV.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from facekg.errors import InputError

from .bibtex import read_bibtex
from .csv_reader import read_csv
from .draft import StudyDraft
from .encoding import SNIFF_BYTES, detect_encoding, head_bytes
from .jsonl import read_json, read_jsonl
from .medline import read_medline
from .pdf import read_pdf
from .ris import read_ris

FORMATS = ("ris", "medline", "bibtex", "csv", "json", "jsonl", "pdf")
EXTENSIONS = {
    ".ris": "ris", ".nbib": "medline", ".medline": "medline", ".bib": "bibtex", ".bibtex": "bibtex",
    ".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".pdf": "pdf",
}
_MEDLINE = re.compile(r"^PMID- *\d", re.MULTILINE)
_RIS = re.compile(r"^TY  -", re.MULTILINE)
_BIBTEX = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)


def _sample_text(path: Path) -> str:
    raw = head_bytes(path)
    encoding = detect_encoding(path)
    # Cut at a line end so a multi-byte character is never split in the sample.
    if len(raw) == SNIFF_BYTES and b"\n" in raw:
        raw = raw[: raw.rindex(b"\n")]
    return raw.decode(encoding, errors="ignore").lstrip("\ufeff")


def _is_json_line(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def detect_format(path: str | Path) -> str:
    """One of :data:`FORMATS` for ``path``, judged by content, with the extension as tiebreak.

    Raises :class:`InputError` for an empty or binary file, or when neither
    content nor extension tells the format.
    """
    path = Path(path)
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if head_bytes(path, 5).startswith(b"%PDF"):
        return "pdf"
    text = _sample_text(path)
    stripped = text.lstrip()
    medline, ris = _MEDLINE.search(text), _RIS.search(text)
    if medline or ris:
        if medline and ris:
            return "medline" if medline.start() < ris.start() else "ris"
        return "medline" if medline else "ris"
    if _BIBTEX.search(text) and not stripped.startswith(("{", "[")):
        return "bibtex"
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first_line = stripped.splitlines()[0]
        return "jsonl" if _is_json_line(first_line) or by_extension == "jsonl" else "json"
    header = stripped.splitlines()[0] if stripped else ""
    if any(delimiter in header for delimiter in ",;\t"):
        try:
            csv.Sniffer().sniff(header, delimiters=",;\t")
            return "csv"
        except csv.Error:
            pass
    if by_extension:
        return by_extension
    raise InputError(
        "cannot tell the format from the content or the extension; pass the format explicitly "
        f"(one of {', '.join(FORMATS)})", file=str(path), record=1, field="format")


def require_file(path: str | Path) -> Path:
    """``path`` when it names a readable file; else :class:`InputError` saying what it is instead."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if not path.is_file():
        raise InputError("is a directory, not a file" if path.is_dir() else "is not a regular file",
                         file=str(path))
    return path


def read_any(path: str | Path, fmt: str | None = None, column_map: dict[str, str] | None = None,
             errors: list[InputError] | None = None) -> Iterator[StudyDraft]:
    """Drafts from ``path`` in the given or detected format, streamed.

    ``column_map`` applies to CSV only; ``errors`` turns on skip-bad (bad
    records are collected there and reading continues).
    """
    require_file(path)
    chosen = fmt or detect_format(path)
    readers: dict[str, Callable[..., Iterator[StudyDraft]]] = {
        "ris": read_ris, "medline": read_medline, "bibtex": read_bibtex,
        "csv": partial(read_csv, column_map=column_map), "json": read_json, "jsonl": read_jsonl,
        "pdf": read_pdf,
    }
    if chosen not in readers:
        raise InputError(f"unknown format {chosen!r}; use one of {', '.join(FORMATS)}", file=str(path),
                         field="format")
    return readers[chosen](path, errors=errors)
