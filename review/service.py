"""The review's workflow over the workspace and the graph: what the API, the CLI and the pages call.

Each write runs in one workspace transaction (``BEGIN IMMEDIATE``: one writer at
a time, across processes). Inside it the entry is checked (author, admin,
consensus readiness, the model), stored as a new version with its audit row,
and what it changes in the graph is written with the store's ``write()``:
the study's resolved screening status (with reasons), and the consensus
extraction's facts (``source=consensus``). The graph write comes before the
commit, so a failed graph write stores nothing; should the commit fail after
it, :meth:`ReviewService.sync` re-derives the graph's review fields from the
workspace (idempotent: nothing changes the second time).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from facekg.errors import Conflict, InputError, NotFound
from facekg.records import ScreeningDecision as StudyScreening
from facekg.records import StudyRecord
from graph.store import GraphStore
from ingest.load import new_review_update
from ingest.screening import CRITERIA, Criterion
from review.access import require_admin, require_author, require_consensus_ready
from review.agreement import Agreement, extraction_agreement, screening_agreement
from review.blind import StudyEntries, VisibleEntries, group_complete, visible_to
from review.corrections import ExportSummary, write_docbin, write_jsonl
from review.extraction import consensus_record, corrections_from_form, prefill_form
from review.keys import authenticate, new_key
from review.models import (
    Consensus,
    Correction,
    Decision,
    ExtractionForm,
    Resolution,
    Reviewer,
    RiskOfBiasAssessment,
    Role,
    ScreeningDecision,
    Stage,
)
from review.rob import (
    RiskOfBiasTool,
    RobSummary,
    check_assessment,
    high_risk,
    load_tools,
    summarise,
    worst_level,
)
from review.screening import ScreeningStatus, screening_status
from review.workspace import Transaction, Workspace

M = TypeVar("M", bound=BaseModel)


class InvalidEntry(InputError):
    """An entry that does not fit its model or tool (HTTP 422); ``field`` names the offending field."""


class ScreeningEntry(BaseModel):
    """What a reviewer sends to screen a study: the contract's body, plus optional protocol criteria."""

    stage: Stage
    decision: Decision
    reason: str | None = None
    reasons: list[Criterion] = []
    reviewer: str | None = None


class SyncSummary(BaseModel):
    """What ``facekg review sync`` re-derived into the graph."""

    studies_checked: int
    studies_written: int
    review_update: str | None


def reviewer_id(name: str) -> str:
    """A reviewer's id from their name: letters, digits, dots, dashes and underscores."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.strip()).strip("-._")
    if not slug:
        raise InvalidEntry(f"a reviewer name needs a letter or digit, got {name!r}", field="name")
    return slug[:64]


def criteria_in(text: str | None) -> list[Criterion]:
    """The protocol criterion a free-text reason names (``not deep learning`` -> ``not-deep-learning``)."""
    if not text:
        return []
    slug = re.sub(r"[\s_]+", "-", text.strip().lower())
    return [criterion for criterion in CRITERIA if criterion == slug]


def add_reviewer(workspace: Workspace, name: str, role: Role = "reviewer",
                 actor: str = "cli") -> tuple[Reviewer, str]:
    """A new reviewer and their key (shown once; only its hash is kept)."""
    rid = reviewer_id(name)
    key = new_key()
    reviewer = _validated(Reviewer, {"id": rid, "name": name, "role": role, "key_id": key.key_id,
                                     "key_hash": key.key_hash})
    with workspace.transaction() as tx:
        if tx.current("reviewer", rid) is not None:
            raise Conflict(f"a reviewer with id {rid!r} exists already (ids are never reused)")
        tx.put("reviewer", rid, reviewer.model_dump(mode="json"), actor=actor, action="add reviewer")
    return reviewer, key.key


def list_reviewers(workspace: Workspace) -> list[Reviewer]:
    with workspace.reading() as tx:
        return [Reviewer.model_validate(body) for body in tx.all("reviewer")]


def revoke_reviewer(workspace: Workspace, rid: str, actor: str = "cli") -> Reviewer:
    """Revoke a reviewer's key (a new version with ``revoked: true``)."""
    with workspace.transaction() as tx:
        body = tx.current("reviewer", rid)
        if body is None:
            raise NotFound("reviewer", rid)
        body = {**body, "revoked": True}
        tx.put("reviewer", rid, body, actor=actor, action="revoke reviewer")
    return Reviewer.model_validate(body)


