"""Study records as JSON lines, every fact with its provenance (``facekg load`` reads them back)."""

from __future__ import annotations

from collections.abc import Iterator

from graph.exports.chunks import encoded
from graph.store import GraphStore

MEDIA_TYPE = "application/x-ndjson"


def stream_jsonl(store: GraphStore) -> Iterator[bytes]:
    """One line per study, read one study at a time, as UTF-8 chunks."""
    return encoded(record.model_dump_json(exclude_none=False) + "\n" for record in store.studies())


def export_jsonl(store: GraphStore) -> str:
    return b"".join(stream_jsonl(store)).decode("utf-8")
