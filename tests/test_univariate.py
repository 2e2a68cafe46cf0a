"""Univariate random-effects pooling against a published worked example and against sums done here by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis.synthesis.univariate import logit_data, pool_effects, pool_proportions
from tests.meta_by_hand import by_hand, dersimonian_laird_by_hand, paule_mandel_by_hand, reml_by_hand
from tests.synthesis_data import BCG, METAFOR_BCG_DL


def bcg_log_risk_ratios() -> tuple[np.ndarray, np.ndarray]:
    a, b, c, d = (np.array(column, dtype=float) for column in zip(*BCG, strict=True))
    return np.log((a / (a + b)) / (c / (c + d))), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)


def test_univariate_dersimonian_laird_reproduces_metafor_on_bcg() -> None:
    y, v = bcg_log_risk_ratios()
    fit = pool_effects(y, v, method="dl")
    assert fit.estimate == pytest.approx(METAFOR_BCG_DL["estimate"], abs=5e-5)
    assert fit.ci_low == pytest.approx(METAFOR_BCG_DL["ci_low"], abs=5e-5)
    assert fit.ci_high == pytest.approx(METAFOR_BCG_DL["ci_high"], abs=5e-5)
    assert fit.tau2 == pytest.approx(METAFOR_BCG_DL["tau2"], abs=5e-5)
    assert 100 * fit.i2 == pytest.approx(METAFOR_BCG_DL["i2"], abs=5e-4)
    assert fit.q == pytest.approx(METAFOR_BCG_DL["q"], abs=5e-4)
    assert fit.q_df == 12


@pytest.mark.parametrize(("method", "tau2_by_hand"), [
    pytest.param("dl", dersimonian_laird_by_hand, id="dersimonian-laird"),
    pytest.param("pm", paule_mandel_by_hand, id="paule-mandel"),
    pytest.param("reml", reml_by_hand, id="reml"),
])
def test_univariate_tau2_estimators_agree_with_independent_computation(method: str, tau2_by_hand) -> None:
    y, v = bcg_log_risk_ratios()
    fit = pool_effects(y, v, method=method)  # type: ignore[arg-type]
    expected_tau2 = tau2_by_hand(y, v)
    mu, se = by_hand(y, v, expected_tau2)
    assert fit.tau2 == pytest.approx(expected_tau2, rel=1e-5)
    assert fit.estimate == pytest.approx(mu, abs=1e-6)
    assert fit.se == pytest.approx(se, rel=1e-5)
    assert sum(fit.weights) == pytest.approx(1.0)


def test_univariate_heterogeneity_and_prediction_interval_follow_their_formulas() -> None:
    y, v = bcg_log_risk_ratios()
    fit = pool_effects(y, v, method="reml")
    w = 1 / v
    q = float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2))
    half = stats.t.isf(0.025, len(y) - 2) * math.sqrt(fit.tau2 + fit.se ** 2)
    assert fit.q == pytest.approx(q)
    assert fit.i2 == pytest.approx((q - 12) / q)
    assert fit.q_p == pytest.approx(stats.chi2.sf(q, 12))
    assert fit.prediction_low == pytest.approx(fit.estimate - half)
    assert fit.prediction_high == pytest.approx(fit.estimate + half)


def test_univariate_hartung_knapp_rescales_the_variance_and_uses_t() -> None:
    y, v = bcg_log_risk_ratios()
    plain = pool_effects(y, v, method="reml")
    adjusted = pool_effects(y, v, method="reml", hartung_knapp=True)
    w = 1 / (v + plain.tau2)
    variance = np.sum(w * (y - plain.estimate) ** 2) / (len(y) - 1) / np.sum(w)
    half = stats.t.isf(0.025, len(y) - 1) * math.sqrt(variance)
    assert adjusted.estimate == pytest.approx(plain.estimate)
    assert adjusted.ci_low == pytest.approx(plain.estimate - half)
    assert adjusted.ci_high == pytest.approx(plain.estimate + half)


def test_univariate_homogeneous_effects_give_zero_tau2_and_the_fixed_estimate() -> None:
    y, v = np.array([0.50, 0.52, 0.49, 0.51]), np.array([0.04, 0.05, 0.03, 0.06])
    for method in ("dl", "pm", "reml"):
        fit = pool_effects(y, v, method=method)  # type: ignore[arg-type]
        assert fit.tau2 == 0.0
        assert fit.i2 == 0.0
        assert fit.estimate == pytest.approx(fit.fixed_estimate)


def test_univariate_two_studies_pool_but_have_no_prediction_interval() -> None:
    fit = pool_effects([0.1, 0.9], [0.02, 0.03])
    assert fit.k == 2
    assert fit.prediction_low is None and fit.prediction_high is None


def test_univariate_refuses_fewer_than_two_effects_or_non_positive_variances() -> None:
    with pytest.raises(ValueError, match="at least two"):
        pool_effects([0.3], [0.1])
    with pytest.raises(ValueError, match="positive"):
        pool_effects([0.3, 0.4], [0.1, 0.0])


def test_univariate_proportions_pool_on_the_logit_scale_and_back_transform() -> None:
    events, totals = [124, 515, 301], [129, 572, 302]
    pooled = pool_proportions(events, totals, method="dl")
    y = np.log(np.array(events) / (np.array(totals) - np.array(events)))
    v = 1 / np.array(events) + 1 / (np.array(totals) - np.array(events))
    mu, _ = by_hand(y, v, dersimonian_laird_by_hand(y, v))
    assert pooled.logit.estimate == pytest.approx(mu)
    assert pooled.estimate == pytest.approx(1 / (1 + math.exp(-mu)))
    assert pooled.ci_low < pooled.estimate < pooled.ci_high


def test_univariate_logits_add_half_to_a_study_with_zero_or_all_events() -> None:
    data = logit_data([0, 10, 5], [10, 10, 10])
    assert data.corrected == [True, True, False]
    assert data.logits[0] == pytest.approx(math.log(0.5 / 10.5))
    assert data.variances[1] == pytest.approx(1 / 10.5 + 1 / 0.5)
    assert data.logits[2] == 0.0