class ReviewService:
    """The review on one workspace and one graph store (the raw store: every study, excluded ones too)."""

    def __init__(self, workspace: Workspace, store: GraphStore,
                 tools: dict[str, RiskOfBiasTool] | None = None) -> None:
        self.workspace = workspace
        self.store = store
        self.tools = tools if tools is not None else load_tools()

    # -- reviewers -------------------------------------------------------------------------------
    def add_reviewer(self, name: str, role: Role = "reviewer", actor: str = "cli") -> tuple[Reviewer, str]:
        return add_reviewer(self.workspace, name, role, actor)

    def reviewers(self) -> list[Reviewer]:
        return list_reviewers(self.workspace)

    def revoke(self, rid: str, actor: str = "cli") -> Reviewer:
        return revoke_reviewer(self.workspace, rid, actor)

    def authenticate(self, key: str | None) -> Reviewer:
        return authenticate(key, self.reviewers())

    # -- screening -------------------------------------------------------------------------------
    def screen(self, actor: Reviewer, study_id: str, entry: ScreeningEntry) -> ScreeningDecision:
        """Record the actor's decision on a study at a stage (a new version replaces their earlier one)."""
        require_author(actor, entry.reviewer or actor.id)
        study = self.store.get(study_id)
        decision = _validated(ScreeningDecision, {
            "study_id": study.id, "stage": entry.stage, "decision": entry.decision, "reviewer": actor.id,
            "reasons": _reasons(entry), "note": entry.reason})
        with self.workspace.transaction() as tx:
            tx.put("screening", decision.record_id, decision.model_dump(mode="json"), actor=actor.id,
                   action=f"screen {entry.stage}", study_id=study.id)
            self._write_status(tx, study.id, f"screening by {actor.id}")
        return decision

    def resolve_screening(self, actor: Reviewer, study_id: str, entry: ScreeningEntry) -> Consensus:
        """Record the consensus at a stage; needs an admin and both reviewers' decisions."""
        require_admin(actor, "resolve by consensus")
        study = self.store.get(study_id)
        with self.workspace.transaction() as tx:
            decided = {d.reviewer for d in self._decisions(tx, study.id) if d.stage == entry.stage}
            resolution = self._resolution(actor, decided, f"{study.id} {entry.stage} screening")
            record = _validated(Consensus, {
                "study_id": study.id, "stage": entry.stage, "decision": entry.decision,
                "reasons": _reasons(entry), "note": entry.reason, "resolution": resolution.model_dump()})
            tx.put("consensus", record.record_id, record.model_dump(mode="json"), actor=actor.id,
                   action=f"consensus {entry.stage}", study_id=study.id)
            self._write_status(tx, study.id, f"screening consensus by {actor.id}")
        return record

    def status(self, study_id: str) -> ScreeningStatus:
        study = self.store.get(study_id)
        with self.workspace.reading() as tx:
            return self._status(tx, study)

    def agreement(self, stage: Stage, reviewers: list[str] | None = None) -> Agreement:
        with self.workspace.reading() as tx:
            decisions = [ScreeningDecision.model_validate(body) for body in tx.all("screening")]
        return screening_agreement(decisions, stage, reviewers)

    # -- extraction ------------------------------------------------------------------------------
    def form(self, actor: Reviewer, study_id: str) -> ExtractionForm:
        """The actor's form of a study: their stored one, else a new one pre-filled from the machine."""
        study = self.store.get(study_id)
        with self.workspace.reading() as tx:
            body = tx.current("extraction", f"{study.id}/{actor.id}")
        return ExtractionForm.model_validate(body) if body else prefill_form(study, actor.id)

    def save_form(self, actor: Reviewer, study_id: str, body: dict[str, Any]) -> ExtractionForm:
        """Store the actor's form (a draft, or submitted when ``submitted`` is true)."""
        study = self.store.get(study_id)
        require_author(actor, body.get("reviewer", actor.id))
        form = _validated_json(ExtractionForm, {**body, "study_id": study.id, "reviewer": actor.id,
                                                "resolution": None})
        with self.workspace.transaction() as tx:
            tx.put("extraction", form.record_id, form.model_dump(mode="json"), actor=actor.id,
                   action="submit extraction" if form.submitted else "save extraction draft", study_id=study.id)
            self._put_corrections(tx, form, actor.id)
        return form

    def resolve_form(self, actor: Reviewer, study_id: str, body: dict[str, Any]) -> StudyRecord:
        """The consensus form: stored, and its verdicts written into the graph as consensus facts."""
        require_admin(actor, "resolve by consensus")
        study = self.store.get(study_id)
        with self.workspace.transaction() as tx:
            submitted = {form.author for form in self._forms(tx, study.id) if form.submitted and form.reviewer}
            resolution = self._resolution(actor, submitted, f"{study.id} extraction")
            form = _validated_json(ExtractionForm, {**body, "study_id": study.id, "reviewer": None,
                                                    "resolution": resolution.model_dump(), "submitted": True})
            tx.put("extraction", form.record_id, form.model_dump(mode="json"), actor=actor.id,
                   action="consensus extraction", study_id=study.id)
            self._put_corrections(tx, form, actor.id)
            updated = consensus_record(study, form)
            if updated != study:
                update = new_review_update(f"extraction consensus by {actor.id}", study.id)
                update.counts = {"studies": 1}
                self.store.write([updated], update)
        return updated

    def extraction_agreement(self, reviewers: list[str] | None = None) -> list[Agreement]:
        with self.workspace.reading() as tx:
            forms = [ExtractionForm.model_validate(body) for body in tx.all("extraction")]
        return extraction_agreement(forms, reviewers)

    # -- risk of bias ----------------------------------------------------------------------------
    def tool(self, tool_id: str) -> RiskOfBiasTool:
        if tool_id not in self.tools:
            raise NotFound("risk-of-bias tool", tool_id)
        return self.tools[tool_id]

    def assess(self, actor: Reviewer, study_id: str, tool_id: str, body: dict[str, Any]) -> RiskOfBiasAssessment:
        """Store the actor's assessment of a study with one tool."""
        tool = self.tool(tool_id)
        study = self.store.get(study_id)
        require_author(actor, body.get("reviewer", actor.id))
        assessment = _validated_json(RiskOfBiasAssessment, {**body, "study_id": study.id, "tool": tool.id,
                                                            "reviewer": actor.id, "resolution": None})
        _checked(assessment, tool)
        with self.workspace.transaction() as tx:
            tx.put("rob", assessment.record_id, assessment.model_dump(mode="json"), actor=actor.id,
                   action=f"assess {tool.id}", study_id=study.id)
        return assessment

    def resolve_assessment(self, actor: Reviewer, study_id: str, tool_id: str,
                           body: dict[str, Any]) -> RiskOfBiasAssessment:
        """The consensus assessment with one tool, once both reviewers submitted theirs."""
        require_admin(actor, "resolve by consensus")
        tool = self.tool(tool_id)
        study = self.store.get(study_id)
        with self.workspace.transaction() as tx:
            submitted = {a.author for a in self._assessments(tx, study.id) if a.tool == tool.id and a.submitted
                         and a.reviewer}
            resolution = self._resolution(actor, submitted, f"{study.id} {tool.id}")
            assessment = _validated_json(RiskOfBiasAssessment, {
                **body, "study_id": study.id, "tool": tool.id, "reviewer": None,
                "resolution": resolution.model_dump(), "submitted": True})
            _checked(assessment, tool)
            tx.put("rob", assessment.record_id, assessment.model_dump(mode="json"), actor=actor.id,
                   action=f"consensus {tool.id}", study_id=study.id)
        return assessment

    def high_risk_studies(self, tool_id: str) -> dict[str, str]:
        """The studies the review's consensus judges at high risk of bias with one tool, with the reason."""
        tool = self.tool(tool_id)
        with self.workspace.reading() as tx:
            chosen = [a for a in (RiskOfBiasAssessment.model_validate(b) for b in tx.all("rob"))
                      if a.tool == tool.id and a.resolution is not None]
        return high_risk(tool, chosen)

    def risk_of_bias_by_study(self) -> dict[str, str]:
        """Each judged study's consensus judgement per tool, as the characteristics table shows it
        ("rob1: high; quadas2: low"): the overall judgement, or the worst domain for a tool without one."""
        with self.workspace.reading() as tx:
            chosen = [a for a in (RiskOfBiasAssessment.model_validate(b) for b in tx.all("rob"))
                      if a.resolution is not None and a.tool in self.tools]
        judged: dict[str, list[str]] = {}
        for assessment in sorted(chosen, key=lambda a: (a.study_id, a.tool)):
            judged.setdefault(assessment.study_id, []).append(
                f"{assessment.tool}: {worst_level(self.tools[assessment.tool], assessment)}")
        return {study_id: "; ".join(levels) for study_id, levels in judged.items()}

    def rob_summary(self, tool_id: str) -> RobSummary:
        """A tool's consensus judgements over the studies, per study, domain and condition."""
        tool = self.tool(tool_id)
        with self.workspace.reading() as tx:
            chosen = [a for a in (RiskOfBiasAssessment.model_validate(b) for b in tx.all("rob"))
                      if a.tool == tool.id and a.resolution is not None]
        conditions: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        for assessment in chosen:
            study = self.store.find(doi=None, pmid=None, study_id=assessment.study_id)
            if study is not None:
                conditions[study.id] = sorted({c.name for c in study.conditions})
                labels[study.id] = f"{study.first_author or study.id} {study.year or ''}".strip()
        return summarise(tool, chosen, conditions=conditions, labels=labels)

    # -- reading ---------------------------------------------------------------------------------
    def entries(self, viewer: str | None, study_id: str) -> VisibleEntries:
        """What ``viewer`` may see of a study's entries now (blind mode); anonymous readers see what is unblinded."""
        study = self.store.get(study_id)
        with self.workspace.reading() as tx:
            entries = StudyEntries(study_id=study.id, screening=self._decisions(tx, study.id),
                                   consensus=[Consensus.model_validate(b) for b in tx.all("consensus", study.id)],
                                   extraction=self._forms(tx, study.id), rob=self._assessments(tx, study.id))
        return visible_to(viewer or "", entries)

    def corrections(self) -> list[Correction]:
        with self.workspace.reading() as tx:
            return [Correction.model_validate(body) for body in tx.all("correction")]

    def export_corrections(self, fmt: str, path: Path) -> ExportSummary:
        """Every correction as JSON lines, or as a spaCy DocBin over the studies' title and abstract."""
        corrections = self.corrections()
        if fmt == "jsonl":
            return write_jsonl(corrections, path)
        if fmt == "spacy":
            texts: dict[str, str] = {}
            for study_id in {item.study_id for item in corrections}:
                study = self.store.find(doi=None, pmid=None, study_id=study_id)
                if study is not None:
                    texts[study_id] = study.title + "\n" + (study.abstract or "")
            return write_docbin(corrections, texts, path)
        raise InvalidEntry(f"format {fmt!r} is not one of jsonl, spacy", field="format")

    # -- the graph's review fields ---------------------------------------------------------------
    def sync(self) -> SyncSummary:
        """Re-derive every study's screening status and consensus facts from the workspace (idempotent)."""
        written: list[StudyRecord] = []
        checked = 0
        with self.workspace.transaction() as tx:
            consensus_forms = {form.study_id: form for form in
                               (ExtractionForm.model_validate(b) for b in tx.all("extraction"))
                               if form.resolution is not None}
            touched = ({d["study_id"] for d in tx.all("screening")} | {c["study_id"] for c in tx.all("consensus")}
                       | set(consensus_forms))
            for study_id in sorted(touched):
                study = self.store.find(doi=None, pmid=None, study_id=study_id)
                if study is None:
                    continue
                checked += 1
                updated = study.model_copy(update={"screening": self._screening(tx, study)})
                if study_id in consensus_forms:
                    updated = consensus_record(updated, consensus_forms[study_id])
                if updated != study:
                    written.append(updated)
            update = None
            if written:
                update = new_review_update("review sync", f"{len(written)} studies re-derived from the workspace")
                update.counts = {"studies": len(written)}
                self.store.write(written, update)
        return SyncSummary(studies_checked=checked, studies_written=len(written),
                           review_update=update.id if update else None)

    # -- internals -------------------------------------------------------------------------------
    def _resolution(self, actor: Reviewer, submitted: set[str], group: str) -> Resolution:
        if not group_complete(submitted):
            require_admin(actor, "resolve by consensus")
            raise Conflict(f"{group}: consensus needs 2 independent entries; {len(submitted)} submitted "
                           f"({', '.join(sorted(submitted)) or 'none'})")
        resolution = Resolution(resolver=actor.id, reviewers=sorted(submitted))
        require_consensus_ready(actor, resolution, submitted, group)
        return resolution

    def _decisions(self, tx: Transaction, study_id: str) -> list[ScreeningDecision]:
        return [ScreeningDecision.model_validate(body) for body in tx.all("screening", study_id)]

    def _forms(self, tx: Transaction, study_id: str) -> list[ExtractionForm]:
        return [ExtractionForm.model_validate(body) for body in tx.all("extraction", study_id)]

    def _assessments(self, tx: Transaction, study_id: str) -> list[RiskOfBiasAssessment]:
        return [RiskOfBiasAssessment.model_validate(body) for body in tx.all("rob", study_id)]

    def _status(self, tx: Transaction, study: StudyRecord) -> ScreeningStatus:
        consensus = [Consensus.model_validate(body) for body in tx.all("consensus", study.id)]
        suggestion = study.screening.suggestion if study.screening else None
        return screening_status(study.id, self._decisions(tx, study.id), consensus, suggestion)

    def _screening(self, tx: Transaction, study: StudyRecord) -> StudyScreening:
        """The study's screening section with the review's status, decision and reasons."""
        status = self._status(tx, study)
        current = study.screening or StudyScreening(suggestion="unsure")
        reasons: list[str] = []
        decision: Decision | None = None
        decided_by: str | None = None
        if status.status == "excluded":
            stage = next(item for item in status.stages if item.outcome == "exclude")
            decision, decided_by = "exclude", stage.resolved_by
            reasons = list(status.reasons) + self._notes(tx, study.id, stage.stage, stage.resolved_by)
        elif status.status == "included":
            decision, decided_by = "include", status.stages[-1].resolved_by
        return current.model_copy(update={"status": status.status, "review_reasons": list(dict.fromkeys(reasons)),
                                          "decision": decision, "decided_by": decided_by})

    def _notes(self, tx: Transaction, study_id: str, stage: Stage, resolved_by: str | None) -> list[str]:
        if resolved_by == "consensus":
            record = tx.current("consensus", f"{study_id}/{stage}")
            return [record["note"]] if record and record.get("note") else []
        return [d.note for d in self._decisions(tx, study_id) if d.stage == stage and d.note]

    def _write_status(self, tx: Transaction, study_id: str, source: str) -> None:
        study = self.store.get(study_id)
        screening = self._screening(tx, study)
        if screening != study.screening:
            update = new_review_update(source, f"{study_id}: {screening.status}")
            update.counts = {"studies": 1}
            self.store.write([study.model_copy(update={"screening": screening})], update)

    def _put_corrections(self, tx: Transaction, form: ExtractionForm, actor: str) -> None:
        for correction in corrections_from_form(form):
            key = f"{form.study_id}/{form.author}/{correction.section}/{_field_of(form, correction)}"
            tx.put("correction", key, correction.model_dump(mode="json"), actor=actor, action="correction",
                   study_id=form.study_id)


