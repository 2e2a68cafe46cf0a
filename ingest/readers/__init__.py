"""Readers: one module per export format, each a generator of :class:`StudyDraft`.

``read_any(path)`` detects the format from the content and streams drafts;
every reader takes ``errors``: ``None`` (the first bad record raises) or a
list (bad records are quarantined there and reading continues).
"""

from __future__ import annotations

from .bibtex import read_bibtex
from .csv_reader import read_csv
from .detect import FORMATS, detect_format, read_any, require_file
from .draft import StudyDraft
from .encoding import detect_encoding, read_text
from .jsonl import read_json, read_jsonl
from .medline import read_medline
from .pdf import attach_pdf, pdf_text, read_pdf
from .ris import read_ris

__all__ = [
    "FORMATS", "StudyDraft", "attach_pdf", "detect_encoding", "detect_format", "pdf_text", "read_any",
    "read_bibtex", "read_csv", "read_json", "read_jsonl", "read_medline", "read_pdf", "read_ris",
    "read_text", "require_file",
]
