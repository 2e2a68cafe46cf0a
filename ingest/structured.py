"""Reading curated study records (one :class:`StudyRecord` JSON object per line).

This is the structured path (``facekg load``): a bad line stops the load with an
error naming the file, the line and the field, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from facekg.errors import ValidationFailed
from facekg.records import StudyRecord
from ingest.readers.jsonl import iter_json_lines


def read_study_records(path: Path | str) -> Iterator[StudyRecord]:
    """Yield the records of a JSONL file, raising on the first bad line."""
    for line_number, data in iter_json_lines(path):
        try:
            yield StudyRecord.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"]) or None
            raise ValidationFailed(error["msg"], file=str(path), record=f"line {line_number}",
                                   field=field) from exc
