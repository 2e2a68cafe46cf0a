"""BibTeX exports (Zotero, JabRef, Google Scholar, IEEE Xplore): one draft per entry.

bibtexparser v2 parses a whole string at once, so a large file is cut at the
lines that open a block (``@``) and parsed in batches; ``@string`` macros seen
so far are carried into every later batch so references still resolve.

BibTeX allows each field once per entry: an entry that repeats one (two
``abstract`` fields) is refused naming the field, where bibtexparser would keep
one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)

from facekg.errors import InputError

from .draft import StudyDraft, clean_pmid, first_text, parse_year, quarantine
from .encoding import iter_lines
from .rules import follows_input_rules

FORMAT = "bibtex"
BATCH_ENTRIES = 500
_BLOCK_START = re.compile(r"^\s*@\s*(\w+)", re.ASCII)
_KEYWORD_SPLIT = re.compile(r"\s*[;,]\s*")


def _blocks(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Yield ``(block type, raw text)`` for each ``@`` block; text before the first is dropped."""
    kind: str | None = None
    buffer: list[str] = []
    for line in lines:
        match = _BLOCK_START.match(line)
        if match:
            if kind is not None:
                yield kind, "\n".join(buffer)
            kind, buffer = match.group(1).lower(), [line]
        elif kind is not None:
            buffer.append(line)
    if kind is not None:
        yield kind, "\n".join(buffer)


def _batches(path: str | Path) -> Iterator[tuple[str, str]]:
    """``(macros so far, entries)``: BibTeX text in batches of at most ``BATCH_ENTRIES`` entries."""
    macros: list[str] = []
    batch: list[str] = []
    for kind, raw in _blocks(iter_lines(path)):
        if kind == "string":
            macros.append(raw)
        elif kind not in ("comment", "preamble"):
            batch.append(raw)
            if len(batch) >= BATCH_ENTRIES:
                yield "\n".join(macros), "\n".join(batch)
                batch = []
    if batch:
        yield "\n".join(macros), "\n".join(batch)


def _parse(macros: str, text: str) -> list[Block]:
    """The blocks of ``text`` (macros resolved, LaTeX decoded, authors split); macro blocks left out."""
    library = bibtexparser.parse_string(
        f"{macros}\n{text}", append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors()])
    return [block for block in library.blocks if not isinstance(block, String)]


def _entry_blocks(macros: str, text: str) -> Iterator[Block]:
    """The entry blocks of a batch; an entry whose key came before is parsed again on its own.

    bibtexparser hands a repeated key back raw (braces and LaTeX undecoded); two
    studies can share a key (``smith2020``), and de-duplication judges them.
    """
    for block in _parse(macros, text):
        if isinstance(block, DuplicateBlockKeyBlock):
            yield from _parse(macros, block.raw or "")
        else:
            yield block


@follows_input_rules
def read_bibtex(path: str | Path, errors: list[InputError] | None = None) -> Iterator[StudyDraft]:
    """Yield one :class:`StudyDraft` per BibTeX entry in ``path``.

    An entry bibtexparser cannot parse, or one without a ``title``, is bad:
    raised, or collected in ``errors`` when a list is given. Duplicate keys
    are not errors here: de-duplication deals with repeated studies; a field
    repeated within one entry is.
    """
    source = str(path)
    number = 0
    for macros, text in _batches(path):
        for block in _entry_blocks(macros, text):
            if isinstance(block, DuplicateFieldKeyBlock):
                number += 1
                entry = block.ignore_error_block
                key = entry.key if isinstance(entry, Entry) else "?"
                field = sorted(block.duplicate_keys)[0]
                quarantine(InputError(f"entry {key!r} gives the field {field!r} more than once; BibTeX allows "
                                      "each field once per entry", file=source, record=number, field=field),
                           errors)
            elif isinstance(block, ParsingFailedBlock):
                number += 1
                first_line = (block.raw or "").strip().splitlines()[:1]
                quarantine(InputError(
                    f"BibTeX syntax error in entry {first_line[0] if first_line else ''!r}: "
                    + " ".join(str(block.error).split()),
                    file=source, record=number, field="syntax"), errors)
            elif isinstance(block, Entry):
                number += 1
                draft = _draft(block, source, number, errors)
                if draft is not None:
                    yield draft
    if number == 0:
        quarantine(InputError("no BibTeX entry found (no line starts with '@article{' or similar)",
                              file=source, record=1, field="entry"), errors)


def _value(entry: Entry, *names: str) -> object:
    for name in names:
        field = entry.get(name)
        if field is not None and field.value not in (None, "", []):
            return field.value
    return None


def _draft(entry: Entry, source: str, number: int, errors: list[InputError] | None) -> StudyDraft | None:
    title = first_text(_value(entry, "title"))
    if title is None:
        quarantine(InputError(f"entry {entry.key!r} has no title", file=source, record=number,
                              field="title"), errors)
        return None
    value = _value(entry, "author") or []
    authors: list[object] = list(value) if isinstance(value, list) else [value]
    keywords = _value(entry, "keywords", "keyword")
    pmid = clean_pmid(_value(entry, "pmid"))
    eprint_type = str(_value(entry, "eprinttype") or "").lower()
    if pmid is None and eprint_type == "pubmed":
        pmid = clean_pmid(_value(entry, "eprint"))
    extra: dict[str, object] = {"type": entry.entry_type, "key": entry.key}
    for name in ("language", "url", "volume", "number", "pages", "publisher", "note"):
        value = _value(entry, name)
        if value:
            extra[name] = value
    return StudyDraft(
        title=title,
        abstract=first_text(_value(entry, "abstract")),
        authors=[str(author) for author in authors],
        year=parse_year(_value(entry, "year", "date")),
        journal=first_text(_value(entry, "journal", "journaltitle", "booktitle")),
        doi=first_text(_value(entry, "doi")),
        pmid=pmid,
        keywords=[k for k in _KEYWORD_SPLIT.split(str(keywords)) if k] if keywords else [],
        source_file=source,
        record_number=number,
        fmt=FORMAT,
        extra=extra,
    )
