"""The whole ingest of a review update: read, de-duplicate, screen, extract, load.

Any mix of export files goes in; one review update comes out. The run is all or
nothing: every file is read and every record extracted before a single write,
and the write itself is atomic, so a bad record or a failing store leaves the
graph as it was. With ``skip_bad`` bad records are set aside in a quarantine
report instead and the good ones load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from facekg.errors import InputError
from facekg.identity import slug
from facekg.records import ScreeningDecision, StudyRecord
from graph.store import GraphStore
from ingest.dedup import DEFAULT_THRESHOLD, ExistingStudy, deduplicate
from ingest.load import IDENTIFIED, LoadSummary, load_records
from ingest.nlp.facts import facts_from_extraction
from ingest.readers import StudyDraft, attach_pdf, read_any
from ingest.readers.rules import MAX_EXTRACTION_CHARS
from ingest.screening import screen
from ontology import Ontology

# Full text stands in for a missing abstract up to this many characters (a PDF-only record).
FULL_TEXT_LIMIT = 20_000


class QuarantinedRecord(BaseModel):
    file: str | None
    record: int | str | None
    field: str | None
    message: str


class IngestSummary(BaseModel):
    """What an ingest did, for the command's summary and for the review update."""

    files: list[str]
    records_read: int
    duplicates_merged: int
    pdfs_attached: int = 0
    merge_report: list[dict[str, Any]] = Field(default_factory=list)
    screening: dict[str, int] = Field(default_factory=dict)
    suggested_exclusions: list[dict[str, Any]] = Field(default_factory=list)
    facts_extracted: dict[str, int] = Field(default_factory=dict)
    quarantined: list[QuarantinedRecord] = Field(default_factory=list)
    load: LoadSummary


def read_files(
    paths: Sequence[Path | str], *, column_map: dict[str, str] | None = None, quarantine: list[InputError] | None = None
) -> list[StudyDraft]:
    """Every draft of every file, in order; the first bad record raises unless ``quarantine`` is given."""
    drafts: list[StudyDraft] = []
    for path in paths:
        drafts.extend(read_any(path, column_map=column_map, errors=quarantine))
    return drafts


def record_source(draft: StudyDraft, named: str | None = None) -> str:
    """Where a record was identified: ``--source``, else the export's database, else its file's name.

    RIS names the database (``DB``, else the provider ``DP``); a MEDLINE-format file is
    PubMed's export of MEDLINE; other formats say nothing, so the file stands in.
    """
    if named:
        return named
    database = draft.extra.get("database")
    if isinstance(database, str) and database.strip():
        return database.strip()
    if draft.fmt == "medline":
        return "MEDLINE"
    return Path(draft.source_file).name


def identification_counts(drafts: Sequence[StudyDraft], named: str | None, duplicates: int) -> dict[str, int]:
    """The update's PRISMA identification: records per source, their total and the in-batch duplicates."""
    per_source = Counter(record_source(draft, named) for draft in drafts)
    return {"records_identified": len(drafts), "duplicates_merged": duplicates,
            **{IDENTIFIED + name: n for name, n in sorted(per_source.items())}}


def pdf_candidates(draft: StudyDraft) -> list[str]:
    """File names a PDF of this study may have in a ``--pdf-dir``: PMID, DOI (``/`` as ``_``) or its id."""
    names = [
        draft.pmid or "",
        (draft.doi or "").replace("/", "_"),
        slug(draft.doi) if draft.doi else "",
        str(draft.extra.get("id") or ""),
    ]
    return [f"{name}.pdf" for name in dict.fromkeys(names) if name]


def attach_pdfs(drafts: Iterable[StudyDraft], pdf_dir: Path, quarantine: list[InputError] | None) -> int:
    """Attach the full text of each draft's PDF found in ``pdf_dir``; returns how many were attached."""
    attached = 0
    for draft in drafts:
        for name in pdf_candidates(draft):
            path = pdf_dir / name
            if path.is_file():
                try:
                    attach_pdf(draft, path)
                    attached += 1
                except InputError as exc:
                    if quarantine is None:
                        raise
                    quarantine.append(exc)
                break
    return attached


def extraction_input(draft: StudyDraft, study_id: str) -> dict[str, Any]:
    """What extraction reads of a draft: title and abstract (or the start of its full text).

    The readers' size limits keep this under :data:`MAX_EXTRACTION_CHARS`, far below
    spaCy's ``max_length``; a draft made some other way is refused here, not by spaCy.
    """
    abstract = draft.abstract
    if not abstract and draft.full_text:
        abstract = draft.full_text[:FULL_TEXT_LIMIT]
    size = len(draft.title) + 1 + len(abstract or "")
    if size > MAX_EXTRACTION_CHARS:
        raise InputError(f"title and abstract have {size:,} characters, more than the {MAX_EXTRACTION_CHARS:,} "
                         "extraction reads", file=draft.source_file, record=draft.record_number, field="abstract")
    return {"id": study_id, "title": draft.title, "abstract": abstract or ""}


