"""Screening prioritisation: which record a reviewer should screen next, and when to stop.

As ASReview does it: TF-IDF features of title and abstract, a classifier
trained on the decisions so far (naive Bayes by default, or logistic
regression), records ranked by the predicted chance of being relevant. Until
both an include and an exclude are known, the order comes from the protocol
rules (:func:`ingest.screening.screen`): suggested includes first, then unsure,
then suggested excludes. The rules also break ties in the model's ranking.

Stopping signal (:class:`StoppingRule`): stop after ``n`` irrelevant records in
a row. It is a heuristic, not a guarantee: it can stop early when relevant
records are rare or look unlike the ones found so far, so its recall is
reported in every simulation (``scripts/simulate_screening.py``).

Simulation measures: the recall curve, and the work saved over sampling at
95% recall (WSS@95 = (N - n95) / N - 0.05, n95 being the records screened to
find 95% of the relevant ones; Cohen et al., J Am Med Inform Assoc
2006;13:206-219).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from ingest.screening import Suggestion, screen

Classifier = Literal["naive-bayes", "logistic"]
ColdStart = Literal["rules", "random"]
_RULE_ORDER: dict[Suggestion, int] = {"include": 0, "unsure": 1, "exclude": 2}


@dataclass(frozen=True)
class PoolRecord:
    """One record to screen: its id, title and abstract, and the rules' suggestion."""

    id: str
    title: str
    abstract: str
    suggestion: Suggestion

    @classmethod
    def of(cls, record_id: str, title: str, abstract: str) -> PoolRecord:
        """A pool record with the protocol rules' suggestion computed."""
        return cls(record_id, title, abstract, screen({"title": title, "abstract": abstract}).suggestion)


class ScreeningRanker:
    """Ranks a fixed pool of records by relevance, retrained on the labels it is given."""

    def __init__(self, records: Sequence[PoolRecord], classifier: Classifier = "naive-bayes",
                 cold_start: ColdStart = "rules", seed: int = 0) -> None:
        """``cold_start="random"`` drops the rules (a shuffled order until both classes are known), to measure
        what the model adds on its own."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.records = list(records)
        self.classifier = classifier
        self._index = {record.id: i for i, record in enumerate(self.records)}
        if len(self._index) != len(self.records):
            raise ValueError("record ids repeat in the screening pool; de-duplicate it first")
        texts = [f"{record.title}\n{record.abstract}" for record in self.records]
        self._features = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts)
        if cold_start == "rules":
            self._rules = np.array([_RULE_ORDER[record.suggestion] for record in self.records])
        else:
            self._rules = np.random.default_rng(seed).permutation(len(self.records))

    def rank(self, labels: Mapping[str, bool]) -> list[str]:
        """Ids of the unlabelled records, most likely relevant first (``labels``: id -> relevant)."""
        unlabelled = [i for i, record in enumerate(self.records) if record.id not in labels]
        if not unlabelled:
            return []
        known = [(self._index[record_id], relevant) for record_id, relevant in labels.items()]
        if {relevant for _i, relevant in known} != {True, False}:
            order = sorted(unlabelled, key=lambda i: (self._rules[i], i))
        else:
            scores = self._scores([i for i, _r in known], [r for _i, r in known], unlabelled)
            order = [unlabelled[j] for j in sorted(range(len(unlabelled)),
                                                   key=lambda j: (-scores[j], self._rules[unlabelled[j]], j))]
        return [self.records[i].id for i in order]

    def _scores(self, train: list[int], targets: list[bool], candidates: list[int]) -> np.ndarray:
        from sklearn.linear_model import LogisticRegression
        from sklearn.naive_bayes import MultinomialNB

        y = np.array(targets, dtype=int)
        # Balance the classes: relevant records are rare, and a model fitted as-is would rank by prevalence.
        weights = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
        x = self._features[train]
        if self.classifier == "logistic":
            model = LogisticRegression(C=10.0, solver="liblinear")
            model.fit(x, y, sample_weight=weights)
        else:
            model = MultinomialNB(alpha=0.1)
            model.fit(x, y, sample_weight=weights)
        return np.asarray(model.predict_proba(self._features[candidates])[:, 1])


class StoppingRule(BaseModel):
    """Stop screening after ``consecutive_irrelevant`` irrelevant records in a row."""

    consecutive_irrelevant: int = Field(default=50, ge=1)

    def should_stop(self, screened: Sequence[bool]) -> bool:
        """``screened``: the relevance of each record screened so far, in order."""
        run = 0
        for relevant in reversed(screened):
            if relevant:
                break
            run += 1
        return run >= self.consecutive_irrelevant


def simulate(ranker: ScreeningRanker | None, records: Sequence[PoolRecord], relevant: set[str], *,
             batch: int = 1, seed: int = 0) -> list[bool]:
    """Screen the whole pool in the order chosen (``ranker=None``: random order); the relevance of each pick.

    The ranker is retrained after every ``batch`` records, as a reviewer's
    decisions would arrive.
    """
    if ranker is None:
        order = [record.id for record in records]
        random.Random(seed).shuffle(order)
        return [record_id in relevant for record_id in order]
    labels: dict[str, bool] = {}
    screened: list[bool] = []
    while batch_ids := ranker.rank(labels)[:batch]:
        for record_id in batch_ids:
            labels[record_id] = record_id in relevant
            screened.append(labels[record_id])
    return screened


def recall_curve(screened: Sequence[bool]) -> list[float]:
    """Share of the relevant records found after each screened record."""
    total = sum(screened)
    found = np.cumsum(np.array(screened, dtype=int))
    return (found / total).tolist() if total else [0.0] * len(screened)


def screened_to_recall(screened: Sequence[bool], recall: float = 0.95) -> int:
    """How many records were screened to find ``recall`` of the relevant ones (rounded up)."""
    needed = math.ceil(recall * sum(screened))
    found = 0
    for position, relevant in enumerate(screened, start=1):
        found += relevant
        if found >= needed:
            return position
    return len(screened)


def wss(screened: Sequence[bool], recall: float = 0.95) -> float:
    """Work saved over sampling at ``recall``: (N - n_recall) / N - (1 - recall)."""
    total = len(screened)
    return (total - screened_to_recall(screened, recall)) / total - (1 - recall)


def at_stop(screened: Sequence[bool], rule: StoppingRule) -> tuple[int, float]:
    """(records screened, recall reached) when ``rule`` first says stop (or at the end)."""
    total = sum(screened) or 1
    for position in range(1, len(screened) + 1):
        if rule.should_stop(screened[:position]):
            return position, sum(screened[:position]) / total
    return len(screened), sum(screened) / total
