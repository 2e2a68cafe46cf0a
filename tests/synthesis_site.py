"""A data directory holding mada's AuditC tables as Down syndrome studies, plus one thyroid eye disease study.

Shared by the synthesis pages and CLI tests: the univariate and bivariate models
pool Down syndrome; thyroid eye disease has one study, so it is refused.
"""

from __future__ import annotations

from pathlib import Path

from facekg.records import ReviewUpdate
from graph.sqlite_store import SqliteStore
from tests.synthesis_fixtures import auditc_studies, diagnostic_study


def write_synthesis_review(data_dir: Path) -> Path:
    studies = [*auditc_studies(), diagnostic_study("ted-1", 40, 10, 5, 45, conditions=("thyroid eye disease",))]
    studies = [s.model_copy(update={"review_update": "u1"}) for s in studies]
    SqliteStore(data_dir).write(studies, ReviewUpdate(
        id="u1", created_at="2026-01-01T00:00:00+00:00", source="auditc.ris",
        counts={"records_read": 17, "records_identified": 17, "identified:PubMed": 17, "created": len(studies)}))
    return data_dir
