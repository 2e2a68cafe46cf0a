"""PDF full texts: attached to a bibliographic record, or read on their own.

pypdf extracts the text layer only; a scanned PDF without one yields no text
and is refused with a message saying so (OCR it first). A PDF is hostile input
to a large parser: whatever pypdf raises on it becomes an :class:`InputError`
naming the file, never a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader

from facekg.errors import InputError

from .draft import StudyDraft, quarantine
from .encoding import open_bytes
from .rules import clean_text, follows_input_rules

FORMAT = "pdf"
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)


@contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """pypdf logs each repair of a broken file; the error we raise (or nothing) is the message."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def pdf_text(path: str | Path) -> str:
    """The text of every page of ``path``, pages separated by a form feed."""
    source = str(path)
    with open_bytes(path) as handle, _pypdf_quiet():
        try:
            pages = [page.extract_text() or "" for page in PdfReader(handle).pages]
        except Exception as exc:  # pypdf raises many kinds of exception on a broken file
            reason = " ".join(str(exc).split())
            raise InputError(f"unreadable PDF ({type(exc).__name__}: {reason})", file=source, record=1,
                             field="pdf") from exc
    # A NUL in an export means a corrupted file, but in a text layer it is only a glyph pypdf could
    # not map; it becomes a space like any other control character, so the PDF is not lost for it.
    text = "\f".join(pages).replace("\x00", " ").strip()
    if not text:
        raise InputError("PDF has no text layer (scanned image?); OCR it first", file=source,
                         record=1, field="text")
    return text


def attach_pdf(draft: StudyDraft, path: str | Path) -> StudyDraft:
    """Set ``draft.full_text`` to the text of the PDF at ``path`` (and ``extra["pdf_file"]``).

    The draft is changed in place and returned. When the PDF cannot be read
    the draft is left as it was and :class:`InputError` is raised.
    """
    text = clean_text("full_text", pdf_text(path), file=str(path), record=1)
    draft.full_text = text
    draft.extra["pdf_file"] = str(path)
    return draft


@follows_input_rules
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
