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
from ontology import Ontology

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


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, one line each)."""
    operations = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        operations.append(f"({escaped}) Tj T*")
    operations.append("ET")
    stream = "\n".join(operations).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_store_dir(data_dir: Path, ontology: Ontology, limit: int | None = None) -> Path:
    """``data_dir`` holding the curated demo corpus (its first ``limit`` studies), for tests that write to it."""
    from facekg.runtime import open_store
    from facekg.settings import Settings
    from ingest.load import load_records
    from ingest.structured import read_study_records

    store = open_store(Settings(data_dir=data_dir, backend="memory"), create=True)
    try:
        load_records(store, list(read_study_records(DEMO_STUDIES))[:limit], ontology, source="curated")
    finally:
        store.close()
    return data_dir
