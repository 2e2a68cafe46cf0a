"""The PRISMA 2020 flow diagram for updated reviews, drawn from :class:`FlowCounts`.

The boxes and wording follow the PRISMA 2020 template for updated systematic
reviews with searches of databases, registers and other sources (Page et al.
2021): a "previous studies" column, the "identification of new studies via
databases and registers" column with its exclusion boxes, an "other methods"
column when other sources were searched, and the total at the bottom.
"""

from __future__ import annotations

import textwrap

from analysis.synthesis.prisma import FlowCounts, ReasonCount, SourceCount
from analysis.synthesis.render import save

_BOX_W, _GAP_X = 2.35, 0.35
_LINE, _STEP = 0.135, 0.35
_FILL = {"main": "#ffffff", "previous": "#f2f2f2", "header": "#fde9c9", "band": "#c9daf8"}


def _lines(items: list[SourceCount] | list[ReasonCount], empty: str) -> list[str]:
    if not items:
        return [f"  {empty}"]
    return [f"  {i.source if isinstance(i, SourceCount) else i.reason} (n = "
            f"{i.records if isinstance(i, SourceCount) else i.count})" for i in items]


def _wrap(lines: list[str], width: int = 40) -> str:
    return "\n".join(part for line in lines for part in textwrap.wrap(line, width, subsequent_indent="    ") or [""])


def update_title(update: str) -> str:
    """The diagram's title for the cumulative flow or one review update's (one wording for API, CLI, pages)."""
    return "PRISMA 2020 flow: " + ("all updates" if update == "cumulative" else f"review update {update}")


