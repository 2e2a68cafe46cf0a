"""Writing a review's history into a store: its updates in order, each with the studies it last touched.

Shared by ``facekg sync`` (store to store) and by every importer of an export
(file to store), so a study keeps the review update it names either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from facekg.errors import InputError, StoreError
from facekg.records import ReviewUpdate, StudyRecord
from graph.store import GraphStore


def group_by_update(updates: Sequence[ReviewUpdate], records: Sequence[StudyRecord],
                    *, file: str | None = None) -> dict[str | None, list[StudyRecord]]:
    """The records under the update each names; an update the history lacks is an error naming the study."""
    known = {update.id for update in updates}
    by_update: dict[str | None, list[StudyRecord]] = defaultdict(list)
    for record in records:
        if record.review_update is not None and record.review_update not in known:
            message = f"study {record.id!r} names review update {record.review_update!r}, which is not there"
            if file is not None:
                raise InputError(message, file=file, record=record.id, field="review_update")
            raise StoreError(message)
        by_update[record.review_update].append(record)
    if by_update.get(None) and not updates:
        raise StoreError("there are studies but no review update to write them with")
    return by_update


def write_history(dst: GraphStore, updates: Sequence[ReviewUpdate], by_update: dict[str | None, list[StudyRecord]],
                  *, batch_size: int = 1000) -> None:
    """Write every update, oldest first, with its studies in batches (studies naming none ride with the first)."""
    for index, update in enumerate(updates):
        records = by_update.get(update.id, [])
        if index == 0:
            records = [*by_update.get(None, []), *records]
        dst.write([], update)
        for start in range(0, len(records), batch_size):
            dst.write(records[start:start + batch_size], update)


def restore(dst: GraphStore, updates: Sequence[ReviewUpdate], records: Sequence[StudyRecord], *,
            file: str) -> int:
    """Import an export's history into an empty store; on any failure the store is left empty again.

    Returns the number of studies written. The ontology's concepts come from the
    package's ontology (``write_ontology``), not from the file.
    """
    if dst.stats().studies or dst.review_updates():
        raise StoreError(f"cannot import {file}: the store already holds a graph; import into an empty data "
                         "directory (FACEKG_DATA_DIR) or clear it first")
    by_update = group_by_update(updates, records, file=file)
    try:
        write_history(dst, updates, by_update)
    except BaseException:
        dst.clear()
        raise
    return len(records)
