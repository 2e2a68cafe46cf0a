"""Random-effects sums written out by hand, independent of the module under test, for checking it."""

from __future__ import annotations

import numpy as np
from scipy import optimize


def by_hand(y: np.ndarray, v: np.ndarray, tau2: float) -> tuple[float, float]:
    """Inverse-variance weighted mean and its SE at a given tau^2."""
    w = 1 / (v + tau2)
    return float(np.sum(w * y) / np.sum(w)), float(np.sqrt(1 / np.sum(w)))


def dersimonian_laird_by_hand(y: np.ndarray, v: np.ndarray) -> float:
    w = 1 / v
    q = np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2)
    return max(0.0, float((q - (len(y) - 1)) / (np.sum(w) - np.sum(w ** 2) / np.sum(w))))


def paule_mandel_by_hand(y: np.ndarray, v: np.ndarray) -> float:
    def generalised_q(tau2: float) -> float:
        mu, _ = by_hand(y, v, tau2)
        return float(np.sum((y - mu) ** 2 / (v + tau2)) - (len(y) - 1))

    return 0.0 if generalised_q(0.0) <= 0 else float(optimize.brentq(generalised_q, 0.0, 100.0, xtol=1e-12))


def reml_by_hand(y: np.ndarray, v: np.ndarray) -> float:
    """REML by the fixed-point iteration of Viechtbauer (2005), not by the optimiser the module uses."""
    tau2 = dersimonian_laird_by_hand(y, v)
    for _ in range(500):
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        updated = max(0.0, float(np.sum(w ** 2 * ((y - mu) ** 2 - v)) / np.sum(w ** 2) + 1 / np.sum(w)))
        if abs(updated - tau2) < 1e-12:
            break
        tau2 = updated
    return tau2
