"""Copying one graph store into another, losslessly (``facekg sync --to neo4j|memory``).

The copy goes through the :class:`graph.store.GraphStore` verbs only, so it
works between any two backends: the studies are rewritten review update by
review update (oldest first, in batches), then every node and edge that is not
part of a study subgraph (ontology concepts and their hierarchy) is upserted
with the source's final properties. The copy is then checked: both stores must
export identical rows.
"""

from __future__ import annotations

from collections import defaultdict

from facekg.errors import StoreError
from facekg.records import StudyRecord
from graph.mapping import EdgeRow, GraphRows, NodeRow
from graph.schema import RECORD_LABELS
from graph.store import GraphStore


def copy_store(src: GraphStore, dst: GraphStore, *, batch_size: int = 1000, verify: bool = True) -> int:
    """Replace everything in ``dst`` with the contents of ``src``; returns the number of studies copied.

    Raises :class:`facekg.errors.StoreError` when a study names a review update
    ``src`` does not hold, or (with ``verify``) when the copy differs.
    """
    updates = src.review_updates()
    known = {update.id for update in updates}
    by_update: dict[str | None, list[StudyRecord]] = defaultdict(list)
    for record in src.studies():
        if record.review_update is not None and record.review_update not in known:
            raise StoreError(f"study {record.id!r} names review update {record.review_update!r}, "
                             "which the source store does not hold")
        by_update[record.review_update].append(record)
    if by_update.get(None) and not updates:
        raise StoreError("the source store holds studies but no review update to write them with")

    source_rows = src.export_rows()
    labels = {node.key: node.label for node in source_rows.nodes}
    dst.clear()
    for index, update in enumerate(updates):
        records = by_update.get(update.id, [])
        if index == 0:
            # Studies without a review update ride along with the first one (they get no ADDED_IN edge).
            records = [*by_update.get(None, []), *records]
        dst.write([], update)
        for start in range(0, len(records), batch_size):
            dst.write(records[start:start + batch_size], update)
    dst.write_ontology(GraphRows(
        nodes=[NodeRow(node.key, node.label, dict(node.props)) for node in source_rows.nodes
               if node.label not in RECORD_LABELS],
        edges=[EdgeRow(edge.source, edge.type, edge.target, dict(edge.props)) for edge in source_rows.edges
               if labels.get(edge.source) not in RECORD_LABELS],
    ))
    if verify and dst.export_rows().as_jsonable() != source_rows.as_jsonable():
        raise StoreError("the copy differs from the source store; the target was left as written, "
                         "compare `facekg export` of both")
    return sum(len(records) for records in by_update.values())
