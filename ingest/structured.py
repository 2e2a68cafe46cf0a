"""Reading curated study records (one :class:`StudyRecord` JSON object per line).

This is the structured path (``facekg load``): a bad line stops the load with an
error naming the file, the line and the field, before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from facekg.errors import InputError, ValidationFailed
from facekg.records import StudyRecord


def read_study_records(path: Path | str) -> Iterator[StudyRecord]:
    """Yield the records of a JSONL file, raising on the first bad line."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=str(path)) from exc
    with handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON at column {exc.colno}: {exc.msg}", file=str(path),
                                 record=f"line {line_number}") from exc
            if not isinstance(data, dict):
                raise InputError("expected a JSON object", file=str(path), record=f"line {line_number}")
            try:
                yield StudyRecord.model_validate(data)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(part) for part in error["loc"]) or None
                raise ValidationFailed(error["msg"], file=str(path), record=f"line {line_number}",
                                       field=field) from exc
