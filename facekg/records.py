"""The study record: one included study and every fact the review holds about it.

These pydantic models are the shared language of every layer: readers and the
spaCy pipeline produce them, the graph stores persist them, the API returns them.
Every fact carries :class:`Provenance` so a reviewer can always ask "who said
so, and where?": a curated or consensus fact is never overwritten by extraction.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from facekg.identity import STUDY_ID_PATTERN, upsert_keys

FactSource = Literal["curated", "extracted", "consensus"]
DemographicAttributeName = Literal["sex", "age", "race_ethnicity", "skin_tone", "geography"]
DEMOGRAPHIC_ATTRIBUTES: tuple[DemographicAttributeName, ...] = (
    "sex",
    "age",
    "race_ethnicity",
    "skin_tone",
    "geography",
)
FlagName = Literal["external_validation", "clinician_comparison", "subgroup_performance"]
# Where a result was measured: a held-out split of the development data, cross-validation
# (leave-one-out included) or an external cohort the model never saw in development.
TestSet = Literal["internal-split", "cross-validation", "external"]
TEST_SETS: tuple[TestSet, ...] = ("internal-split", "cross-validation", "external")
# Whether a result's 2x2 counts were printed by the study or rebuilt from its rates and group sizes.
CountsSource = Literal["reported", "derived"]
SOURCE_RANK: dict[str, int] = {"extracted": 0, "curated": 1, "consensus": 2}
FACT_LISTS: tuple[str, ...] = ("conditions", "genes", "architectures", "metrics", "samples", "demographics",
                               "flags")
"""The study's fact lists, in the order every layer walks them."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


def _empty(value: object) -> bool:
    """Fields added for the review are left out of dumps while empty, so earlier files and answers stay identical."""
    return value is None or value == []


class Evidence(_Model):
    """Where an extracted fact was read: the sentence and character offsets.

    Offsets index into ``title + "\\n" + abstract`` (or the PDF text when
    ``field`` says so), so the span can be highlighted for a reviewer.
    """

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: str | None = None
    field: Literal["title_abstract", "full_text"] = "title_abstract"


class Provenance(_Model):
    """Who asserted a fact, from which evidence, in which review update.

    For a consensus fact ``reviewer`` is the resolver and ``reviewers`` the
    independent reviewers whose entries were resolved.
    """

    source: FactSource = "curated"
    reviewer: str | None = None
    reviewers: list[str] | None = Field(default=None, exclude_if=_empty)
    evidence: Evidence | None = None
    extractor_version: str | None = None
    review_update: str | None = None
    source_urls: list[str] = Field(default_factory=list)


class Fact(_Model):
    provenance: Provenance = Field(default_factory=Provenance)

    def identity(self) -> tuple[object, ...]:
        """What makes two facts the same fact, ignoring provenance."""
        raise NotImplementedError

    def claim(self) -> tuple[object, ...]:
        """What the fact asserts, without context: an extracted fact with the claim of a
        curated one says nothing new. Defaults to :meth:`identity`."""
        return self.identity()


class ConditionFact(Fact):
    """A condition the study addresses, as the study names it.

    ``concept_id`` is the ontology concept when the name resolved, else None and
    the condition is kept as *unmapped* rather than dropped.
    """

    name: str
    concept_id: str | None = None

    @property
    def mapped(self) -> bool:
        return self.concept_id is not None

    def identity(self) -> tuple[object, ...]:
        return ("condition", self.concept_id or self.name.casefold())


class GeneFact(Fact):
    symbol: str
    hgnc_id: str | None = None

    def identity(self) -> tuple[object, ...]:
        return ("gene", self.symbol.upper())


class ArchitectureFact(Fact):
    name: str
    concept_id: str | None = None
    is_deep_learning: bool | None = None

    def identity(self) -> tuple[object, ...]:
        return ("architecture", self.concept_id or self.name.casefold())


class Subgroup(_Model):
    """The part of a study's sample a result is reported for, e.g. sex = female.

    ``attribute`` uses the demographic attribute names (``age`` for an age band);
    ``scale`` names the scale a value belongs to where there is one (a skin tone of
    ``V`` on the ``Fitzpatrick`` scale, an age band in ``years``).
    """

    attribute: DemographicAttributeName
    value: str = Field(min_length=1)
    scale: str | None = None

    def key(self) -> tuple[str, str, str]:
        return (self.attribute, self.value.casefold(), (self.scale or "").casefold())


