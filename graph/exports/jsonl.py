"""Study records as JSON lines, every fact with its provenance (``facekg load`` reads them back)."""

from __future__ import annotations

from graph.store import GraphStore

MEDIA_TYPE = "application/x-ndjson"


def export_jsonl(store: GraphStore) -> str:
    return "".join(record.model_dump_json(exclude_none=False) + "\n" for record in store.studies())
