"""Agreement between two independent reviewers: percent agreement, Cohen's kappa with its 95% CI.

Kappa comes from scikit-learn (:func:`sklearn.metrics.cohen_kappa_score`), its
large-sample standard error and 95% confidence interval from statsmodels
(:func:`statsmodels.stats.inter_rater.cohens_kappa`, the Fleiss, Cohen and
Everitt 1969 variance, as SAS PROC FREQ reports it); nothing is hand-rolled.
Kappa is undefined when chance agreement is 1 (both reviewers used one and the
same category for every subject): it is then None with a note, while percent
agreement is still given.

Per stage the subjects are the studies both reviewers decided; per extraction
field they are the fields of both reviewers' forms (matched on their key),
rated by the value each reviewer asserts (``rejected`` when rejected,
``absent`` when one form lacks the field). For yes/no fields (demographics
reported, study flags) that is the usual categorical kappa; for free values
chance agreement is small and kappa approaches percent agreement.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import numpy as np
from pydantic import BaseModel, Field

from facekg.errors import InvalidQuery
from facekg.records import Fact
from review.models import FORM_SECTIONS, ExtractionForm, FormField, ScreeningDecision, Stage

REJECTED = "rejected"
ABSENT = "absent"


class Discrepancy(BaseModel):
    """A subject the two reviewers rated differently."""

    subject: str
    first: str
    second: str


class Agreement(BaseModel):
    """Agreement of two reviewers over the subjects both rated."""

    scope: str = Field(description="the stage, or extraction:<section>")
    reviewers: list[str]
    n: int
    percent_agreement: float | None
    kappa: float | None
    std_error: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    categories: list[str] = Field(default_factory=list)
    table: list[list[int]] = Field(default_factory=list, description="rows: first reviewer, columns: second")
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    note: str | None = None


def agreement(scope: str, reviewers: Sequence[str], ratings: Sequence[tuple[str, str, str]]) -> Agreement:
    """Agreement over ``(subject, first reviewer's rating, second reviewer's rating)`` triples."""
    n = len(ratings)
    if n == 0:
        return Agreement(scope=scope, reviewers=list(reviewers), n=0, percent_agreement=None, kappa=None,
                         note="no subject was rated by both reviewers")
    first = [item[1] for item in ratings]
    second = [item[2] for item in ratings]
    categories = sorted(set(first) | set(second))
    index = {category: position for position, category in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)), dtype=int)
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    discrepancies = [Discrepancy(subject=subject, first=a, second=b) for subject, a, b in ratings if a != b]
    observed = float(np.trace(table)) / n
    margins_a, margins_b = table.sum(axis=1) / n, table.sum(axis=0) / n
    chance = float(np.dot(margins_a, margins_b))
    result = Agreement(scope=scope, reviewers=list(reviewers), n=n, percent_agreement=100 * observed, kappa=None,
                       categories=categories, table=table.tolist(), discrepancies=discrepancies)
    if np.isclose(chance, 1.0):
        result.note = "kappa is undefined: both reviewers gave every subject the same single rating"
        return result
    # Imported here: scikit-learn and statsmodels take seconds to import, which every server worker and
    # CLI command would pay at start-up for a computation few of them make.
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import cohens_kappa

    kappa = float(cohen_kappa_score(first, second, labels=categories))
    with np.errstate(divide="ignore", invalid="ignore"):
        interval = cohens_kappa(table)
    result.kappa = kappa
    result.std_error = _finite(interval.std_kappa)
    result.ci_low = _finite(interval.kappa_low)
    result.ci_high = _finite(interval.kappa_upp)
    return result


def screening_agreement(decisions: Iterable[ScreeningDecision], stage: Stage,
                        reviewers: Sequence[str] | None = None) -> Agreement:
    """Agreement at one stage over the studies both reviewers decided.

    ``reviewers`` names the pair; it may be left out when exactly two reviewers
    decided at this stage.
    """
    at_stage = [decision for decision in decisions if decision.stage == stage]
    pair = _pair(reviewers, {decision.reviewer for decision in at_stage})
    votes: dict[str, dict[str, str]] = {}
    for decision in at_stage:
        if decision.reviewer in pair:
            votes.setdefault(decision.study_id, {})[decision.reviewer] = decision.decision
    ratings = [(study, by[pair[0]], by[pair[1]]) for study, by in sorted(votes.items()) if len(by) == 2]
    return agreement(stage, pair, ratings)


def extraction_agreement(forms: Iterable[ExtractionForm], reviewers: Sequence[str] | None = None) -> list[Agreement]:
    """Agreement per form section over the studies both reviewers extracted (submitted forms only)."""
    submitted = [form for form in forms if form.submitted and form.reviewer is not None]
    pair = _pair(reviewers, {form.reviewer for form in submitted if form.reviewer})
    by_study: dict[str, dict[str, ExtractionForm]] = {}
    for form in submitted:
        if form.reviewer in pair:
            by_study.setdefault(form.study_id, {})[form.reviewer or ""] = form
    results: list[Agreement] = []
    for section in FORM_SECTIONS:
        ratings: list[tuple[str, str, str]] = []
        for study, by in sorted(by_study.items()):
            if len(by) < 2:
                continue
            first = {field.key: field for field in getattr(by[pair[0]], section)}
            second = {field.key: field for field in getattr(by[pair[1]], section)}
            for key in sorted(first.keys() | second.keys()):
                ratings.append((f"{study}/{key}", rating(first.get(key)), rating(second.get(key))))
        results.append(agreement(f"extraction:{section}", pair, ratings))
    return results


def rating(field: FormField[Fact] | None) -> str:
    """A field's rating for agreement: the asserted value without provenance, or rejected / absent."""
    if field is None:
        return ABSENT
    if field.value is None:
        return REJECTED if field.verdict == "rejected" else "pending"
    return json.dumps(field.value.model_dump(mode="json", exclude={"provenance"}), sort_keys=True)


def _pair(reviewers: Sequence[str] | None, seen: set[str]) -> list[str]:
    if reviewers is not None:
        if len(reviewers) != 2 or reviewers[0] == reviewers[1]:
            raise InvalidQuery("reviewers", "name two different reviewers")
        return list(reviewers)
    if len(seen) > 2:
        raise InvalidQuery("reviewers", f"{len(seen)} reviewers took part; name the two to compare: "
                           + ", ".join(sorted(seen)))
    if len(seen) < 2:
        return sorted(seen) + ["(none)"] * (2 - len(seen))
    return sorted(seen)


def _finite(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return number if np.isfinite(number) else None