class MetricResult(Fact):
    """One reported performance figure: a metric value for a condition.

    ``value`` is numeric in ``unit`` ("%", "fraction" or another unit such as
    "HR"); ``value_text`` keeps the figure as printed when it is a bound or a
    range (">96", "92.3-100"), in which case ``value`` may be None.
    ``subject`` keeps clinicians' figures apart from the model's.

    What pooling needs, all optional: the 2x2 counts (``tp``/``fn`` for the
    positives, ``fp``/``tn`` for the negatives, each pair complete or absent) and
    whether the study printed them or they were rebuilt (``counts_source``, see
    :mod:`analysis.synthesis.counts`); the group sizes ``positives`` and
    ``negatives`` (``denominator`` stays the total the figure was computed on);
    the ``test_set``; ``top_k`` for ranking metrics (top-10 accuracy has 10); and
    the ``subgroup`` for a figure reported on part of the sample only.
    """

    metric: str
    metric_id: str | None = None
    value: float | None = None
    value_text: str | None = None
    unit: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    denominator: int | None = None
    context: str | None = None
    condition: str | None = None
    subject: Literal["model", "clinicians"] = "model"
    tp: int | None = Field(default=None, ge=0)
    fp: int | None = Field(default=None, ge=0)
    fn: int | None = Field(default=None, ge=0)
    tn: int | None = Field(default=None, ge=0)
    counts_source: CountsSource | None = None
    positives: int | None = Field(default=None, ge=0)
    negatives: int | None = Field(default=None, ge=0)
    test_set: TestSet | None = None
    top_k: int | None = Field(default=None, ge=1)
    subgroup: Subgroup | None = None

    @model_validator(mode="after")
    def _counts_agree(self) -> MetricResult:
        for first, second, total in (("tp", "fn", "positives"), ("fp", "tn", "negatives")):
            a, b, n = getattr(self, first), getattr(self, second), getattr(self, total)
            if (a is None) != (b is None):
                raise ValueError(f"{first} and {second} go together: give both or neither")
            if a is not None and n is not None and a + b != n:
                raise ValueError(f"{first} + {second} = {a + b} but {total} = {n}")
        has_counts = self.tp is not None or self.fp is not None
        if has_counts and self.counts_source is None:
            raise ValueError("counts_source is required with 2x2 counts: 'reported' or 'derived'")
        if self.counts_source is not None and not has_counts:
            raise ValueError("counts_source given without any 2x2 counts")
        return self

    def identity(self) -> tuple[object, ...]:
        return ("metric", self.metric_id or self.metric.casefold(), self.value, self.value_text,
                self.unit, self.subject, (self.context or "").casefold(),
                self.subgroup.key() if self.subgroup else None)

    def claim(self) -> tuple[object, ...]:
        """The figure for the metric and subject, and the group it is for (so 92% in men is not 92% overall)."""
        fraction = self.value / 100 if self.value is not None and self.unit == "%" else self.value
        claim: tuple[object, ...] = ("metric", self.metric_id or self.metric.casefold(),
                                     round(fraction, 6) if fraction is not None else self.value_text, self.subject)
        return claim + ("subgroup", *self.subgroup.key()) if self.subgroup else claim


class SampleFact(Fact):
    """A sample size: a count of participants, patients, controls, images or videos."""

    value: int | None = None
    unit: str = "participants"
    description: str | None = None

    def identity(self) -> tuple[object, ...]:
        return ("sample", self.value, self.unit, (self.description or "").casefold())


class DemographicReport(Fact):
    """Whether the study reports one demographic attribute of its sample.

    ``reported`` is True (reported), False (stated as not reported or not
    collected) or None (not seen); ``subgroup_performance`` is True when
    performance is broken down by this attribute. ``values`` are the countries
    (geography) or ancestry groups (race_ethnicity) the study's evidence names,
    normalised by the places vocabulary (``ontology/places.json``).
    """

    attribute: DemographicAttributeName
    reported: bool | None = None
    subgroup_performance: bool | None = None
    values: list[str] = Field(default_factory=list)

    def identity(self) -> tuple[object, ...]:
        return ("demographic", self.attribute)


