"""Graded evidence gaps: which conditions lack (good) deep-learning evidence, and why.

Each condition of a universe (:mod:`analysis.universe`) is checked against the
named rules below, worst first. A condition's studies are those addressing it or
any descendant in the ontology; retracted studies are left out unless asked for.

=========================  ===================================================================
rule                       fires when
=========================  ===================================================================
no-study                   no study at all (nothing else is checked)
no-deep-learning           studies exist but none uses deep learning (nothing else is checked)
no-diagnostic-accuracy     no deep-learning study reports sensitivity, specificity or AUC
single-study               exactly one deep-learning study
small-sample               deep-learning studies' participants total below ``min_sample``
                           (default 100); see :func:`participants` for a study's count;
                           studies counted only in images or videos add nothing, and the
                           reason says so
no-external-validation     no deep-learning study reports external validation
no-clinician-comparison    no deep-learning study compares with clinicians
stale-evidence             the newest deep-learning study is more than ``stale_years``
                           (default 5) before ``reference_year`` (default: this year);
                           studies without a year are not counted as fresh or stale
=========================  ===================================================================

Rules after ``no-deep-learning`` judge the deep-learning studies only: the review
is about deep-learning evidence. A condition's grade is its worst rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from analysis.evidence import (
    categories_of,
    condition_studies,
    counted_studies,
    is_deep_learning_study,
    studies_by_concept,
    study_links,
)
from analysis.universe import UniverseEntry, UniverseName, universe
from facekg.errors import InvalidQuery, UnknownName
from facekg.participants import participant_total
from facekg.records import StudyRecord
from graph.store import GraphStore

if TYPE_CHECKING:
    from ontology import Ontology

DIAGNOSTIC_METRICS = ("sensitivity", "specificity", "AUC")
UNCATEGORISED = "uncategorised"


def _this_year() -> int:
    return datetime.now(UTC).year


class GapThresholds(BaseModel):
    """The numbers the graded rules compare against."""

    min_sample: int = Field(default=100, ge=1, description="small-sample fires below this many participants")
    stale_years: int = Field(default=5, ge=0, description="stale-evidence fires when the newest study is "
                                                          "more than this many years old")
    reference_year: int = Field(default_factory=_this_year, ge=1900, le=2100,
                                description="the year evidence age is measured from")


def thresholds_from(min_sample: int | None = None, stale_years: int | None = None,
                    reference_year: int | None = None) -> GapThresholds:
    """Thresholds from optional user values (query parameters, CLI options); unset ones keep defaults."""
    given = {"min_sample": min_sample, "stale_years": stale_years, "reference_year": reference_year}
    return GapThresholds(**{name: value for name, value in given.items() if value is not None})


@dataclass(frozen=True)
class RuleContext:
    """What a rule sees: a condition's counted studies, its deep-learning ones, and the thresholds."""

    studies: Sequence[StudyRecord]
    deep_learning: Sequence[StudyRecord]
    thresholds: GapThresholds
    diagnostic_metric: Callable[[str | None, str], bool]


class RuleHit(BaseModel):
    """One rule firing for one condition: why, and the studies behind it."""

    rule: str
    severity: int = Field(description="1 is the worst gap")
    reason: str
    study_ids: list[str] = Field(default_factory=list)
    study_links: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class GapRule:
    name: str
    description: str
    check: Callable[[RuleContext], tuple[str, list[str]] | None]
    stops: bool = False  # when it fires, later rules are moot


def _ids(studies: Sequence[StudyRecord]) -> list[str]:
    return [s.id for s in studies]


def _no_study(ctx: RuleContext) -> tuple[str, list[str]] | None:
    return ("no study addresses this condition", []) if not ctx.studies else None


def _no_deep_learning(ctx: RuleContext) -> tuple[str, list[str]] | None:
    if ctx.deep_learning:
        return None
    n = len(ctx.studies)
    return f"{n} stud{'y' if n == 1 else 'ies'}, none using deep learning", _ids(ctx.studies)


def _no_diagnostic_accuracy(ctx: RuleContext) -> tuple[str, list[str]] | None:
    if any(ctx.diagnostic_metric(m.metric_id, m.metric) for s in ctx.deep_learning for m in s.metrics
           if m.subject == "model"):
        return None
    return ("no deep-learning study reports sensitivity, specificity or AUC", _ids(ctx.deep_learning))


def _single_study(ctx: RuleContext) -> tuple[str, list[str]] | None:
    if len(ctx.deep_learning) != 1:
        return None
    return "a single deep-learning study; no replication", _ids(ctx.deep_learning)


def participants(study: StudyRecord) -> int | None:
    """The study's participant count, or None when no sample is counted in people.

    The rule is :func:`facekg.participants.participant_total` (patients plus controls,
    overlapping counts not added twice, images and videos not people).
    """
    return participant_total((s.value, s.unit) for s in study.samples)


