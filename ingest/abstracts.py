"""Title-and-abstract records: what ``facekg extract`` and ``facekg screen`` read.

The input is the contract's JSON Lines (one object per line with ``id``, ``title``, ``abstract``;
docs/contracts.md) or any export the readers know (RIS, MEDLINE, BibTeX, CSV, JSON, PDF), told
apart by content (:func:`ingest.readers.detect_format`) unless a format is given. A record from an
export gets the id ``facekg ingest`` gives the same record (:func:`facekg.identity.study_id`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from facekg.errors import InputError
from ingest.readers import detect_format, read_any, require_file
from ingest.readers.jsonl import iter_json_lines

CONTRACT_FORMAT = "jsonl"


def read_contract_jsonl(path: Path | str) -> Iterator[dict[str, str]]:
    """Records of the extract contract; errors name the file, the line and the field."""
    for number, obj in iter_json_lines(path):
        where = {"file": str(path), "record": f"line {number}"}
        for key in ("id", "title"):
            if obj.get(key) in (None, ""):
                raise InputError(f"no {key!r}; every record needs id, title, abstract", field=key, **where)
        for key in ("title", "abstract"):
            if obj.get(key) is not None and not isinstance(obj[key], str):
                raise InputError(f"{key!r} must be a string", field=key, **where)
        yield {"id": str(obj["id"]), "title": obj["title"], "abstract": obj.get("abstract") or ""}


def read_abstracts(path: Path | str, fmt: str | None = None) -> Iterator[dict[str, str]]:
    """``{"id", "title", "abstract"}`` per record of ``path``, in file order."""
    path = require_file(path)
    if (fmt or detect_format(path)) == CONTRACT_FORMAT:
        return read_contract_jsonl(path)
    return ({"id": draft.study_id(), "title": draft.title, "abstract": draft.abstract or ""}
            for draft in read_any(path, fmt=fmt))
