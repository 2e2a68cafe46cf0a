"""Screening prioritisation: rules first, then a model trained on decisions; WSS and the stopping signal."""

from __future__ import annotations

import pytest

from review.prioritise import (
    PoolRecord,
    ScreeningRanker,
    StoppingRule,
    at_stop,
    recall_curve,
    screened_to_recall,
    simulate,
    wss,
)

RELEVANT_TEXTS = [
    ("Deep learning identifies Noonan syndrome from facial photographs",
     "A convolutional neural network trained on facial photographs of 300 patients detected Noonan syndrome "
     "with an accuracy of 89%, compared with clinicians."),
    ("Facial gestalt analysis with a CNN for Cornelia de Lange syndrome",
     "We trained a deep convolutional network on 2D facial images of children with Cornelia de Lange syndrome; "
     "sensitivity was 87% and specificity 91%."),
    ("Automated pain assessment from facial expressions using deep neural networks",
     "A deep neural network scored facial expressions of pain in 120 patients after surgery with an AUC of 0.88."),
]
IRRELEVANT_TEXTS = [
    ("Renal tubular enzyme kinetics in rats", "Enzyme activity was measured in kidney tissue of 40 rats."),
    ("A mouse model of hepatic fibrosis", "Mice received carbon tetrachloride and liver collagen was quantified."),
    ("Serum lipid profiles in a cohort of farmers", "Cholesterol levels were higher in older farmers, p < 0.05."),
]


def _pool() -> tuple[list[PoolRecord], set[str]]:
    relevant = [PoolRecord.of(f"r{i}", title, abstract) for i, (title, abstract) in enumerate(RELEVANT_TEXTS)]
    irrelevant = [PoolRecord.of(f"x{i}", title, abstract) for i, (title, abstract) in enumerate(IRRELEVANT_TEXTS)]
    pool = [irrelevant[0], relevant[0], irrelevant[1], relevant[1], irrelevant[2], relevant[2]]
    return pool, {record.id for record in relevant}


def test_prioritise_cold_start_orders_by_the_protocol_rules() -> None:
    pool, relevant = _pool()
    order = ScreeningRanker(pool).rank({})
    suggestions = {record.id: record.suggestion for record in pool}
    ranks = [{"include": 0, "unsure": 1, "exclude": 2}[suggestions[record_id]] for record_id in order]
    assert ranks == sorted(ranks)
    assert set(order[:3]) == relevant


def test_prioritise_model_ranks_what_resembles_the_included_records_first() -> None:
    pool, relevant = _pool()
    # Random cold start: the rules play no part, so the order comes from the two decisions alone.
    ranker = ScreeningRanker(pool, cold_start="random", seed=3)
    order = ranker.rank({"r0": True, "x0": False})
    assert set(order[:2]) == relevant - {"r0"}
    assert ScreeningRanker(pool, "logistic").rank({"r0": True, "x0": False})[:2] == order[:2]


def test_prioritise_refuses_a_pool_with_repeated_ids() -> None:
    pool, _relevant = _pool()
    with pytest.raises(ValueError, match="repeat"):
        ScreeningRanker(pool + pool[:1])


def test_prioritise_simulation_screens_every_record_once() -> None:
    pool, relevant = _pool()
    screened = simulate(ScreeningRanker(pool), pool, relevant, batch=2)
    assert len(screened) == len(pool) and sum(screened) == len(relevant)
    assert sorted(simulate(None, pool, relevant, seed=1)) == sorted(screened)


def test_prioritise_wss_at_95_of_a_perfect_and_of_a_worst_order() -> None:
    perfect = [True] * 10 + [False] * 90
    assert screened_to_recall(perfect) == 10
    assert wss(perfect) == pytest.approx((100 - 10) / 100 - 0.05)
    worst = [False] * 90 + [True] * 10
    assert wss(worst) == pytest.approx(-0.05)
    assert recall_curve(perfect)[9] == 1.0 and recall_curve(worst)[89] == 0.0


def test_prioritise_stopping_rule_stops_after_n_irrelevant_in_a_row_and_reports_recall() -> None:
    rule = StoppingRule(consecutive_irrelevant=3)
    assert not rule.should_stop([True, False, False])
    assert rule.should_stop([True, False, False, False])
    order = [True, True, False, False, True, False, False, False, True]
    assert at_stop(order, rule) == (8, 0.75)
