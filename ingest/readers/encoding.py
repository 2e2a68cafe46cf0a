"""Decode export files whatever the tool that wrote them chose.

Reference managers write UTF-8 (with or without a BOM), Windows tools UTF-16
with a BOM or cp1252. We take the BOM when there is one, else UTF-8 when the
whole file decodes as UTF-8, else cp1252 (Latin-1 as the last resort, since it
decodes any byte). Binary content is refused up front: in the first few KB of
a text export (outside UTF-16) control bytes are rare, while compressed or
image data is full of them. A stray NUL in a text file is left to the readers,
which name its line and field.

Every file is opened here, so a missing file, a directory or an unreadable
file is one :class:`InputError` naming the path, whatever reads it.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from facekg.errors import InputError

SNIFF_BYTES = 4096
_CHUNK = 1 << 20
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that mark binary data: not tab, newline, form feed or carriage return, nor the
# terminal controls BEL, BS and ESC that pasted text carries (the input rules neutralise those).
_CONTROL = frozenset(range(0, 32)) - {7, 8, 9, 10, 12, 13, 27}
BINARY_SHARE = 0.05  # more control bytes than this share of the sample: not a text export


def open_bytes(path: str | Path) -> BinaryIO:
    """Open ``path`` for reading bytes; a missing file, a directory or no permission is an InputError."""
    source = str(path)
    if Path(path).is_dir():
        raise InputError("is a directory, not a file; name the export files in it", file=source)
    try:
        return open(path, "rb")
    except FileNotFoundError as exc:
        raise InputError("no such file", file=source) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=source) from exc


def head_bytes(path: str | Path, size: int = SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of the file."""
    with open_bytes(path) as handle:
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
        with open_bytes(path) as handle:
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
            return _checked(path, encoding)
    if not sample.strip():
        raise InputError("the file is empty", file=str(path), record=1, field="content")
    guessed = _utf16_without_bom(sample)
    if guessed:
        return _checked(path, guessed)
    if sum(byte in _CONTROL for byte in sample) > BINARY_SHARE * len(sample):
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


def _checked(path: str | Path, encoding: str) -> str:
    """``encoding`` when the whole file decodes with it (a BOM or a NUL pattern can lie)."""
    if not _decodes_as(path, encoding):
        raise InputError(f"looks like {encoding.upper()} but does not decode as it (corrupted or binary)",
                         file=str(path), record=1, field="content")
    return encoding


def open_text(path: str | Path) -> TextIO:
    """Open ``path`` for streaming text with the detected encoding and universal newlines."""
    encoding = detect_encoding(path)
    return io.TextIOWrapper(open_bytes(path), encoding=encoding, newline=None)


def read_text(path: str | Path) -> str:
    """The whole file as text, decoded as :func:`detect_encoding` decides."""
    with open_text(path) as handle:
        return handle.read()


def iter_lines(path: str | Path) -> Iterator[str]:
    """The file's lines without their line endings, streamed."""
    with open_text(path) as handle:
        for line in handle:
            yield line.rstrip("\r\n")


