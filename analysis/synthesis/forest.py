"""The forest plot of a univariate meta-analysis, and the numbers behind it."""

from __future__ import annotations

from pydantic import BaseModel

from analysis.synthesis.meta_analysis import MetaAnalysis
from analysis.synthesis.render import save
from facekg.errors import InvalidQuery


class ForestRow(BaseModel):
    study_id: str
    label: str
    events: int
    total: int
    estimate: float
    ci_low: float
    ci_high: float
    weight: float
    counts_source: str | None
    test_set: str | None


class ForestData(BaseModel):
    """Every number the forest plot draws: study rows, the pooled diamond, the prediction interval."""

    title: str
    metric: str
    method: str
    hartung_knapp: bool
    rows: list[ForestRow]
    pooled_estimate: float
    pooled_ci_low: float
    pooled_ci_high: float
    prediction_low: float | None
    prediction_high: float | None
    tau2: float
    i2: float
    q: float
    q_df: int
    q_p: float
    review_update: str | None = None


def forest_data(analysis: MetaAnalysis) -> ForestData:
    if analysis.pooled is None:
        raise InvalidQuery("model", "a forest plot draws a univariate analysis; the bivariate model has an "
                                    "SROC plot")
    pooled, fit = analysis.pooled, analysis.pooled.logit
    rows = [ForestRow(study_id=s.study_id, label=s.label, events=s.events or 0, total=s.total or 0,
                      estimate=s.proportion, ci_low=s.ci_low, ci_high=s.ci_high, weight=s.weight,
                      counts_source=s.counts_source, test_set=s.test_set) for s in analysis.studies]
    return ForestData(
        title=f"{analysis.metric.capitalize()}: {analysis.scope.label} ({analysis.subject})", metric=analysis.metric,
        method=fit.method, hartung_knapp=fit.hartung_knapp, rows=rows, pooled_estimate=pooled.estimate,
        pooled_ci_low=pooled.ci_low, pooled_ci_high=pooled.ci_high, prediction_low=pooled.prediction_low,
        prediction_high=pooled.prediction_high, tau2=fit.tau2, i2=fit.i2, q=fit.q, q_df=fit.q_df, q_p=fit.q_p,
        review_update=analysis.review_update)


def render_forest(data: ForestData, fmt: str = "svg") -> bytes:
    """Squares sized by weight with 95 % intervals, the pooled diamond and the dashed prediction interval."""
    from matplotlib.figure import Figure

    n = len(data.rows)
    height = 1.3 + 0.34 * (n + 2)
    fig = Figure(figsize=(9.0, height))
    ax = fig.add_axes((0.34, 0.6 / height, 0.40, 1 - 1.35 / height))
    y_pooled = -1.0
    max_weight = max((r.weight for r in data.rows), default=1.0) or 1.0
    for i, row in enumerate(data.rows):
        y = n - 1 - i
        ax.plot([row.ci_low, row.ci_high], [y, y], color="#333333", linewidth=1)
        ax.plot([row.estimate], [y], marker="s", color="#1f4e79", linestyle="none",
                markersize=4 + 8 * (row.weight / max_weight) ** 0.5)
        derived = " *" if row.counts_source == "derived" else ""
        ax.text(-0.02, y, f"{row.label}  {row.events}/{row.total}{derived}", transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=8)
        ax.text(1.02, y, f"{row.estimate:.3f} [{row.ci_low:.3f}, {row.ci_high:.3f}]  {100 * row.weight:.1f}%",
                transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=8)
    low, mid, high = data.pooled_ci_low, data.pooled_estimate, data.pooled_ci_high
    ax.fill([low, mid, high, mid], [y_pooled, y_pooled + 0.3, y_pooled, y_pooled - 0.3], color="#c0504d")
    if data.prediction_low is not None and data.prediction_high is not None:
        ax.plot([data.prediction_low, data.prediction_high], [y_pooled - 0.55, y_pooled - 0.55], color="#c0504d",
                linestyle="--", linewidth=1)
    ax.text(-0.02, y_pooled, "Random effects", transform=ax.get_yaxis_transform(), ha="right", va="center",
            fontsize=8, fontweight="bold")
    ax.text(1.02, y_pooled, f"{mid:.3f} [{low:.3f}, {high:.3f}]", transform=ax.get_yaxis_transform(),
            ha="left", va="center", fontsize=8, fontweight="bold")
    ax.axvline(mid, color="#c0504d", linewidth=0.6, linestyle=":")
    ax.set_xlim(0, 1)
    ax.set_ylim(y_pooled - 1, n)
    ax.set_yticks([])
    ax.set_xlabel(data.metric, fontsize=9)
    ax.tick_params(labelsize=8)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    method = data.method + (", Hartung-Knapp" if data.hartung_knapp else "")
    fig.suptitle(data.title, fontsize=10, y=1 - 0.25 / height)
    fig.text(0.5, 1 - 0.55 / height, f"{method}: tau² = {data.tau2:.3f}, I² = {100 * data.i2:.0f}%, "
             f"Q = {data.q:.2f} (df {data.q_df}, p = {data.q_p:.3g}); * counts rebuilt from rates",
             ha="center", fontsize=8)
    return save(fig, fmt)
