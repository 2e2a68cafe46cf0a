"""The bivariate random-effects model of Reitsma et al. for sensitivity and specificity together.

Reitsma JB, Glas AS, Rutjes AWS, Scholten RJPM, Bossuyt PM, Zwinderman AH (2005).
Bivariate analysis of sensitivity and specificity produces informative summary
measures in diagnostic reviews. J Clin Epidemiol 58(10):982-990.
doi:10.1016/j.jclinepi.2005.02.022

The model, as fitted by R's mada (``reitsma()``, REML) whose published output
on the AuditC data the tests reproduce. For study i,

    y_i = (logit sens_i, logit fpr_i)  ~  N(mu, Psi + S_i),

where ``S_i = diag(1/TP + 1/FN, 1/FP + 1/TN)`` is the within-study (delta-method)
covariance of the observed logits and ``Psi`` the between-study covariance with
standard deviations ``tau_sens``, ``tau_fpr`` and correlation ``rho``. When any
cell of any study is zero, 0.5 is added to every cell of every study (mada's
``correction = 0.5, correction.control = "all"``).

Psi is estimated by restricted maximum likelihood,

    l_R = -1/2 [ sum_i log|V_i| + log|sum_i V_i^-1| + sum_i r_i' V_i^-1 r_i ],
    V_i = Psi + S_i,  r_i = y_i - mu_hat,  mu_hat = (sum V_i^-1)^-1 sum V_i^-1 y_i,

maximised with scipy over (log tau_sens, log tau_fpr, atanh rho); the covariance
of mu_hat is (sum V_i^-1)^-1 and Wald limits are back-transformed. The summary
ROC curve uses the hierarchical (Rutter-Gatsonis) parameters implied by the fit
(Harbord RM et al. 2007, Biostatistics 8:239-251): with beta = log(tau_fpr / tau_sens)
and Lambda = sqrt(tau_fpr/tau_sens) mu_sens - sqrt(tau_sens/tau_fpr) mu_fpr,
logit sens = Lambda e^(-beta/2) + e^(-beta) logit fpr.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field
from scipy import integrate, optimize, special, stats

from analysis.synthesis.univariate import CONTINUITY

MIN_STUDIES = 4


class BivariateFit(BaseModel):
    """The fitted bivariate model: means and covariances on the logit scale and back-transformed summaries."""

    k: int
    mu_sens: float = Field(description="pooled logit sensitivity")
    mu_fpr: float = Field(description="pooled logit false-positive rate")
    vcov: list[list[float]] = Field(description="covariance of (mu_sens, mu_fpr)")
    tau_sens: float = Field(description="between-study SD of logit sensitivity")
    tau_fpr: float = Field(description="between-study SD of logit false-positive rate")
    rho: float = Field(description="between-study correlation of the two logits")
    sensitivity: float
    sensitivity_ci: tuple[float, float]
    false_positive_rate: float
    false_positive_rate_ci: tuple[float, float]
    specificity: float
    specificity_ci: tuple[float, float]
    restricted_loglik: float
    continuity_corrected: bool
    converged: bool
    level: float = 0.95

    @property
    def psi(self) -> np.ndarray:
        covariance = self.rho * self.tau_sens * self.tau_fpr
        return np.array([[self.tau_sens ** 2, covariance], [covariance, self.tau_fpr ** 2]])

    @property
    def mu(self) -> np.ndarray:
        return np.array([self.mu_sens, self.mu_fpr])

    def hsroc(self) -> tuple[float, float]:
        """(Lambda, beta) of the equivalent hierarchical SROC model."""
        ratio = self.tau_fpr / self.tau_sens
        return ratio ** 0.5 * self.mu_sens - ratio ** -0.5 * self.mu_fpr, float(np.log(ratio))

    def sroc_sensitivity(self, fpr: np.ndarray | float) -> np.ndarray:
        """Sensitivity on the summary ROC curve at the given false-positive rates."""
        lam, beta = self.hsroc()
        return np.asarray(special.expit(lam * np.exp(-beta / 2) + np.exp(-beta) * special.logit(fpr)))

    def auc(self) -> float:
        """Area under the summary ROC curve over FPR 0-1."""
        area, _error = integrate.quad(lambda x: float(self.sroc_sensitivity(x)), 0.0, 1.0, limit=200)
        return float(area)


def _observed(tp: Sequence[int], fn: Sequence[int], fp: Sequence[int],
              tn: Sequence[int]) -> tuple[np.ndarray, np.ndarray, bool]:
    cells = np.array([tp, fn, fp, tn], dtype=float)
    if cells.ndim != 2 or np.any(cells < 0):
        raise ValueError("2x2 counts must be non-negative, one value per study in each cell")
    corrected = bool(np.any(cells == 0))
    if corrected:
        cells = cells + CONTINUITY
    a, b, c, d = cells
    y = np.column_stack([np.log(a / b), np.log(c / d)])
    within = np.column_stack([1 / a + 1 / b, 1 / c + 1 / d])
    return y, within, corrected


def _psi(theta: np.ndarray) -> np.ndarray:
    s1, s2, r = np.exp(theta[0]), np.exp(theta[1]), np.tanh(theta[2])
    return np.array([[s1 * s1, r * s1 * s2], [r * s1 * s2, s2 * s2]])


def _gls(psi: np.ndarray, y: np.ndarray, within: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-study V_i^-1 (k x 2 x 2), mu_hat and (sum V_i^-1)^-1."""
    v = np.broadcast_to(psi, (len(y), 2, 2)).copy()
    v[:, 0, 0] += within[:, 0]
    v[:, 1, 1] += within[:, 1]
    w = np.linalg.inv(v)
    information = w.sum(axis=0)
    covariance = np.linalg.inv(information)
    mu = covariance @ np.einsum("kij,kj->i", w, y)
    return w, mu, covariance


