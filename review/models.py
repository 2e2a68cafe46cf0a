"""What reviewers write: the typed, strict models of the review's human side.

Every model here is a body phase 2 stores as a versioned *review record*
(``graph/schema.py`` whitelists the kinds): a later version with the same
``record_id`` supersedes the earlier one and nothing is deleted. Models are
strict (no silent coercion) and forbid unknown fields, so a wrong field is a
validation error that names it.

The protocol's screening reasons are :data:`ingest.screening.CRITERIA`, written
once there: the four exclusion criteria and the three inclusion criteria that
can go unmet. Extraction forms hold the study's own fact models
(:mod:`facekg.records`), so a form field and a graph fact never disagree on
shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from facekg.records import (
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    Evidence,
    Fact,
    MetricResult,
    SampleFact,
    StudyFlag,
    Subgroup,
)
from ingest.screening import Criterion

Stage = Literal["title-abstract", "full-text"]
STAGES: tuple[Stage, ...] = ("title-abstract", "full-text")
Decision = Literal["include", "exclude"]
Role = Literal["reviewer", "admin"]
Verdict = Literal["accepted", "edited", "rejected"]
FieldState = Literal["pending", "accepted", "edited", "rejected"]
# The two independent reviewers the protocol asks for, per stage, form and tool.
REQUIRED_REVIEWERS = 2

ReviewerId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
StudyId = Annotated[str, Field(min_length=1)]


class ReviewModel(BaseModel):
    """Strict and closed: unknown fields and coercions are errors that name the field."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Reviewer(ReviewModel):
    """A person who screens, extracts and judges; only the key's hash is kept.

    ``key_id`` is the public half of the API key (it finds the reviewer without
    trying every hash); revoking writes a new version with ``revoked: true``.
    """

    id: ReviewerId
    name: str = Field(min_length=1)
    role: Role = "reviewer"
    key_id: str = Field(min_length=1)
    key_hash: str = Field(min_length=1)
    revoked: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class _Judged(ReviewModel):
    """A screening decision with the protocol criteria behind an exclusion."""

    study_id: StudyId
    stage: Stage
    decision: Decision
    reasons: list[Criterion] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _reasons_fit_decision(self) -> _Judged:
        if self.decision == "exclude" and not self.reasons and not (self.note or "").strip():
            raise ValueError("reasons: an exclusion needs at least one reason, a criterion from the protocol or a note")
        if self.decision == "include" and self.reasons:
            raise ValueError("reasons: an inclusion takes no exclusion reasons")
        if len(set(self.reasons)) != len(self.reasons):
            raise ValueError("reasons: they repeat a criterion")
        return self


class ScreeningDecision(_Judged):
    """One reviewer's include/exclude for one study at one stage.

    Not to be confused with :class:`facekg.records.ScreeningDecision`, the
    study's own screening section (the machine suggestion).
    """

    reviewer: ReviewerId

    @property
    def record_id(self) -> str:
        return screening_record_id(self.study_id, self.stage, self.reviewer)


class Resolution(ReviewModel):
    """Who resolved by consensus, and whose independent entries were resolved.

    The entries are named by their reviewers: with the study and the stage,
    form or tool of the record holding the resolution, that is their record id.
    """

    resolver: ReviewerId
    reviewers: list[ReviewerId] = Field(min_length=REQUIRED_REVIEWERS)
    note: str | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Resolution:
        if len(set(self.reviewers)) != len(self.reviewers):
            raise ValueError("a consensus resolves the entries of distinct reviewers")
        return self


class Consensus(_Judged):
    """The screening decision two reviewers (and the resolver) agreed on."""

    resolution: Resolution

    @property
    def record_id(self) -> str:
        return f"{self.study_id}/{self.stage}"


FactT = TypeVar("FactT", bound=Fact)


class FormField(ReviewModel, Generic[FactT]):
    """One field of an extraction form: the machine's proposal and the reviewer's verdict.

    ``key`` is the same in every reviewer's form of the study (it is set when
    the form is pre-filled), so two forms can be compared field by field.
    ``value`` is what the reviewer asserts: the machine's fact when accepted,
    the new fact when edited (a field the machine missed is ``edited`` with no
    ``machine``), nothing when rejected.
    """

    key: str = Field(min_length=1)
    machine: FactT | None = None
    verdict: FieldState = "pending"
    value: FactT | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _value_fits_verdict(self) -> FormField[FactT]:
        if self.verdict == "accepted":
            if self.machine is None:
                raise ValueError("only a machine proposal can be accepted; a new value is 'edited'")
            if self.value is None:
                self.value = self.machine.model_copy(deep=True)
        elif self.verdict == "edited" and self.value is None:
            raise ValueError("an edited field needs its value")
        elif self.verdict == "rejected" and (self.machine is None or self.value is not None):
            raise ValueError("a rejected field has a machine proposal and no value")
        elif self.verdict == "pending" and self.value is not None:
            raise ValueError("a pending field has no value yet")
        return self


class SubgroupResult(MetricResult):
    """A subgroup row of the extraction form: a metric's figure for one group of the sample.

    The row's columns are the subgroup's ``attribute`` (sex, age band, race_ethnicity,
    skin_tone, geography) and group (``subgroup.value``, with its ``scale`` such as
    Fitzpatrick), the ``metric``, its ``value`` and ``unit``, the group size ``n``
    (``denominator``) and the interval (``ci_low``/``ci_high``). It is stored as the
    study's :class:`MetricResult` with that subgroup.
    """

    subgroup: Subgroup  # required here: a subgroup row names its group

    @model_validator(mode="after")
    def _has_figure(self) -> SubgroupResult:
        if self.value is None and not self.value_text:
            raise ValueError("value: a subgroup row needs its figure (value, or value_text for a bound)")
        return self

    def as_metric(self) -> MetricResult:
        """The row as the study's fact."""
        return MetricResult.model_validate(self.model_dump())