def _small_sample(ctx: RuleContext) -> tuple[str, list[str]] | None:
    counts = [participants(s) for s in ctx.deep_learning]
    total = sum(c for c in counts if c is not None)
    if total >= ctx.thresholds.min_sample:
        return None
    unknown = sum(1 for c in counts if c is None)
    if unknown == len(counts):
        reason = (f"no deep-learning study reports a participant count; cannot show "
                  f"{ctx.thresholds.min_sample} or more participants")
    else:
        reason = f"{total} participants in all deep-learning studies, below {ctx.thresholds.min_sample}"
        if unknown:
            reason += f" ({unknown} of {len(counts)} studies report no participant count)"
    return reason, _ids(ctx.deep_learning)


def _flag_rule(flag: str, wording: str) -> Callable[[RuleContext], tuple[str, list[str]] | None]:
    def check(ctx: RuleContext) -> tuple[str, list[str]] | None:
        if any(s.flag(flag) for s in ctx.deep_learning):
            return None
        stated = sum(1 for s in ctx.deep_learning if s.flag(flag) is False)
        unseen = len(ctx.deep_learning) - stated
        return (f"no deep-learning study reports {wording} ({stated} state none, {unseen} not reported)",
                _ids(ctx.deep_learning))
    return check


def _stale_evidence(ctx: RuleContext) -> tuple[str, list[str]] | None:
    years = [s.year for s in ctx.deep_learning if s.year is not None]
    if not years:
        return None
    newest = max(years)
    age = ctx.thresholds.reference_year - newest
    if age <= ctx.thresholds.stale_years:
        return None
    reference = ctx.thresholds.reference_year
    return (f"newest deep-learning study is from {newest}, {age} years before {reference} "
            f"(more than {ctx.thresholds.stale_years})", _ids(ctx.deep_learning))


RULES: tuple[GapRule, ...] = (
    GapRule("no-study", "no study at all", _no_study, stops=True),
    GapRule("no-deep-learning", "studies, but none using deep learning", _no_deep_learning, stops=True),
    GapRule("no-diagnostic-accuracy", "deep learning, but no sensitivity, specificity or AUC",
            _no_diagnostic_accuracy),
    GapRule("single-study", "only one deep-learning study", _single_study),
    GapRule("small-sample", "deep-learning studies' participants total below min_sample", _small_sample),
    GapRule("no-external-validation", "no deep-learning study reports external validation",
            _flag_rule("external_validation", "external validation")),
    GapRule("no-clinician-comparison", "no deep-learning study compares with clinicians",
            _flag_rule("clinician_comparison", "a comparison with clinicians")),
    GapRule("stale-evidence", "all deep-learning evidence older than stale_years", _stale_evidence),
)
RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in RULES)
SEVERITY: dict[str, int] = {rule.name: i for i, rule in enumerate(RULES, start=1)}


class RuleInfo(BaseModel):
    rule: str
    severity: int
    description: str


class GapItem(BaseModel):
    """One condition with at least one gap: its grade (worst rule) and every rule that fires."""

    id: str
    label: str
    concept_id: str | None = None
    source: str
    xrefs: list[str] = Field(default_factory=list)
    protocol_tables: list[str] = Field(default_factory=list)
    facial_feature_count: int | None = None
    cause_categories: list[str] = Field(default_factory=list)
    grade: str = Field(description="the worst rule that fires")
    severity: int
    rules: list[RuleHit]
    study_ids: list[str] = Field(default_factory=list, description="the counted studies of the condition")
    study_links: list[str] = Field(default_factory=list)


class CauseGapSummary(BaseModel):
    """A cause category's roll-up: how many of its conditions each rule hits, and which."""

    id: str
    label: str
    in_framework: bool
    conditions: int = Field(description="conditions of the universe in this category")
    with_gaps: int
    rule_counts: dict[str, int]
    condition_ids: list[str] = Field(description="the gap items in this category, in report order")


class EvidenceGapReport(BaseModel):
    universe: str
    thresholds: GapThresholds
    include_retracted: bool
    rules: list[RuleInfo]
    conditions_checked: int
    items: list[GapItem]
    by_cause: list[CauseGapSummary]


def rule_infos() -> list[RuleInfo]:
    return [RuleInfo(rule=r.name, severity=SEVERITY[r.name], description=r.description) for r in RULES]


def diagnostic_metric_matcher(ontology: Ontology) -> Callable[[str | None, str], bool]:
    """A predicate: is a metric (id, name) sensitivity, specificity or AUC (or a narrower concept)?"""
    ids: set[str] = set()
    names = {m.casefold() for m in DIAGNOSTIC_METRICS}
    for label in DIAGNOSTIC_METRICS:
        concept = ontology.lookup(label, kind="metric")
        if concept is not None:
            ids |= {concept.id, *ontology.descendants(concept.id)}

    seen: dict[tuple[str | None, str], bool] = {}  # a review names few metrics, each in many studies

    def matches(metric_id: str | None, name: str) -> bool:
        answer = seen.get((metric_id, name))
        if answer is None:
            if metric_id in ids or name.casefold() in names:
                answer = True
            else:
                concept = ontology.lookup(name, kind="metric")
                answer = concept is not None and concept.id in ids
            seen[(metric_id, name)] = answer
        return answer
    return matches


