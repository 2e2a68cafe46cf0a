"""PDF full texts: attached to a bibliographic record, or read on their own.

pypdf extracts the text layer only; a scanned PDF without one yields no text
and is refused with a message saying so (OCR it first).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from facekg.errors import InputError

from .draft import StudyDraft, quarantine

FORMAT = "pdf"
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)


def pdf_text(path: str | Path) -> str:
    """The text of every page of ``path``, pages separated by a form feed."""
    source = str(path)
    try:
        reader = PdfReader(source)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"unreadable PDF: {exc}", file=source, record=1, field="pdf") from exc
    text = "\f".join(pages).strip()
    if not text:
        raise InputError("PDF has no text layer (scanned image?); OCR it first", file=source,
                         record=1, field="text")
    return text


def attach_pdf(draft: StudyDraft, path: str | Path) -> StudyDraft:
    """Set ``draft.full_text`` to the text of the PDF at ``path`` (and ``extra["pdf_file"]``).

    The draft is changed in place and returned. When the PDF cannot be read
    the draft is left as it was and :class:`InputError` is raised.
    """
    text = pdf_text(path)
    draft.full_text = text
    draft.extra["pdf_file"] = str(path)
    return draft


def read_pdf(path: str | Path, errors: list[InputError] | None = None) -> Iterator[StudyDraft]:
    """Yield one draft for a PDF read alone: title = first non-empty line, DOI if printed on page 1."""
    try:
        text = pdf_text(path)
    except InputError as exc:
        quarantine(exc, errors)
        return
    title = next(line.strip() for line in text.splitlines() if line.strip())
    first_page = text.split("\f", 1)[0]
    match = _DOI.search(first_page)
    yield StudyDraft(
        title=title,
        doi=match.group(1).rstrip(".,;)") if match else None,
        source_file=str(path),
        record_number=1,
        fmt=FORMAT,
        full_text=text,
        extra={"pdf_file": str(path)},
    )
