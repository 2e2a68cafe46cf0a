"""The evidence gap map: conditions (or cause categories) against architecture families (or metrics).

Rows are the ontology's conditions (``rows="condition"``) or its cause
categories (``rows="cause"``); columns are architecture families
(``cols="architecture"``: each direct subclass of deep learning, e.g. CNN,
transformer, recurrent network, facial phenotyping system, then deep learning
unspecified, classical machine learning and machine learning unspecified) or
top-level outcome metrics (``cols="metric"``: accuracy, top-k accuracy,
sensitivity, specificity, AUC, ...). A study counts in every cell its facts
place it in; each cell carries its study count, study ids and the gap grade the
rules of :mod:`analysis.gaps` give to the cell's studies (``no-study`` for an
empty cell, ``none`` when no rule fires). :func:`render_gap_map` draws it as an
SVG or PNG heatmap with matplotlib's Agg backend.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from analysis.evidence import (
    categories_of,
    condition_studies,
    counted_studies,
    studies_by_concept,
    study_links,
)
from analysis.gaps import GapThresholds, diagnostic_metric_matcher, grade_studies
from facekg.errors import InvalidQuery
from facekg.records import StudyRecord
from graph.schema import UNMAPPED
from graph.store import GraphStore

if TYPE_CHECKING:
    from ontology import Ontology

RowKind = Literal["condition", "cause"]
ColKind = Literal["architecture", "metric"]
MapFormat = Literal["json", "svg", "png"]
ROW_KINDS: tuple[str, ...] = ("condition", "cause")
COL_KINDS: tuple[str, ...] = ("architecture", "metric")
FORMATS: tuple[str, ...] = ("json", "svg", "png")
UNMAPPED_COLUMN = UNMAPPED


class Axis(BaseModel):
    id: str
    label: str


class GapMapCell(BaseModel):
    row: str
    col: str
    study_count: int
    study_ids: list[str]
    study_links: list[str] = Field(default_factory=list)
    grade: str = Field(description="worst gap rule for the cell's studies; 'none' when no rule fires")


class GapMap(BaseModel):
    rows_kind: str
    cols_kind: str
    include_retracted: bool
    thresholds: GapThresholds
    rows: list[Axis]
    cols: list[Axis]
    cells: list[GapMapCell] = Field(description="row-major: every row, every column")


def check_axes(rows: str, cols: str, fmt: str = "json") -> None:
    """InvalidQuery naming ``rows``, ``cols`` or ``format`` when one is not a known value."""
    for parameter, value, allowed in (("rows", rows, ROW_KINDS), ("cols", cols, COL_KINDS),
                                      ("format", fmt, FORMATS)):
        if value not in allowed:
            raise InvalidQuery(parameter, f"unknown value {value!r}; use one of {', '.join(allowed)}")


def architecture_families(ontology: Ontology, concept_id: str) -> list[str]:
    """The families an architecture belongs to (DeepGestalt is both a CNN and a phenotyping system)."""
    deep = _id(ontology, "deep learning", "architecture")
    classical = _id(ontology, "classical machine learning", "architecture")
    chain = [concept_id, *ontology.ancestors(concept_id)]
    families = [c for c in chain if deep is not None and deep in ontology.get(c).parents]
    if families:
        return list(dict.fromkeys(families))
    for candidate in (classical, deep):
        if candidate in chain:
            return [candidate]
    return [chain[-1]]


def metric_families(ontology: Ontology, concept_id: str) -> list[str]:
    """The top-level metric a metric concept sits under (top-10 accuracy -> top-k accuracy)."""
    chain = [concept_id, *ontology.ancestors(concept_id)]
    return list(dict.fromkeys(c for c in chain if not ontology.get(c).parents)) or [concept_id]


def _id(ontology: Ontology, label: str, kind: str) -> str | None:
    concept = ontology.lookup(label, kind=kind)
    return concept.id if concept is not None else None


def architecture_columns(ontology: Ontology) -> list[Axis]:
    """The architecture families: deep learning's direct subclasses, then the unspecified and classical groups."""
    deep = _id(ontology, "deep learning", "architecture")
    families = [c for c in ontology.architectures() if deep is not None and deep in c.parents]
    cols = [Axis(id=c.id, label=c.label) for c in families]
    for label, shown in (("deep learning", "deep learning (unspecified)"),
                         ("classical machine learning", "classical machine learning"),
                         ("machine learning", "machine learning (unspecified)")):
        cid = _id(ontology, label, "architecture")
        if cid is not None:
            cols.append(Axis(id=cid, label=shown))
    return cols


def _metric_columns(ontology: Ontology) -> list[Axis]:
    return [Axis(id=c.id, label=c.label) for c in ontology.metrics() if not c.parents]


def study_columns(ontology: Ontology, study: StudyRecord, cols: str,
                  families: dict[str, list[str]] | None = None) -> set[str]:
    """The columns a study falls in; unmapped architectures or metrics go to ``unmapped``.

    ``families`` remembers each architecture's families across the studies of one map (a review names a few
    dozen architectures, each in many studies).
    """
    families = {} if families is None else families
    found: set[str] = set()
    if cols == "architecture":
        for fact in study.architectures:
            if fact.concept_id is not None and fact.concept_id in ontology:
                if fact.concept_id not in families:
                    families[fact.concept_id] = architecture_families(ontology, fact.concept_id)
                found.update(families[fact.concept_id])
            else:
                found.add(UNMAPPED_COLUMN)
    else:
        for metric in study.metrics:
            if metric.subject != "model":
                continue
            concept_id = metric.metric_id
            if concept_id is None or concept_id not in ontology:
                concept = ontology.lookup(metric.metric, kind="metric")
                concept_id = concept.id if concept is not None else None
            found.update(metric_families(ontology, concept_id) if concept_id else [UNMAPPED_COLUMN])
    return found