def _field_of(form: ExtractionForm, correction: Correction) -> str:
    for section, field in form.fields():
        if section == correction.section and field.machine is not None and \
                field.machine.model_dump(mode="json", exclude={"provenance"}) == correction.machine_value:
            return field.key
    return "unknown"


def _reasons(entry: ScreeningEntry) -> list[str]:
    if entry.decision == "include":
        return []
    return list(dict.fromkeys([*entry.reasons, *criteria_in(entry.reason)]))


def _field(error: ErrorDetails) -> str:
    """The offending field: the error's location, or (a whole-entry check) the field its message starts with."""
    if error["loc"]:
        return ".".join(str(part) for part in error["loc"])
    named = re.match(r"(?:Value error, )?([a-z_]+): ", error["msg"])
    return named.group(1) if named else "body"


def _validated(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data, strict=False)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidEntry(first["msg"], record=data.get("study_id"), field=_field(first)) from exc


def _validated_json(model: type[M], data: dict[str, Any]) -> M:
    """Validate as JSON input: strict on types (a string is no number) but JSON's own conversions allowed."""
    try:
        return model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidEntry(first["msg"], record=data.get("study_id"), field=_field(first)) from exc


def _checked(assessment: RiskOfBiasAssessment, tool: RiskOfBiasTool) -> None:
    try:
        check_assessment(assessment, tool)
    except InputError as exc:
        raise InvalidEntry(exc.detail, record=assessment.study_id, field=exc.field) from exc


def judged_risk_of_bias(data_dir: Path | None, store: GraphStore) -> dict[str, str]:
    """The consensus risk of bias per study (:meth:`ReviewService.risk_of_bias_by_study`) of a data dir's review;
    empty when it has no review workspace yet, and never creates one (readers must not write)."""
    if data_dir is None or not Workspace.file_in(data_dir).exists():
        return {}
    return ReviewService(Workspace.in_data_dir(data_dir), store).risk_of_bias_by_study()
