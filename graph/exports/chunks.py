"""Written text as byte chunks, for every streamed export (a response or a file is written chunk by chunk)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

CHUNK = 1 << 16
"""About how many bytes each streamed chunk holds."""


def encoded(texts: Iterable[str], size: int = CHUNK) -> Iterator[bytes]:
    """``texts`` as UTF-8 chunks of about ``size`` bytes (a response or a file is written chunk by chunk)."""
    pending: list[str] = []
    length = 0
    for text in texts:
        pending.append(text)
        length += len(text)
        if length >= size:
            yield "".join(pending).encode("utf-8")
            pending, length = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")