FORM_SECTIONS: tuple[str, ...] = ("conditions", "samples", "demographics", "architectures", "metrics", "subgroups",
                                  "flags")
# The study fact list each form section reads and writes; a section not named here has its own list.
SECTION_LISTS: dict[str, str] = {"subgroups": "metrics"}


class _Authored(ReviewModel):
    """An entry by one reviewer, or by consensus (a resolution): exactly one of the two; drafts until submitted."""

    study_id: StudyId
    reviewer: ReviewerId | None = None
    resolution: Resolution | None = None
    submitted: bool = False

    @model_validator(mode="after")
    def _one_author(self) -> _Authored:
        if (self.reviewer is None) == (self.resolution is None):
            raise ValueError("an entry is by one reviewer or by consensus (a resolution), exactly one of the two")
        return self

    @property
    def author(self) -> str:
        """The reviewer, or ``consensus`` for a resolved entry."""
        return self.reviewer or "consensus"


class ExtractionForm(_Authored):
    """A reviewer's (or the consensus) extraction of one study, field by field.

    Sections carry the :class:`facekg.records.StudyRecord` fact lists' names and
    cover the protocol's fields: disease context (``conditions``), sample
    characteristics (``samples`` with counts, ``demographics`` reported),
    algorithm (``architectures``), findings (``metrics``, with their 2x2 table
    where the study gives one; ``subgroups`` for the figures of one group of the
    sample) and study flags (``flags``). A form is by one
    ``reviewer``, or by consensus (``resolution``), never both. A submitted form
    has no pending field.
    """

    extractor_version: str | None = None
    conditions: list[FormField[ConditionFact]] = Field(default_factory=list)
    samples: list[FormField[SampleFact]] = Field(default_factory=list)
    demographics: list[FormField[DemographicReport]] = Field(default_factory=list)
    architectures: list[FormField[ArchitectureFact]] = Field(default_factory=list)
    metrics: list[FormField[MetricResult]] = Field(default_factory=list)
    subgroups: list[FormField[SubgroupResult]] = Field(default_factory=list, description=(
        "results per subgroup (sex, age band, ancestry/ethnicity, skin tone): attribute, group, metric, value, "
        "n, CI"))
    flags: list[FormField[StudyFlag]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> ExtractionForm:
        for section in FORM_SECTIONS:
            keys = [field.key for field in getattr(self, section)]
            if len(set(keys)) != len(keys):
                raise ValueError(f"{section}: field keys repeat")
        if self.submitted:
            pending = [f"{section}[{field.key}]" for section, field in self.fields() if field.verdict == "pending"]
            if pending:
                raise ValueError(f"a submitted form has no pending field; pending: {', '.join(pending)}")
        return self

    @property
    def record_id(self) -> str:
        return f"{self.study_id}/{self.author}"

    def fields(self) -> Iterator[tuple[str, FormField[Fact]]]:
        """Every field with its section, in section order."""
        for section in FORM_SECTIONS:
            for field in getattr(self, section):
                yield section, field


class DomainJudgement(ReviewModel):
    """A judgement of one domain of a risk-of-bias tool, with the text that supports it.

    ``judgement`` and ``answers`` (signalling question id -> answer) must be
    values the tool allows; :func:`review.rob.check_assessment` checks them.
    """

    domain: str = Field(min_length=1)
    judgement: str = Field(min_length=1)
    support: str | None = None
    answers: dict[str, str] = Field(default_factory=dict)
    applicability: str | None = None
    applicability_support: str | None = None


class RiskOfBiasAssessment(_Authored):
    """One reviewer's (or the consensus) assessment of a study with one tool."""

    tool: str = Field(min_length=1)
    domains: list[DomainJudgement] = Field(default_factory=list)
    overall: str | None = None
    overall_applicability: str | None = None

    @model_validator(mode="after")
    def _domain_once(self) -> RiskOfBiasAssessment:
        names = [judgement.domain for judgement in self.domains]
        if len(set(names)) != len(names):
            raise ValueError("a domain is judged more than once")
        return self

    @property
    def record_id(self) -> str:
        return f"{self.study_id}/{self.tool}/{self.author}"

    def judgement(self, domain: str) -> DomainJudgement | None:
        return next((item for item in self.domains if item.domain == domain), None)


class Correction(ReviewModel):
    """A reviewer's verdict on one extracted fact: a labelled example for the extractor.

    ``span`` is the machine's evidence (text and offsets into title + "\\n" +
    abstract); ``label`` is the kind of entity it was extracted as; ``value`` is
    the edited fact (without provenance) when the verdict is ``edited``.
    """

    study_id: StudyId
    reviewer: str = Field(min_length=1)
    section: str = Field(min_length=1)
    label: str = Field(min_length=1)
    span: Evidence | None = None
    verdict: Verdict
    machine_value: dict[str, object]
    value: dict[str, object] | None = None
    extractor_version: str | None = None

    @model_validator(mode="after")
    def _value_only_when_edited(self) -> Correction:
        if (self.verdict == "edited") != (self.value is not None):
            raise ValueError("an edited correction carries its value; accepted and rejected ones do not")
        return self


def screening_record_id(study_id: str, stage: Stage, reviewer: str) -> str:
    """The record id of a reviewer's screening decision (one per study, stage and reviewer)."""
    return f"{study_id}/{stage}/{reviewer}"

