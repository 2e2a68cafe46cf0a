"""Univariate random-effects pooling: one effect per study, inverse-variance weights.

:func:`pool_effects` pools any effects with known sampling variances (log risk
ratios, logits); :func:`pool_proportions` pools sensitivities, specificities or
accuracies on the logit scale and back-transforms.

Between-study variance tau^2:
- ``dl``: DerSimonian-Laird, from statsmodels (``combine_effects(method_re="dl")``),
  truncated at 0 as usual (statsmodels leaves a negative moment estimate as is);
- ``pm``: Paule-Mandel (statsmodels' ``"iterated"``), the tau^2 at which the generalised Q equals k - 1;
- ``reml``: restricted maximum likelihood. statsmodels.stats.meta_analysis has no
  REML, so it is maximised here with scipy over tau^2 >= 0.

Heterogeneity is reported as Cochran's Q (with df and p), I^2 = max(0, (Q - df) / Q)
(Higgins & Thompson 2002), tau^2, and the 95 % prediction interval for a new study,
mu +- t_{k-2} sqrt(tau^2 + SE^2) (Higgins, Thompson & Spiegelhalter 2009), which
needs at least three studies. ``hartung_knapp=True`` gives the Hartung-Knapp(-Sidik-
Jonkman) interval: the variance of the mean rescaled by the weighted residual
spread and a t distribution with k - 1 df (statsmodels' ``var_hksj_re``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field
from scipy import optimize, special, stats
from statsmodels.stats.meta_analysis import combine_effects

TauMethod = Literal["dl", "pm", "reml"]
TAU_METHODS: dict[str, str] = {"dl": "DerSimonian-Laird", "pm": "Paule-Mandel", "reml": "REML"}
CONTINUITY = 0.5


class PooledEffect(BaseModel):
    """A random-effects pooled estimate on the analysis scale, with its heterogeneity."""

    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    q: float
    q_df: int
    q_p: float
    i2: float = Field(description="share of variability due to heterogeneity, 0-1")
    prediction_low: float | None = None
    prediction_high: float | None = None
    weights: list[float] = Field(description="relative random-effects weights, summing to 1")
    method: str
    hartung_knapp: bool = False
    fixed_estimate: float


def _reml_tau2(effects: np.ndarray, variances: np.ndarray) -> float:
    """tau^2 >= 0 maximising the restricted likelihood of the random-effects model."""

    def negative_restricted_loglik(tau2: float) -> float:
        w = 1 / (variances + tau2)
        mu = float(np.sum(w * effects) / np.sum(w))
        return 0.5 * float(np.sum(np.log(variances + tau2)) + np.log(np.sum(w)) + np.sum(w * (effects - mu) ** 2))

    spread = float(np.var(effects, ddof=1)) if len(effects) > 1 else 0.0
    upper = max(10 * spread, 10 * float(np.max(variances)), 1e-6)
    found = optimize.minimize_scalar(negative_restricted_loglik, bounds=(0.0, upper), method="bounded",
                                     options={"xatol": 1e-10})
    tau2 = float(found.x)
    return 0.0 if negative_restricted_loglik(0.0) <= negative_restricted_loglik(tau2) else tau2


def pool_effects(effects: Sequence[float], variances: Sequence[float], *, method: TauMethod = "reml",
                 hartung_knapp: bool = False, level: float = 0.95) -> PooledEffect:
    """Random-effects pooled estimate of ``effects`` with sampling ``variances``."""
    y = np.asarray(effects, dtype=float)
    v = np.asarray(variances, dtype=float)
    k = len(y)
    if k < 2 or len(v) != k:
        raise ValueError(f"pooling needs at least two effects with one variance each, got {k} and {len(v)}")
    if np.any(v <= 0):
        raise ValueError("sampling variances must be positive")
    alpha = 1 - level
    with np.errstate(invalid="ignore", divide="ignore"):
        # A negative DerSimonian-Laird moment makes statsmodels take square roots of negative
        # variances; those figures are unused here because tau^2 is truncated at 0 below.
        combined = combine_effects(y, v, method_re="iterated" if method == "pm" else "dl", alpha=alpha)
    tau2 = _reml_tau2(y, v) if method == "reml" else max(0.0, float(combined.tau2))
    w = 1 / (v + tau2)
    estimate = float(np.sum(w * y) / np.sum(w))
    if method != "reml" and tau2 == float(combined.tau2):
        estimate = float(combined.mean_effect_re)  # statsmodels' own figure where it applies unchanged
    variance = 1 / float(np.sum(w))
    if hartung_knapp:
        variance = float(np.sum(w * (y - estimate) ** 2) / (k - 1)) / float(np.sum(w))
        critical = float(stats.t.isf(alpha / 2, k - 1))
    else:
        critical = float(stats.norm.isf(alpha / 2))
    se = variance ** 0.5
    q = float(combined.q)
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    prediction: tuple[float | None, float | None] = (None, None)
    if k >= 3:
        half = float(stats.t.isf(alpha / 2, k - 2)) * (tau2 + se ** 2) ** 0.5
        prediction = (estimate - half, estimate + half)
    return PooledEffect(
        k=k, estimate=estimate, se=se, ci_low=estimate - critical * se, ci_high=estimate + critical * se,
        tau2=tau2, q=q, q_df=k - 1, q_p=float(stats.chi2.sf(q, k - 1)), i2=i2,
        prediction_low=prediction[0], prediction_high=prediction[1], weights=list(w / np.sum(w)),
        method=TAU_METHODS[method], hartung_knapp=hartung_knapp, fixed_estimate=float(combined.mean_effect_fe))


class LogitData(BaseModel):
    """Logits and their variances for a set of proportions, after the continuity correction."""

    logits: list[float]
    variances: list[float]
    corrected: list[bool]


def logit_data(events: Sequence[int], totals: Sequence[int]) -> LogitData:
    """logit(p) with variance 1/(n p (1 - p)); 0.5 is added to both cells of a study with 0 or n events."""
    logits, variances, corrected = [], [], []
    for x, n in zip(events, totals, strict=True):
        if n <= 0 or not 0 <= x <= n:
            raise ValueError(f"events must lie in 0..total, got {x} of {n}")
        fix = x in (0, n)
        a = x + CONTINUITY if fix else float(x)
        b = (n - x) + CONTINUITY if fix else float(n - x)
        logits.append(float(np.log(a / b)))
        variances.append(1 / a + 1 / b)
        corrected.append(fix)
    return LogitData(logits=logits, variances=variances, corrected=corrected)


class PooledProportion(BaseModel):
    """A pooled proportion: the logit-scale fit and its back-transformed figures."""

    logit: PooledEffect
    estimate: float
    ci_low: float
    ci_high: float
    prediction_low: float | None
    prediction_high: float | None


def pool_proportions(events: Sequence[int], totals: Sequence[int], *, method: TauMethod = "reml",
                     hartung_knapp: bool = False, level: float = 0.95) -> PooledProportion:
    """Pool proportions on the logit scale and back-transform (inverse logit) the estimate and limits."""
    data = logit_data(events, totals)
    fit = pool_effects(data.logits, data.variances, method=method, hartung_knapp=hartung_knapp, level=level)
    expit = special.expit
    return PooledProportion(
        logit=fit, estimate=float(expit(fit.estimate)), ci_low=float(expit(fit.ci_low)),
        ci_high=float(expit(fit.ci_high)),
        prediction_low=None if fit.prediction_low is None else float(expit(fit.prediction_low)),
        prediction_high=None if fit.prediction_high is None else float(expit(fit.prediction_high)))
