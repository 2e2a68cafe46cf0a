"""Two review updates of the demo corpus, for the living-review tests (changes, feeds, as_of, releases).

The first update loads most of the curated demo studies; the second loads the rest and changes one
study of the first (a new architecture fact and a new sample description), so every kind of answer
differs between the two updates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from facekg.records import ArchitectureFact
from facekg.runtime import open_store
from facekg.settings import Settings
from ingest.load import load_records
from ingest.structured import read_study_records
from ontology import Ontology
from tests.data import DEMO_STUDIES

FIRST_COUNT = 60


@dataclass(frozen=True)
class TwoUpdates:
    first: str
    second: str
    first_ids: list[str]
    second_ids: list[str]
    changed_id: str


def load_two_updates(data_dir: Path, ontology: Ontology) -> TwoUpdates:
    """Load the demo corpus into ``data_dir`` as two review updates (see the module docstring)."""
    records = list(read_study_records(DEMO_STUDIES))
    first, rest = records[:FIRST_COUNT], records[FIRST_COUNT:]
    store = open_store(Settings(data_dir=data_dir, backend="memory"), create=True)
    try:
        load_records(store, first, ontology, source="first search")
        first_update = store.review_updates()[-1].id
        stored = {r.id: r for r in store.studies()}
        target = stored[sorted(stored)[0]]
        changed = target.model_copy(update={
            "sample_description": "A re-examined sample of 321 participants",
            "architectures": [*target.architectures, ArchitectureFact(name="Vision Transformer")]})
        load_records(store, [*rest, changed], ontology, source="second search", description="update search")
        second_update = store.review_updates()[-1].id
        all_ids = sorted(r.id for r in store.studies())
    finally:
        store.close()
    first_ids = sorted(stored)
    return TwoUpdates(first=first_update, second=second_update, first_ids=first_ids,
                      second_ids=sorted(set(all_ids) - set(first_ids)), changed_id=target.id)
