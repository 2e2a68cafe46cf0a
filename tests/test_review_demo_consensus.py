"""Re-ingesting the demo corpus leaves every consensus fact as it was (and rejected proposals stay out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.sqlite_store import SqliteStore
from ingest.load import load_records, new_review_update
from ingest.pipeline import ingest_files
from ingest.structured import read_study_records
from ontology import load_ontology
from review.extraction import consensus_record, prefill_form
from tests.data import DEMO_RIS, DEMO_STUDIES
from tests.review_data import filled_form

pytestmark = [pytest.mark.demo_corpus, pytest.mark.slow]


def test_review_consensus_facts_survive_reingesting_the_demo_corpus(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    ontology = load_ontology()
    load_records(store, read_study_records(DEMO_STUDIES), ontology, source="curated")
    ingest_files(store, ontology, [DEMO_RIS])
    reviewed = []
    for study in store.studies():
        form = prefill_form(study, "x")
        proposals = [field for _section, field in form.fields() if field.machine is not None]
        if len(proposals) >= 2:
            verdicts = {proposals[0].key: "rejected"}
            resolved = consensus_record(study, filled_form(study, None, verdicts, by_consensus=True))
            reviewed.append(resolved)
        if len(reviewed) == 5:
            break
    assert len(reviewed) == 5
    store.write(reviewed, new_review_update("consensus by tests"))
    before = {study.id: store.get(study.id) for study in reviewed}

    ingest_files(store, ontology, [DEMO_RIS])

    for study_id, earlier in before.items():
        now = store.get(study_id)
        assert any(fact.provenance.source == "consensus" for facts in earlier.fact_lists().values() for fact in facts)
        for kind, facts in earlier.fact_lists().items():
            consensus = [fact for fact in facts if fact.provenance.source == "consensus"]
            assert [f for f in now.fact_lists()[kind] if f.provenance.source == "consensus"] == consensus
        rejected = {tuple(claim) for claim in now.rejected_claims}
        assert rejected and not [fact for facts in now.fact_lists().values() for fact in facts
                                 if fact.provenance.source == "extracted" and fact.claim() in rejected]