def _record(draft: StudyDraft, study_id: str, extraction: dict[str, Any]) -> StudyRecord:
    suggestion = screen(draft)
    facts = facts_from_extraction(extraction)
    if not draft.abstract and draft.full_text:
        # The offsets index into title + "\n" + full text, not into an abstract.
        for fact_list in facts.values():
            for fact in fact_list:
                if fact.provenance.evidence is not None:
                    fact.provenance.evidence.field = "full_text"
    fields: dict[str, Any] = {
        "id": study_id, "title": draft.title, "abstract": draft.abstract, "authors": draft.authors,
        "first_author": draft.authors[0] if draft.authors else None, "year": draft.year, "journal": draft.journal,
        "doi": draft.doi, "pmid": draft.pmid, "keywords": draft.keywords,
        "screening": ScreeningDecision(suggestion=suggestion.suggestion,
                                       reasons=[reason.model_dump() for reason in suggestion.reasons]),
    }
    return StudyRecord.model_validate({**fields, **facts})


def ingest_files(
    store: GraphStore,
    ontology: Ontology,
    paths: Sequence[Path | str],
    *,
    skip_bad: bool = False,
    column_map: dict[str, str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    pdf_dir: Path | None = None,
    progress: Callable[[Iterable[Any], int], Iterator[Any]] | None = None,
    cache_dir: Path | None = None,
    source_name: str | None = None,
) -> IngestSummary:
    """Read, de-duplicate, screen, extract and load ``paths`` as one review update.

    Drafts that duplicate a stored study are not dropped: they update that study
    (an abstract it lacked, new extracted facts), and curated facts still win.
    ``cache_dir`` holds the extraction vocabulary (default ``~/.cache/facekg``).
    ``source_name`` (``--source``) names the database every record came from
    when the exports do not (:func:`record_source`).
    """
    from ingest.nlp.pipeline import build_pipeline, extract_many  # spaCy takes seconds: bad input fails first

    if pdf_dir is not None and not pdf_dir.is_dir():
        raise InputError("no such directory" if not pdf_dir.exists() else "--pdf-dir is not a directory",
                         file=str(pdf_dir), field="pdf_dir")
    quarantine: list[InputError] | None = [] if skip_bad else None
    drafts = read_files(paths, column_map=column_map, quarantine=quarantine)
    pdfs_attached = attach_pdfs(drafts, pdf_dir, quarantine) if pdf_dir is not None else 0
    existing = [ExistingStudy(s.id, s.doi, s.pmid, s.title, s.year) for s in store.studies()]
    dedup = deduplicate(drafts, existing, threshold=threshold)

    targets: list[tuple[StudyDraft, str]] = [(draft, draft.study_id()) for draft in dedup.unique]
    targets += [(merge.dropped, merge.kept.id) for merge in dedup.merges if isinstance(merge.kept, ExistingStudy)]

    inputs = [extraction_input(draft, study_id) for draft, study_id in targets]
    extractions: Iterable[dict[str, Any]] = extract_many(inputs, nlp=build_pipeline(cache_dir=cache_dir))
    if progress is not None:
        extractions = progress(extractions, len(targets))
    records = [
        _record(draft, study_id, extraction) for (draft, study_id), extraction in zip(targets, extractions, strict=True)
    ]

    screening = Counter(record.screening.suggestion for record in records if record.screening)
    exclusions = [
        {"id": record.id, "title": record.title, "reasons": record.screening.reasons}
        for record in records
        if record.screening and record.screening.suggestion == "exclude"
    ]
    extracted = _count_facts(records)
    source = ", ".join(str(path) for path in paths)
    summary = load_records(
        store,
        records,
        ontology,
        source=source,
        description=f"ingest of {len(paths)} file(s): {len(records)} records after de-duplication",
        counts=identification_counts(drafts, source_name, sum(
            1 for merge in dedup.merges if not isinstance(merge.kept, ExistingStudy))),
    )
    return IngestSummary(
        files=[str(path) for path in paths],
        records_read=len(drafts),
        duplicates_merged=len(dedup.merges),
        pdfs_attached=pdfs_attached,
        merge_report=dedup.report(),
        screening=dict(sorted(screening.items())),
        suggested_exclusions=exclusions,
        facts_extracted=dict(sorted(extracted.items())),
        quarantined=[
            QuarantinedRecord(file=e.file, record=e.record, field=e.field, message=e.detail) for e in quarantine or []
        ],
        load=summary,
    )


def _count_facts(records: Iterable[StudyRecord]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in records:
        for kind, facts in record.fact_lists().items():
            counts[kind] += len(facts)
    return counts