def gap_map(store: GraphStore, ontology: Ontology, *, rows: str = "condition", cols: str = "architecture",
            thresholds: GapThresholds | None = None, include_retracted: bool = False) -> GapMap:
    """The matrix of study counts, ids and gap grades; rows and columns in ontology order."""
    check_axes(rows, cols)
    thresholds = thresholds or GapThresholds()
    studies = counted_studies(store, include_retracted=include_retracted)
    index = studies_by_concept(studies)
    row_axes: list[Axis] = []
    row_studies: dict[str, list[StudyRecord]] = {}
    if rows == "condition":
        for concept in ontology.conditions():
            row_axes.append(Axis(id=concept.id, label=concept.label))
            row_studies[concept.id] = condition_studies(ontology, concept.id, index)
    else:
        causes = sorted(ontology.cause_categories(), key=lambda c: (not c.in_framework, c.label.casefold()))
        for cause in causes:
            row_axes.append(Axis(id=cause.id, label=cause.label))
            row_studies[cause.id] = [s for s in studies if _in_cause(ontology, s, cause.id)]
    col_axes = architecture_columns(ontology) if cols == "architecture" else _metric_columns(ontology)
    families: dict[str, list[str]] = {}
    columns_of = {s.id: study_columns(ontology, s, cols, families) for s in studies}
    if any(UNMAPPED_COLUMN in c for c in columns_of.values()):
        col_axes.append(Axis(id=UNMAPPED_COLUMN, label=f"unmapped {cols}"))
    known = {a.id for a in col_axes}
    for extra in sorted({c for cs in columns_of.values() for c in cs} - known):
        col_axes.append(Axis(id=extra, label=ontology.get(extra).label))
    matcher = diagnostic_metric_matcher(ontology)
    cells = []
    for row in row_axes:
        by_column: dict[str, list[StudyRecord]] = {}  # the row's studies in each column, in row order
        for study in row_studies[row.id]:
            for column in columns_of[study.id]:
                by_column.setdefault(column, []).append(study)
        for col in col_axes:
            members = by_column.get(col.id, [])
            hits = grade_studies(members, thresholds, matcher)
            ids = [s.id for s in members]
            cells.append(GapMapCell(row=row.id, col=col.id, study_count=len(ids), study_ids=ids,
                                    study_links=study_links(ids), grade=hits[0].rule if hits else "none"))
    return GapMap(rows_kind=rows, cols_kind=cols, include_retracted=include_retracted, thresholds=thresholds,
                  rows=row_axes, cols=col_axes, cells=cells)


def _in_cause(ontology: Ontology, study: StudyRecord, cause_id: str) -> bool:
    return any(cause_id in categories_of(ontology, c.concept_id) for c in study.conditions
               if c.concept_id is not None and c.concept_id in ontology)


def render_gap_map(gmap: GapMap, fmt: str = "svg") -> bytes:
    """The map as an SVG or PNG heatmap: colour by study count, the count written in each cell."""
    if fmt not in ("svg", "png"):
        raise InvalidQuery("format", f"cannot draw format {fmt!r}; use svg or png")
    # A bare Figure never touches pyplot or a GUI: PNG is drawn by Agg, SVG by the svg backend.
    import matplotlib
    from matplotlib.figure import Figure

    n_rows, n_cols = max(len(gmap.rows), 1), max(len(gmap.cols), 1)
    counts = [[0] * n_cols for _ in range(n_rows)]
    col_index = {c.id: j for j, c in enumerate(gmap.cols)}
    row_index = {r.id: i for i, r in enumerate(gmap.rows)}
    for cell in gmap.cells:
        counts[row_index[cell.row]][col_index[cell.col]] = cell.study_count
    peak = max((v for row in counts for v in row), default=0)
    row_labels = [_short(r.label, 42) for r in gmap.rows]
    col_labels = [_short(c.label, 32) for c in gmap.cols]
    # Fixed margins sized from the labels (inches): much faster than constrained layout.
    left = 0.3 + 0.055 * max((len(label) for label in row_labels), default=4)
    bottom = 0.4 + 0.05 * max((len(label) for label in col_labels), default=4)
    top, right, cell_w, cell_h = 0.5, 1.2, 0.75, 0.28
    grid_w, grid_h = cell_w * n_cols, cell_h * n_rows
    width, height = left + grid_w + right, bottom + grid_h + top
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((left / width, bottom / height, grid_w / width, grid_h / height))
    image = ax.imshow(counts, cmap="YlGnBu", aspect="auto", vmin=0, vmax=max(peak, 1),
                      interpolation="nearest")
    ax.set_xticks(range(len(gmap.cols)), labels=col_labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(gmap.rows)), labels=row_labels, fontsize=7)
    ax.tick_params(length=0)
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            if value:  # empty cells stay blank: the pale colour already says "no study"
                ax.text(j, i, str(value), ha="center", va="center", fontsize=7,
                        color="white" if value > peak * 0.6 else "black")
    bar_h = min(grid_h, 3.0)
    cax = fig.add_axes(((left + grid_w + 0.25) / width, (bottom + grid_h - bar_h) / height, 0.15 / width,
                        bar_h / height))
    fig.colorbar(image, cax=cax, label="studies")
    ax.set_title(f"Evidence gap map: {gmap.rows_kind} × {gmap.cols_kind} (studies)", fontsize=10)
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else None
    # SVG text stays text (not glyph paths): smaller, faster, and labels are searchable.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def cells_for(gmap: GapMap, row: str) -> Iterable[GapMapCell]:
    return (c for c in gmap.cells if c.row == row)