def render_prisma(flow: FlowCounts, title: str, fmt: str = "svg") -> bytes:
    """The flow diagram as SVG or PNG, laid out top to bottom in inches (y grows downwards as negative)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    other = bool(flow.other_sources)
    columns = 5 if other else 3
    width = 0.7 + columns * (_BOX_W + _GAP_X)
    fig = Figure(figsize=(width, 10))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    x = [0.7 + i * (_BOX_W + _GAP_X) for i in range(columns)]
    Box = tuple[float, float, float, float]

    def box(col: int, top: float, lines: list[str], kind: str = "main", span: int = 1) -> Box:
        w = _BOX_W * span + _GAP_X * (span - 1)
        text = _wrap(lines, int(19 * w))
        h = _LINE * (text.count("\n") + 1) + 0.2
        ax.add_patch(FancyBboxPatch((x[col], top - h), w, h, boxstyle="round,pad=0.02", linewidth=0.8,
                                    edgecolor="#333333", facecolor=_FILL[kind]))
        ax.text(x[col] + 0.08, top - 0.1, text, ha="left", va="top", fontsize=7, linespacing=1.25)
        return x[col], top - h, w, h

    def arrow(start: tuple[float, float], end: tuple[float, float]) -> None:
        ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "linewidth": 0.8})

    def down(a: Box, b: Box) -> None:
        arrow((a[0] + a[2] / 2, a[1]), (a[0] + a[2] / 2, b[1] + b[3]))

    def right(a: Box, b: Box) -> None:
        arrow((a[0] + a[2], a[1] + a[3] / 2), (b[0], a[1] + a[3] / 2))

    def band(label: str, top: float, bottom: float) -> None:
        ax.add_patch(FancyBboxPatch((0.12, bottom), 0.38, top - bottom, boxstyle="round,pad=0.02",
                                    facecolor=_FILL["band"], edgecolor="#333333", linewidth=0.6))
        ax.text(0.31, (top + bottom) / 2, label, rotation=90, ha="center", va="center", fontsize=8)

    ax.text(width / 2, -0.2, title, ha="center", va="top", fontsize=10, fontweight="bold")
    header = box(0, -0.55, ["Previous studies"], "header")
    box(1, -0.55, ["Identification of new studies via databases and registers"], "header", span=2)
    if other:
        box(3, -0.55, ["Identification of new studies via other methods"], "header", span=2)
    top = header[1] - _STEP
    identification_top = top
    previous = box(0, top, [f"Studies included in previous version of review (n = {flow.previous_studies})", "",
                            f"Reports of studies included in previous version of review "
                            f"(n = {flow.previous_reports})"], "previous")
    identified = box(1, top, ["Records identified from:", *_lines(flow.databases, "none"),
                              f"Total (n = {flow.identified_databases})"])
    removed = box(2, top, ["Records removed before screening:", f"  Duplicate records (n = {flow.duplicates_removed})",
                           f"  Marked as ineligible by automation tools (n = {flow.automation_removed})",
                           f"  Removed for other reasons (n = {flow.other_removed})"])
    right(identified, removed)
    lowest = min(identified[1], removed[1])
    if other:
        sources = box(3, top, ["Records identified from:", *_lines(flow.other_sources, "none")])
        lowest = min(lowest, sources[1])
    band("Identification", identification_top, lowest)
    top = lowest - _STEP
    screening_top = top
    excluded_lines = [f"Records excluded (n = {flow.records_excluded})"]
    if flow.screening_reasons:
        excluded_lines += _lines(flow.screening_reasons, "")
    rows = [([f"Records screened (n = {flow.records_screened})"], excluded_lines),
            ([f"Reports sought for retrieval (n = {flow.reports_sought})"],
             [f"Reports not retrieved (n = {flow.reports_not_retrieved})"]),
            ([f"Reports assessed for eligibility (n = {flow.reports_assessed})"],
             [f"Reports excluded (n = {flow.reports_excluded}):", *_lines(flow.report_exclusions, "none")])]
    above = identified
    others: list[Box] = []
    if other:
        rows_other = [([f"Reports sought for retrieval (n = {flow.other_reports_sought})"],
                       [f"Reports not retrieved (n = {flow.other_not_retrieved})"]),
                      ([f"Reports assessed for eligibility (n = {flow.other_reports_assessed})"],
                       [f"Reports excluded (n = {flow.other_reports_excluded}):",
                        *_lines(flow.other_report_exclusions, "none")])]
    for i, (main_lines, side_lines) in enumerate(rows):
        main = box(1, top, main_lines)
        side = box(2, top, side_lines)
        down(above, main)
        right(main, side)
        lowest = min(main[1], side[1])
        if other and i >= 1:
            o_main = box(3, top, rows_other[i - 1][0])
            o_side = box(4, top, rows_other[i - 1][1])
            down(others[-1] if others else sources, o_main)
            right(o_main, o_side)
            others.append(o_main)
            lowest = min(lowest, o_main[1], o_side[1])
        above = main
        top = lowest - _STEP
    band("Screening", screening_top, top + _STEP)
    included_top = top
    new = box(1, top, [f"New studies included in review (n = {flow.new_studies})",
                       f"Reports of new included studies (n = {flow.new_reports})"])
    down(above, new)
    if others:
        arrow((others[-1][0] + others[-1][2] / 2, others[-1][1]), (new[0] + new[2], new[1] + new[3] / 2))
    top = new[1] - _STEP
    total = box(0, top, [f"Total studies included in review (n = {flow.total_studies})",
                         f"Reports of total included studies (n = {flow.total_reports})"], span=2)
    arrow((previous[0] + previous[2] / 2, previous[1]), (previous[0] + previous[2] / 2, total[1] + total[3]))
    down(new, total)
    bottom = total[1]
    if flow.notes:
        note = _wrap(["Notes:", *dict.fromkeys(flow.notes)], 52)
        ax.text(x[2], top, note, ha="left", va="top", fontsize=6, color="#555555", linespacing=1.25)
        bottom = min(bottom, top - 0.11 * (note.count("\n") + 1))
    band("Included", included_top, total[1])
    height = -bottom + 0.3
    ax.set_xlim(0, width)
    ax.set_ylim(-height, 0)
    fig.set_size_inches(width, height)
    return save(fig, fmt)
