"""The summary ROC plot of the bivariate model: curve, summary point, confidence and prediction regions.

Regions are ellipses on the logit scale, back-transformed to ROC space as mada
draws them: the confidence region uses the covariance of the pooled logits, the
prediction region (where a new study's true sensitivity and false-positive rate
are expected) adds the between-study covariance Psi; both at sqrt(chi2_2(level)).
The curve is drawn over the observed range of false-positive rates unless
``extrapolate`` is asked for.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel
from scipy import special, stats

from analysis.synthesis.bivariate import BivariateFit
from analysis.synthesis.meta_analysis import MetaAnalysis
from analysis.synthesis.render import save
from facekg.errors import InvalidQuery

Point = tuple[float, float]


class SrocStudy(BaseModel):
    study_id: str
    label: str
    false_positive_rate: float
    sensitivity: float
    total: int


class SrocData(BaseModel):
    """Every number the SROC plot draws, as (false-positive rate, sensitivity) pairs."""

    title: str
    studies: list[SrocStudy]
    curve: list[Point]
    summary: Point
    confidence_region: list[Point]
    prediction_region: list[Point]
    level: float
    auc: float
    review_update: str | None = None


def ellipse(centre: np.ndarray, covariance: np.ndarray, level: float, points: int = 120) -> list[Point]:
    """Points of the ``level`` ellipse of a bivariate normal on the logit scale, as (fpr, sensitivity)."""
    radius = float(np.sqrt(stats.chi2.ppf(level, 2)))
    angles = np.linspace(0, 2 * np.pi, points)
    circle = np.vstack([np.cos(angles), np.sin(angles)])
    logits = centre[:, None] + radius * np.linalg.cholesky(covariance) @ circle
    sens, fpr = special.expit(logits[0]), special.expit(logits[1])
    return [(float(x), float(y)) for x, y in zip(fpr, sens, strict=True)]


def sroc_points(fit: BivariateFit, fpr_range: tuple[float, float] = (0.01, 0.99), points: int = 99) -> list[Point]:
    grid = np.linspace(fpr_range[0], fpr_range[1], points)
    return [(float(x), float(y)) for x, y in zip(grid, fit.sroc_sensitivity(grid), strict=True)]


def sroc_data(analysis: MetaAnalysis, *, extrapolate: bool = False) -> SrocData:
    fit = analysis.bivariate
    if fit is None:
        raise InvalidQuery("model", "an SROC plot draws the bivariate model; ask for model=bivariate")
    studies = [SrocStudy(study_id=s.study_id, label=s.label, false_positive_rate=s.false_positive_rate,
                         sensitivity=s.sensitivity, total=s.total or 0) for s in analysis.bivariate_studies]
    observed = [s.false_positive_rate for s in studies]
    bounds = (0.005, 0.995) if extrapolate else (max(min(observed), 0.005), min(max(observed), 0.995))
    vcov = np.array(fit.vcov)
    return SrocData(
        title=f"SROC, bivariate model: {analysis.scope.label} ({analysis.subject})", studies=studies,
        curve=sroc_points(fit, bounds), summary=(fit.false_positive_rate, fit.sensitivity),
        confidence_region=ellipse(fit.mu, vcov, fit.level), prediction_region=ellipse(fit.mu, vcov + fit.psi,
                                                                                      fit.level),
        level=fit.level, auc=fit.auc(), review_update=analysis.review_update)


def render_sroc(data: SrocData, fmt: str = "svg") -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 6.0))
    ax = fig.add_axes((0.12, 0.1, 0.83, 0.8))
    sizes = [20 + 180 * (s.total / max(max(t.total for t in data.studies), 1)) for s in data.studies]
    ax.scatter([s.false_positive_rate for s in data.studies], [s.sensitivity for s in data.studies], s=sizes,
               facecolors="none", edgecolors="#555555", label="studies (area ~ size)")
    ax.plot(*zip(*data.curve, strict=True), color="#1f4e79", linewidth=2, label=f"SROC (AUC {data.auc:.3f})")
    ax.plot(*zip(*data.confidence_region, strict=True), color="#c0504d", linewidth=1,
            label=f"{100 * data.level:.0f}% confidence region")
    ax.plot(*zip(*data.prediction_region, strict=True), color="#c0504d", linewidth=1, linestyle="--",
            label=f"{100 * data.level:.0f}% prediction region")
    ax.plot([data.summary[0]], [data.summary[1]], marker="o", color="#c0504d", linestyle="none",
            label=f"summary: sens {data.summary[1]:.3f}, FPR {data.summary[0]:.3f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("False-positive rate (1 - specificity)", fontsize=9)
    ax.set_ylabel("Sensitivity", fontsize=9)
    ax.legend(loc="lower right", fontsize=7)
    ax.set_title(data.title, fontsize=10)
    ax.grid(alpha=0.3)
    return save(fig, fmt)