def _negative_restricted_loglik(theta: np.ndarray, y: np.ndarray, within: np.ndarray) -> float:
    w, mu, covariance = _gls(_psi(theta), y, within)
    residual = y - mu
    log_det_v = -np.sum(np.linalg.slogdet(w)[1])
    log_det_information = -np.linalg.slogdet(covariance)[1]
    quadratic = np.einsum("ki,kij,kj->", residual, w, residual)
    return 0.5 * float(log_det_v + log_det_information + quadratic + (2 * len(y) - 2) * np.log(2 * np.pi))


def _start(y: np.ndarray, within: np.ndarray) -> np.ndarray:
    spread = np.maximum(np.var(y, axis=0, ddof=1) - within.mean(axis=0), 0.05)
    return np.array([0.5 * np.log(spread[0]), 0.5 * np.log(spread[1]), 0.0])


def fit_reitsma(tp: Sequence[int], fn: Sequence[int], fp: Sequence[int], tn: Sequence[int], *,
                level: float = 0.95, min_studies: int = MIN_STUDIES) -> BivariateFit:
    """Fit the bivariate model by REML to one 2x2 table per study."""
    y, within, corrected = _observed(tp, fn, fp, tn)
    k = len(y)
    if k < min_studies:
        raise ValueError(f"the bivariate model has five parameters: it needs at least {min_studies} studies, "
                         f"got {k}")
    found = optimize.minimize(_negative_restricted_loglik, _start(y, within), args=(y, within), method="BFGS",
                              options={"gtol": 1e-9, "maxiter": 2000})
    polished = optimize.minimize(_negative_restricted_loglik, found.x, args=(y, within), method="Nelder-Mead",
                                 options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    best = polished if polished.fun <= found.fun else found
    theta = best.x
    _w, mu, covariance = _gls(_psi(theta), y, within)
    z = float(stats.norm.isf((1 - level) / 2))
    se = np.sqrt(np.diag(covariance))
    sens_limits = special.expit(mu[0] + np.array([-z, z]) * se[0])
    fpr_limits = special.expit(mu[1] + np.array([-z, z]) * se[1])
    return BivariateFit(
        k=k, mu_sens=float(mu[0]), mu_fpr=float(mu[1]), vcov=covariance.tolist(),
        tau_sens=float(np.exp(theta[0])), tau_fpr=float(np.exp(theta[1])), rho=float(np.tanh(theta[2])),
        sensitivity=float(special.expit(mu[0])), sensitivity_ci=(float(sens_limits[0]), float(sens_limits[1])),
        false_positive_rate=float(special.expit(mu[1])), false_positive_rate_ci=(float(fpr_limits[0]),
                                                                               float(fpr_limits[1])),
        specificity=float(1 - special.expit(mu[1])),
        specificity_ci=(float(1 - fpr_limits[1]), float(1 - fpr_limits[0])),
        restricted_loglik=-float(best.fun), continuity_corrected=corrected,
        converged=bool(found.success or polished.success), level=level)