class StudyFlag(Fact):
    """A yes/no property of the study design, e.g. external validation."""

    name: FlagName
    value: bool | None = None

    def identity(self) -> tuple[object, ...]:
        return ("flag", self.name)


class ScreeningDecision(_Model):
    """A screening suggestion or a reviewer's decision for one study."""

    suggestion: Literal["include", "exclude", "unsure"]
    reasons: list[dict[str, str]] = Field(default_factory=list)
    decided_by: str | None = None
    decision: Literal["include", "exclude"] | None = None
    # Written from the review workspace (review/screening.py decides it); left out of dumps while unset.
    status: Literal["included", "excluded", "provisionally-included", "provisionally-excluded"] | None = Field(
        default=None, exclude_if=_empty, description="the review's resolved screening status")
    review_reasons: list[str] = Field(default_factory=list, exclude_if=_empty,
                                      description="why the review excluded the study: criteria, then notes")


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_doi(doi: str | None) -> str | None:
    """DOIs are case-insensitive; compare them lower-cased without a resolver prefix."""
    if not doi:
        return None
    cleaned = _DOI_PREFIX.sub("", doi.strip()).strip().rstrip(".").lower()
    return cleaned or None


class StudyRecord(_Model):
    """One study with its bibliographic data and its facts.

    ``id`` is ours (a slug used in URLs; see :mod:`facekg.identity`); a study is
    matched on DOI first, then PMID, then ``id`` when records are upserted.
    """

    id: str = Field(min_length=1, pattern=STUDY_ID_PATTERN)
    title: str = Field(min_length=1)
    abstract: str | None = None
    authors: list[str] = Field(default_factory=list)
    first_author: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    journal: str | None = None
    doi: str | None = None
    pmid: str | None = None
    keywords: list[str] = Field(default_factory=list)
    source_urls: list[str] = Field(default_factory=list)
    notes: str | None = None
    retracted: bool = False
    image_modality: str | None = None
    is_deep_learning: bool | None = None
    sample_description: str | None = None
    conditions: list[ConditionFact] = Field(default_factory=list)
    genes: list[GeneFact] = Field(default_factory=list)
    architectures: list[ArchitectureFact] = Field(default_factory=list)
    metrics: list[MetricResult] = Field(default_factory=list)
    samples: list[SampleFact] = Field(default_factory=list)
    demographics: list[DemographicReport] = Field(default_factory=list)
    flags: list[StudyFlag] = Field(default_factory=list)
    screening: ScreeningDecision | None = None
    review_update: str | None = None
    rejected_claims: list[list[str | int | float | bool | None]] = Field(
        default_factory=list, exclude_if=_empty,
        description="claims of extracted facts that reviewers rejected by consensus; extraction never re-adds them")

    @field_validator("doi")
    @classmethod
    def _normalise_doi(cls, value: str | None) -> str | None:
        return normalise_doi(value)

    @field_validator("pmid")
    @classmethod
    def _normalise_pmid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = str(value).strip()
        if value and not value.isdigit():
            raise ValueError(f"PMID must be digits, got {value!r}")
        return value or None

    def upsert_keys(self) -> list[str]:
        """The keys an upsert matches this study on, strongest first: DOI, PMID, id."""
        return upsert_keys(doi=self.doi, pmid=self.pmid, study_id=self.id)

    @property
    def key(self) -> str:
        """The strongest upsert key: DOI, else PMID, else our id."""
        return self.upsert_keys()[0]

    def flag(self, name: str) -> bool | None:
        for flag in self.flags:
            if flag.name == name:
                return flag.value
        return None

    def demographic(self, attribute: str) -> DemographicReport | None:
        for report in self.demographics:
            if report.attribute == attribute:
                return report
        return None

    def fact_lists(self) -> dict[str, list[Fact]]:
        """The study's facts by kind, in the order of :data:`FACT_LISTS`."""
        return {name: list(getattr(self, name)) for name in FACT_LISTS}


class ReviewUpdate(_Model):
    """One living-review release: an ingest or load with its counts."""

    id: str
    created_at: str
    source: str
    description: str | None = None
    counts: dict[str, int] = Field(default_factory=dict)
