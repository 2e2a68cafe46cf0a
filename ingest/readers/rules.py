"""The rules every reader's output obeys: no NUL, no terminal controls, bounded sizes.

One module for the three rules that ``docs/input-rules.md`` states for users:

- **NUL** (U+0000) is never text: a value holding one is refused, as a sign of a
  binary or corrupted export.
- **Control characters** are neutralised: every terminal escape sequence (ESC or
  C1 CSI, OSC, DCS, ... up to its final byte or terminator) and every other C0
  control except TAB, LF and CR, DEL and every C1 control become spaces, one per
  character. Nothing is refused for them (they never carry bibliographic
  meaning, and a living review should not lose a study to a stray byte), nothing
  reaches a terminal or a page, and offsets into the text still hold.
- **Sizes**: a title is at most :data:`MAX_TITLE_CHARS`, any other field (an
  abstract, one author, one note) at most :data:`MAX_FIELD_CHARS`, a PDF's full
  text at most :data:`MAX_FULL_TEXT_CHARS`, and a whole record, full text aside,
  at most :data:`MAX_RECORD_CHARS`. A longer value is almost always a reader
  gone wrong (an unclosed quote, a missing end tag) and is refused, naming the
  field; under skip-bad the record is quarantined. The extraction text
  (``title + "\\n" + abstract``) is therefore at most
  :data:`MAX_EXTRACTION_CHARS`, well below spaCy's ``max_length``.

Every reader is wrapped by :func:`follows_input_rules`; the JSON-object reader
of ``facekg load`` and ``facekg extract`` calls :func:`clean_object`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

from facekg.errors import InputError

from .draft import StudyDraft, quarantine

MAX_TITLE_CHARS = 2_000
MAX_FIELD_CHARS = 100_000
MAX_FULL_TEXT_CHARS = 5_000_000
MAX_RECORD_CHARS = 500_000
MAX_EXTRACTION_CHARS = MAX_TITLE_CHARS + 1 + MAX_FIELD_CHARS

_LIMITS = {"title": MAX_TITLE_CHARS, "full_text": MAX_FULL_TEXT_CHARS}
_UNCOUNTED = frozenset({"full_text"})  # the record limit is for the bibliographic record
# ECMA-48 sequences: CSI up to its final byte; OSC, DCS, SOS, PM, APC strings up to their
# terminator (BEL or ST); any other ESC sequence (intermediates, then a final byte).
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEEDS_WORK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ASCII_CONTROL = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])

Reader = TypeVar("Reader", bound=Callable[..., Iterator[StudyDraft]])


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _has_controls(text: str) -> bool:
    """Whether ``text`` holds a character the rules act on (NUL included)."""
    if text.isascii():  # most text; deleting bytes in C is several times faster than a regex scan
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_CONTROL)) != len(raw)
    return _NEEDS_WORK.search(text) is not None


def neutralise_controls(text: str) -> str:
    """``text`` with terminal escape sequences and control characters as spaces (same length).

    TAB, LF and CR stay; NUL is left for :func:`clean_text` to refuse.
    """
    if not _has_controls(text):
        return text
    return _CONTROL.sub(" ", _ESCAPE_SEQUENCE.sub(_spaces, text))


def clean_text(field: str, text: str, *, file: str | None, record: int | str | None) -> str:
    """One value after the rules: refused for a NUL or for its size, else neutralised."""
    return _clean_text(text, (field,), _limit(field), file, record)


def _limit(top: str) -> int:
    return _LIMITS.get(top, MAX_FIELD_CHARS)


def _name(path: tuple[str | int, ...]) -> str:
    """``("authors", 3)`` as ``authors[3]``; ``("extra", "notes")`` as ``extra.notes``."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def _clean_text(text: str, path: tuple[str | int, ...], limit: int, file: str | None,
                record: int | str | None) -> str:
    if len(text) <= limit and not _has_controls(text):
        return text
    if len(text) > limit:
        raise InputError(f"{len(text):,} characters, more than the {limit:,} allowed for one {path[0]} "
                         "(a reader mis-split the file, or the field holds more than one record)",
                         file=file, record=record, field=_name(path))
    if "\x00" in text:
        raise InputError("NUL byte in the text (a binary or corrupted export)", file=file, record=record,
                         field=_name(path))
    return neutralise_controls(text)


def _clean(value: Any, path: tuple[str | int, ...], limit: int, file: str | None,
           record: int | str | None) -> tuple[Any, int]:
    """``(cleaned value, characters counted)`` for a JSON-like value at ``path`` (names built on error only)."""
    if isinstance(value, str):
        return _clean_text(value, path, limit, file, record), len(value)
    if isinstance(value, Mapping):
        cleaned: dict[Any, Any] = {}
        size = 0
        for key, item in value.items():
            new_key = neutralise_controls(key) if isinstance(key, str) else key
            cleaned[new_key], chars = _clean(item, (*path, str(key)), limit, file, record)
            size += chars
        return cleaned, size
    if isinstance(value, list | tuple):
        items = [_clean(item, (*path, index), limit, file, record) for index, item in enumerate(value)]
        return [item for item, _ in items], sum(chars for _, chars in items)
    return value, 0


def clean_object(data: Mapping[str, Any], *, file: str | None, record: int | str | None) -> dict[str, Any]:
    """A record as a JSON-like mapping after the rules; raises :class:`InputError` naming the field.

    Each top-level field has its limit (a title's, a full text's, any other's), and so
    does everything below it; the record's total leaves the full text out.
    """
    cleaned: dict[str, Any] = {}
    size = 0
    for key, value in data.items():
        cleaned[neutralise_controls(key)], chars = _clean(value, (key,), _limit(key), file, record)
        size += 0 if key in _UNCOUNTED else chars
    if size > MAX_RECORD_CHARS:
        raise InputError(f"the record has {size:,} characters in all, more than the {MAX_RECORD_CHARS:,} "
                         "allowed for one record", file=file, record=record, field="record")
    return cleaned


_DRAFT_TEXT = ("title", "abstract", "authors", "journal", "doi", "pmid", "keywords", "full_text", "extra")


def apply_input_rules(draft: StudyDraft) -> StudyDraft:
    """``draft`` after the rules (a new draft only when a control character was neutralised)."""
    values = {name: getattr(draft, name) for name in _DRAFT_TEXT}
    cleaned = clean_object(values, file=draft.source_file, record=draft.record_number)
    if cleaned == values:
        return draft
    # Validating again collapses the spaces that stood in for control characters in titles.
    return StudyDraft.model_validate({**draft.model_dump(), **cleaned})


def follows_input_rules(reader: Reader) -> Reader:
    """Wrap a reader so every draft it yields obeys the rules; a draft that does not is bad.

    A bad draft is raised, or quarantined when the reader is called with an
    ``errors`` list, exactly as the reader's own bad records are.
    """

    @functools.wraps(reader)
    def read(path: str | Path, errors: list[InputError] | None = None, **options: Any) -> Iterator[StudyDraft]:
        for draft in reader(path, errors=errors, **options):
            try:
                yield apply_input_rules(draft)
            except InputError as exc:
                quarantine(exc, errors)

    return cast(Reader, read)
