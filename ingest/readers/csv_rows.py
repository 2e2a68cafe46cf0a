"""Strict CSV rows: quotes balanced, every row as wide as the header, no NUL; errors by line and column.

Python's csv module in strict mode raises on a quote that never closes
("unexpected end of data") and on text after a closing quote, but names
neither the line nor the cell. Rows are therefore read through :class:`_Lines`,
which numbers the physical lines and keeps those of the current row: a broken
row is reported by line and column, and under skip-bad reading resumes on the
line after the broken row's first line. (An unclosed quote swallows the rest of
the file; the lines it swallowed are read again as rows of their own.)
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from facekg.errors import InputError

from .draft import quarantine
from .rules import MAX_RECORD_CHARS

# The csv module's own cell limit: far above any field we accept (the rules refuse those
# with a clear message), low enough that a runaway quote cannot eat all memory.
CELL_LIMIT = 8 * MAX_RECORD_CHARS


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based number among data rows, its first line, its cells."""

    number: int
    line: int
    cells: list[str]


class _Lines:
    """The file's physical lines for ``csv.reader``, numbered, with the current row's lines kept."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self._count = 0
        self._replay: deque[tuple[int, str]] = deque()
        self.row: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._replay:
            item = self._replay.popleft()
        else:
            line = self._handle.readline()
            if not line:
                raise StopIteration
            self._count += 1
            item = (self._count, line)
        self.row.append(item)
        return item[1]

    def start_row(self) -> None:
        self.row = []

    def resume_after_first_line(self) -> None:
        """Read the current row's lines after its first again, as new rows."""
        self._replay.extendleft(reversed(self.row[1:]))
        self.row = []


def _quote_problem(lines: list[tuple[int, str]], delimiter: str) -> tuple[int, int, str] | None:
    """``(line, cell index, problem)`` of the first quoting error in a row's lines, if any.

    Only for messages: the csv module does the reading; this walks the same
    quoting rules (a quote opens a cell only at its start; ``""`` inside a
    quoted cell is a quote) to say where it went wrong.
    """
    cell, state, opened = 0, "start", 0
    for number, line in lines:
        for char in line:
            if state == "quoted":
                state = "quote" if char == '"' else "quoted"
            elif state == "quote" and char == '"':
                state = "quoted"
            elif char == delimiter:
                cell, state = cell + 1, "start"
            elif char in "\r\n":
                return None  # the row ended without a quoting error
            elif state == "quote":
                where = "" if opened == number else f" opened on line {opened}"
                return number, cell, f"text after the closing quote of the quoted cell{where} (a stray quote?)"
            elif state == "start" and char == '"':
                state, opened = "quoted", number
            else:
                state = "plain"
    if state == "quoted":
        return opened, cell, "a quoted cell opens here and is never closed (an unbalanced quote)"
    return None


class StrictRows:
    """The header and the data rows of a CSV file, read strictly.

    The header is read on construction; a broken or repeated header raises
    whatever ``errors`` is, since no row could be read faithfully without it.
    """

    def __init__(self, handle: TextIO, *, source: str, delimiter: str) -> None:
        csv.field_size_limit(CELL_LIMIT)
        self.source = source
        self.delimiter = delimiter
        self._lines = _Lines(handle)
        self._reader = csv.reader(self._lines, delimiter=delimiter, strict=True)
        self.header = self._read_header()

    def _column(self, index: int) -> str:
        if index < len(self.header):
            return self.header[index].strip() or f"column {index + 1}"
        return f"column {index + 1}"

    def _read_header(self) -> list[str]:
        try:
            header: list[str] = []
            while not header:  # blank lines before the header
                self._lines.start_row()
                header = next(self._reader)
        except StopIteration:
            return []
        except csv.Error as exc:
            raise self._broken(exc, 0) from exc
        seen: dict[str, int] = {}
        for index, name in enumerate(header):
            key = name.strip().lstrip("\ufeff").casefold()
            if key and key in seen:
                raise InputError(f"line {self._lines.row[0][0]}: column {name.strip()!r} appears twice "
                                 f"(columns {seen[key] + 1} and {index + 1}); rename one",
                                 file=self.source, record="header", field=name.strip())
            seen.setdefault(key, index)
        return header

    def _broken(self, exc: csv.Error, number: int) -> InputError:
        first = self._lines.row[0][0] if self._lines.row else 0
        record: int | str = number or "header"
        problem = _quote_problem(self._lines.row, self.delimiter)
        if "field larger than field limit" in str(exc):
            problem = (first, -1, f"a cell of more than {CELL_LIMIT:,} characters (a runaway quote?)")
        if problem is None:
            return InputError(f"line {first}: unreadable CSV ({exc})", file=self.source, record=record,
                              field="content")
        line, cell, text = problem
        field = self._column(cell) if cell >= 0 else "content"
        return InputError(f"line {line}: {text}", file=self.source, record=record, field=field)

    def rows(self, errors: list[InputError] | None) -> Iterator[Row]:
        """The data rows; a bad one is raised, or quarantined in ``errors`` and reading goes on."""
        number = 0
        while True:
            self._lines.start_row()
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                quarantine(self._broken(exc, number), errors)
                self._lines.resume_after_first_line()
                continue
            if not cells:
                continue  # a blank line
            number += 1
            row = Row(number, self._lines.row[0][0], cells)
            error = self._check(row)
            if error is None:
                yield row
            else:
                quarantine(error, errors)

    def _check(self, row: Row) -> InputError | None:
        for index, cell in enumerate(row.cells):
            if "\x00" in cell:
                line = next((n for n, text in self._lines.row if "\x00" in text), row.line)
                return InputError(f"line {line}: NUL byte in the cell (a binary or corrupted export)",
                                  file=self.source, record=row.number, field=self._column(index))
        width, expected = len(row.cells), len(self.header)
        if width > expected:
            return InputError(f"line {row.line}: {width} cells, the header has {expected} (an unquoted "
                              f"{self.delimiter!r} in a cell?)", file=self.source, record=row.number,
                              field="columns")
        if width < expected:
            return InputError(f"line {row.line}: {width} cells, the header has {expected}; column "
                              f"{self._column(width)!r} onwards missing (a line break outside quotes?)",
                              file=self.source, record=row.number, field="columns")
        return None
