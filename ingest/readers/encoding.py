"""Decode export files whatever the tool that wrote them chose.

Reference managers write UTF-8 (with or without a BOM), Windows tools UTF-16
with a BOM or cp1252. We take the BOM when there is one, else UTF-8 when the
whole file decodes as UTF-8, else cp1252 (Latin-1 as the last resort, since it
decodes any byte). Binary content is refused up front: a NUL byte never
occurs in a text export outside UTF-16.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from facekg.errors import InputError

SNIFF_BYTES = 4096
_CHUNK = 1 << 20
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = frozenset(range(0, 32)) - {9, 10, 12, 13}


def head_bytes(path: str | Path, size: int = SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of the file."""
    with open(path, "rb") as handle:
        return handle.read(size)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 written without a BOM shows NULs at every other byte for ASCII text."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _decodes_as(path: str | Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: str | Path) -> str:
    """The encoding to read ``path`` with.

    Raises :class:`InputError` (field ``content``) for an empty file or binary
    content.
    """
    sample = head_bytes(path)
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            body = sample[len(bom):]
            if not body.strip(b"\x00 \t\r\n"):
                raise InputError("the file is empty", file=str(path), record=1, field="content")
            return encoding
    if not sample.strip():
        raise InputError("the file is empty", file=str(path), record=1, field="content")
    guessed = _utf16_without_bom(sample)
    if guessed:
        return guessed
    if 0 in sample or sum(byte in _CONTROL for byte in sample) > 0.05 * len(sample):
        raise InputError(
            "binary content (NUL or control bytes), not a text export; export as RIS, MEDLINE, "
            "BibTeX, CSV or JSON",
            file=str(path), record=1, field="content",
        )
    if _decodes_as(path, "utf-8"):
        return "utf-8"
    if _decodes_as(path, "cp1252"):
        return "cp1252"
    return "latin-1"


def open_text(path: str | Path) -> TextIO:
    """Open ``path`` for streaming text with the detected encoding and universal newlines."""
    return open(path, encoding=detect_encoding(path), newline=None)


def read_text(path: str | Path) -> str:
    """The whole file as text, decoded as :func:`detect_encoding` decides."""
    with open_text(path) as handle:
        return handle.read()


def iter_lines(path: str | Path) -> Iterator[str]:
    """The file's lines without their line endings, streamed."""
    with open_text(path) as handle:
        for line in handle:
            yield line.rstrip("\r\n")


