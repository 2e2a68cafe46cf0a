"""Risk-of-bias pictures as robvis draws them: a traffic-light plot and a weighted summary bar plot.

Both take a :class:`review.rob.RobSummary` and return SVG or PNG bytes, drawn
on a bare matplotlib ``Figure`` (no pyplot, no GUI). Colours and symbols follow
robvis's convention: low green ``+``, unclear yellow ``?``, high red ``-``,
no information blue ``?`` (McGuinness LA, Higgins JPT. Risk-of-bias
VISualization (robvis). Res Synth Methods 2021;12:55-61).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from facekg.errors import InvalidQuery
from review.rob import LEVELS, OVERALL, Level, RobSummary

COLOURS: dict[Level, str] = {"low": "#2e9b3b", "unclear": "#e3c20b", "high": "#c0392b", "no-information": "#4ea1f7"}
SYMBOLS: dict[Level, str] = {"low": "+", "unclear": "?", "high": "−", "no-information": "?"}
if TYPE_CHECKING:
    from matplotlib.figure import Figure

NAMES: dict[Level, str] = {"low": "Low", "unclear": "Unclear", "high": "High", "no-information": "No information"}


def traffic_light(summary: RobSummary, fmt: str = "svg") -> bytes:
    """One row per study, one column per domain (D1, D2, ... then Overall), a coloured dot per judgement."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    _check(fmt)
    columns = [counts.domain for counts in summary.domains]
    names = [counts.name for counts in summary.domains]
    heads = [f"D{i + 1}" if domain != OVERALL else "Overall" for i, domain in enumerate(columns)]
    n_rows = max(len(summary.studies), 1)
    label_w = 0.3 + 0.07 * max((len(row.label) for row in summary.studies), default=8)
    width = label_w + 0.55 * len(columns) + 0.4
    legend_h = 0.22 * (len(columns) + 2)
    height = 0.8 + 0.4 * n_rows + legend_h
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((label_w / width, (legend_h + 0.2) / height, 1 - (label_w + 0.3) / width,
                       (0.4 * n_rows) / height))
    for i, row in enumerate(summary.studies):
        for j, domain in enumerate(columns):
            level = row.levels[domain]
            ax.scatter(j, i, s=420, color=COLOURS[level], edgecolors="black", linewidths=0.5)
            ax.text(j, i, SYMBOLS[level], ha="center", va="center", fontsize=11, color="white", weight="bold")
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_xticks(range(len(columns)), labels=heads, fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(summary.studies)), labels=[row.label for row in summary.studies], fontsize=8)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    key = "\n".join(f"{head}: {name}" for head, name in zip(heads, names, strict=True) if head != "Overall")
    fig.text(0.02, legend_h / height, key, fontsize=7, va="top")
    fig.legend(handles=[Patch(color=COLOURS[level], label=NAMES[level]) for level in LEVELS],
               loc="lower right", fontsize=7, frameon=False, title=summary.judgement_label, title_fontsize=7)
    return _save(fig, fmt)


def summary_bars(summary: RobSummary, fmt: str = "svg") -> bytes:
    """One horizontal bar per domain: the share of studies judged at each level."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    _check(fmt)
    domains = summary.domains
    label_w = 0.3 + 0.065 * max((len(counts.name) for counts in domains), default=8)
    width, height = label_w + 5.0, 1.4 + 0.35 * len(domains)
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((label_w / width, 0.9 / height, 4.6 / width, (0.35 * len(domains)) / height))
    for i, counts in enumerate(domains):
        left = 0.0
        for level in LEVELS:
            share = 100 * counts.counts[level] / counts.total if counts.total else 0.0
            if share:
                ax.barh(i, share, left=left, color=COLOURS[level], edgecolor="black", linewidth=0.4, height=0.7)
            left += share
    ax.set_yticks(range(len(domains)), labels=[counts.name for counts in domains], fontsize=8)
    ax.set_ylim(len(domains) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"studies (%), n = {domains[0].total if domains else 0}", fontsize=8)
    ax.tick_params(labelsize=8)
    fig.legend(handles=[Patch(color=COLOURS[level], label=NAMES[level]) for level in LEVELS], loc="lower center",
               ncol=len(LEVELS), fontsize=7, frameon=False)
    ax.set_title(f"{summary.tool}: {summary.judgement_label}", fontsize=9)
    return _save(fig, fmt)


def _check(fmt: str) -> None:
    if fmt not in ("svg", "png"):
        raise InvalidQuery("format", f"cannot draw format {fmt!r}; use svg or png")


def _save(fig: Figure, fmt: str) -> bytes:
    import matplotlib

    buffer = io.BytesIO()
    # SVG text stays text and carries no date, so the same summary draws the same bytes.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "facekg"}):
        fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