def grade_studies(studies: Sequence[StudyRecord], thresholds: GapThresholds,
                  diagnostic_metric: Callable[[str | None, str], bool]) -> list[RuleHit]:
    """Every rule that fires for this set of studies, worst first."""
    ctx = RuleContext(studies=studies, deep_learning=[s for s in studies if is_deep_learning_study(s)],
                      thresholds=thresholds, diagnostic_metric=diagnostic_metric)
    hits = []
    for rule in RULES:
        found = rule.check(ctx)
        if found is None:
            continue
        reason, ids = found
        hits.append(RuleHit(rule=rule.name, severity=SEVERITY[rule.name], reason=reason, study_ids=ids,
                            study_links=study_links(ids)))
        if rule.stops:
            break
    return hits


def _check_rule(rule: str | None) -> None:
    if rule is not None and rule not in SEVERITY:
        raise InvalidQuery("rule", f"unknown rule {rule!r}; use one of {', '.join(RULE_NAMES)}")


def resolve_cause(ontology: Ontology, cause: str | None) -> str | None:
    """The cause-category id a user names (label, abbreviation or id); UnknownName (404) when unknown."""
    if cause is None:
        return None
    concept = ontology.lookup(cause, kind="cause_category")
    if concept is None:
        raise UnknownName("cause", "cause category", cause, "/v1/causes")
    return concept.id


def evidence_gaps(store: GraphStore, ontology: Ontology, *, universe_name: UniverseName | str = "protocol",
                  thresholds: GapThresholds | None = None, include_retracted: bool = False,
                  cause: str | None = None, rule: str | None = None,
                  cache_dir: Path | str | None = None) -> EvidenceGapReport:
    """Grade every condition of the universe; items with at least one gap, grouped by cause category.

    ``cause`` keeps conditions in that category; ``rule`` keeps conditions where
    that rule fires. Protocol items are ordered worst grade first, facial-phenotype
    items by their number of facial features.
    """
    thresholds = thresholds or GapThresholds()
    _check_rule(rule)
    cause_id = resolve_cause(ontology, cause)
    entries = universe(universe_name, ontology, cache_dir)
    index = studies_by_concept(counted_studies(store, include_retracted=include_retracted))
    matcher = diagnostic_metric_matcher(ontology)
    checked: list[tuple[UniverseEntry, list[str], list[RuleHit]]] = []
    studies_of: dict[str, list[str]] = {}
    for entry in entries:
        categories = categories_of(ontology, entry.concept_id)
        if cause_id is not None and cause_id not in categories:
            continue
        studies = condition_studies(ontology, entry.concept_id, index) if entry.concept_id else []
        studies_of[entry.id] = _ids(studies)
        checked.append((entry, categories, grade_studies(studies, thresholds, matcher)))
    items = [_item(entry, categories, hits, studies_of[entry.id]) for entry, categories, hits in checked
             if hits and (rule is None or any(h.rule == rule for h in hits))]
    if universe_name == "protocol":
        items.sort(key=lambda i: (i.severity, i.label.casefold()))
    return EvidenceGapReport(
        universe=universe_name, thresholds=thresholds, include_retracted=include_retracted,
        rules=rule_infos(), conditions_checked=len(checked), items=items,
        by_cause=_by_cause(ontology, checked, items, cause_id))


def _item(entry: UniverseEntry, categories: list[str], hits: list[RuleHit], study_ids: list[str]) -> GapItem:
    return GapItem(id=entry.id, label=entry.label, concept_id=entry.concept_id, source=entry.source,
                   xrefs=entry.xrefs, protocol_tables=entry.protocol_tables,
                   facial_feature_count=entry.facial_feature_count, cause_categories=categories,
                   grade=hits[0].rule, severity=hits[0].severity, rules=hits, study_ids=study_ids,
                   study_links=study_links(study_ids))


def _by_cause(ontology: Ontology, checked: list[tuple[UniverseEntry, list[str], list[RuleHit]]],
              items: list[GapItem], cause_id: str | None) -> list[CauseGapSummary]:
    groups = [(c.id, c.label, bool(c.in_framework)) for c in ontology.cause_categories()]
    groups.sort(key=lambda g: (not g[2], g[1].casefold()))
    if any(not categories for _, categories, _ in checked):
        groups.append((UNCATEGORISED, "Not in a cause category (unlinked or uncategorised)", False))
    summaries = []
    for group_id, label, in_framework in groups:
        if cause_id is not None and group_id != cause_id:
            continue
        members = [(e, h) for e, cats, h in checked if group_id in cats or (group_id == UNCATEGORISED
                                                                            and not cats)]
        member_ids = {e.id for e, _ in members}
        counts = dict.fromkeys(RULE_NAMES, 0)
        for _, hits in members:
            for hit in hits:
                counts[hit.rule] += 1
        summaries.append(CauseGapSummary(
            id=group_id, label=label, in_framework=in_framework, conditions=len(members),
            with_gaps=sum(1 for _, h in members if h), rule_counts=counts,
            condition_ids=[i.id for i in items if i.id in member_ids]))
    return summaries
