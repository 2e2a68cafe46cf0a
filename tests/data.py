"""Shared sample data for the tests: small study records built in code, plus paths to the demo corpus."""

from __future__ import annotations

from pathlib import Path

from facekg.records import (
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    MetricResult,
    Provenance,
    ReviewUpdate,
    SampleFact,
    StudyFlag,
    StudyRecord,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO_STUDIES = ROOT / "ingest" / "demo" / "studies.jsonl"
DEMO_RIS = ROOT / "ingest" / "demo" / "demo.ris"
DEMO_MEDLINE = ROOT / "ingest" / "demo" / "demo.nbib"
DEMO_ABSTRACTS = ROOT / "ingest" / "demo" / "abstracts.jsonl"


def curated(**kwargs: object) -> Provenance:
    return Provenance(source="curated", **kwargs)  # type: ignore[arg-type]


def extracted(text: str = "evidence", start: int = 0) -> Provenance:
    from facekg.records import Evidence

    return Provenance(source="extracted", evidence=Evidence(text=text, start=start, end=start + len(text)),
                      extractor_version="test")


def study(study_id: str, *, title: str | None = None, year: int = 2021, doi: str | None = None,
          pmid: str | None = None, conditions: tuple[str, ...] = ("Down syndrome",),
          architectures: tuple[str, ...] = ("ResNet-50",), deep_learning: bool | None = True,
          retracted: bool = False, abstract: str | None = None, source: str = "curated") -> StudyRecord:
    """A small study with one fact of each kind; ``source`` sets every fact's provenance."""
    provenance = curated() if source == "curated" else extracted()
    return StudyRecord(
        id=study_id, title=title or f"Deep learning study {study_id}", year=year, doi=doi, pmid=pmid,
        abstract=abstract, retracted=retracted, is_deep_learning=deep_learning,
        conditions=[ConditionFact(name=name, provenance=provenance) for name in conditions],
        architectures=[ArchitectureFact(name=name, provenance=provenance) for name in architectures],
        metrics=[MetricResult(metric="accuracy", value=91.0, unit="%", provenance=provenance)],
        samples=[SampleFact(value=120, unit="participants", provenance=provenance)],
        demographics=[DemographicReport(attribute="sex", reported=True, provenance=provenance),
                      DemographicReport(attribute="skin_tone", reported=None, provenance=provenance)],
        flags=[StudyFlag(name="external_validation", value=False, provenance=provenance)],
    )


def update(update_id: str = "u1", created_at: str = "2026-01-01T00:00:00+00:00") -> ReviewUpdate:
    return ReviewUpdate(id=update_id, created_at=created_at, source="tests")
