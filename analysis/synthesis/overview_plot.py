"""The picture of the meta-analysis overview: every pooled pair's estimate and 95 % interval on one axis.

The overview (no condition or cause named) is a list of condition- and cause-metric
pairs; its picture is a summary forest with one row per pooled univariate pair.
Refused pairs are counted in the caption, not drawn (the JSON says why each was refused).
"""

from __future__ import annotations

from analysis.synthesis.meta_analysis import Overview
from analysis.synthesis.render import save


def render_overview(result: Overview, fmt: str = "svg") -> bytes:
    """One row per pooled univariate pair (estimate and interval); the caption counts what did not pool."""
    from matplotlib.figure import Figure

    rows = [o for o in result.pooled if o.model == "univariate" and o.estimate is not None]
    refused = len(result.outcomes) - len(result.pooled)
    n = max(len(rows), 1)
    height = 1.4 + 0.3 * n
    fig = Figure(figsize=(9.0, height))
    ax = fig.add_axes((0.40, 0.6 / height, 0.42, 1 - 1.3 / height))
    for i, row in enumerate(rows):
        y = n - 1 - i
        estimate = float(row.estimate or 0.0)
        low = row.ci_low if row.ci_low is not None else estimate
        high = row.ci_high if row.ci_high is not None else estimate
        ax.plot([low, high], [y, y], color="#333333", linewidth=1)
        ax.plot([estimate], [y], marker="D", color="#c0504d", linestyle="none", markersize=5)
        ax.text(-0.02, y, f"{row.scope_label}: {row.metric} (k={row.k})", transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=8)
        ax.text(1.02, y, f"{estimate:.3f} [{low:.3f}, {high:.3f}]", transform=ax.get_yaxis_transform(),
                ha="left", va="center", fontsize=8)
    if not rows:
        ax.text(0.5, 0, "nothing pools yet", ha="center", va="center", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(-1, n)
    ax.set_yticks([])
    ax.set_xlabel("pooled proportion (random effects, 95 % interval)", fontsize=9)
    ax.tick_params(labelsize=8)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    fig.suptitle("Meta-analysis overview: every pooled pair", fontsize=10, y=1 - 0.25 / height)
    fig.text(0.5, 1 - 0.55 / height, f"{len(rows)} pooled univariate pairs; {refused} pairs not pooled "
             "(see the JSON for why)", ha="center", fontsize=8)
    return save(fig, fmt)
