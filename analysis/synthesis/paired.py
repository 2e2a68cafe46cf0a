"""Deep learning against clinicians: the model's and the clinicians' figure on the same metric, side by side.

A study that reports a clinician figure (``subject="clinicians"``) is paired,
metric by metric, with the model figure it reports for the same metric on the
same test set kind, the first one listed when there are several. Figures are
compared as fractions; the pairs are never pooled (their populations and
readers differ), only shown together with the difference.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from analysis.synthesis.eligibility import study_label, test_set_class
from analysis.synthesis.meta_analysis import latest_update, resolve_scope, scope_studies
from analysis.synthesis.render import save
from facekg.errors import UnknownName
from facekg.records import MetricResult, StudyRecord
from graph.store import GraphStore
from ontology import Ontology

_RATE_METRICS = {"Accuracy", "Sensitivity", "Specificity", "AUC", "BalancedAccuracy", "PPV", "NPV", "F1",
                 "Precision", "Top1Accuracy", "Top5Accuracy", "Top10Accuracy", "Top30Accuracy"}


class PairedComparison(BaseModel):
    study_id: str
    label: str
    metric: str
    metric_id: str
    model: float = Field(description="the model's figure, as a fraction")
    clinicians: float = Field(description="the clinicians' figure, as a fraction")
    difference: float = Field(description="model minus clinicians")
    model_context: str | None = None
    clinician_context: str | None = None
    verified: bool


class PairedData(BaseModel):
    """Every pair the model-vs-clinician plot draws, and how many favour each side."""

    title: str
    pairs: list[PairedComparison]
    model_higher: int
    clinicians_higher: int
    equal: int
    studies_with_clinician_figures: int
    review_update: str | None = None


def _fraction(result: MetricResult) -> float | None:
    if result.value is None or result.unit not in ("%", "fraction"):
        return None
    return result.value / 100 if result.unit == "%" else result.value


def study_pairs(study: StudyRecord, metric: str | None = None) -> list[PairedComparison]:
    """The study's clinician figures, each with the model figure for the same metric."""
    pairs = []
    counted = [r for r in study.metrics if r.subgroup is None and r.metric_id in _RATE_METRICS
               and (metric is None or r.metric_id == metric)]
    for clinician in (r for r in counted if r.subject == "clinicians"):
        models = [r for r in counted if r.subject == "model" and r.metric_id == clinician.metric_id
                  and _fraction(r) is not None]
        same_kind = [r for r in models if test_set_class(r.test_set) == test_set_class(clinician.test_set)]
        chosen = same_kind[0] if same_kind else (models[0] if models else None)
        theirs = _fraction(clinician)
        if chosen is None or theirs is None:
            continue
        ours = _fraction(chosen)
        assert ours is not None
        pairs.append(PairedComparison(
            study_id=study.id, label=study_label(study), metric=clinician.metric, metric_id=clinician.metric_id or "",
            model=ours, clinicians=theirs, difference=ours - theirs, model_context=chosen.context,
            clinician_context=clinician.context,
            verified="extracted" not in (chosen.provenance.source, clinician.provenance.source)))
    return pairs


def paired_data(studies: Iterable[StudyRecord], *, title: str, metric: str | None = None,
                review_update: str | None = None) -> PairedData:
    counted = [s for s in studies if not s.retracted]
    pairs = [p for s in counted for p in study_pairs(s, metric)]
    return PairedData(
        title=title, pairs=pairs, model_higher=sum(p.difference > 0 for p in pairs),
        clinicians_higher=sum(p.difference < 0 for p in pairs), equal=sum(p.difference == 0 for p in pairs),
        studies_with_clinician_figures=sum(any(r.subject == "clinicians" for r in s.metrics) for s in counted),
        review_update=review_update)


def model_vs_clinicians(store: GraphStore, ontology: Ontology, *, condition: str | None = None,
                        cause: str | None = None, metric: str | None = None) -> PairedData:
    """The pairs over what the store holds, for one condition or cause or all of them."""
    studies = list(store.studies())
    title = "Deep learning vs clinicians"
    if condition or cause:
        scope = resolve_scope(ontology, condition, cause)
        studies = scope_studies(ontology, scope, studies)
        title += f": {scope.label}"
    metric_id = None
    if metric:
        concept = ontology.lookup(metric, kind="metric")
        if concept is None:
            raise UnknownName("metric", "metric", metric)
        metric_id = concept.id
    return paired_data(studies, title=title, metric=metric_id, review_update=latest_update(store))


def render_paired(data: PairedData, fmt: str = "svg") -> bytes:
    """One row per pair: clinicians (orange) and model (blue) joined by a line, on a 0-1 scale."""
    from matplotlib.figure import Figure

    n = max(len(data.pairs), 1)
    height = 1.3 + 0.32 * n
    fig = Figure(figsize=(8.0, height))
    ax = fig.add_axes((0.42, 0.7 / height, 0.54, 1 - 1.2 / height))
    for i, pair in enumerate(data.pairs):
        y = n - 1 - i
        ax.plot([pair.clinicians, pair.model], [y, y], color="#999999", linewidth=1)
        ax.plot([pair.clinicians], [y], marker="o", color="#e07b00", linestyle="none")
        ax.plot([pair.model], [y], marker="s", color="#1f4e79", linestyle="none")
        ax.text(-0.02, y, f"{pair.label} · {pair.metric}", transform=ax.get_yaxis_transform(), ha="right",
                va="center", fontsize=8)
    if not data.pairs:
        ax.text(0.5, 0, "no study reports a clinician figure beside a model figure", ha="center", va="center",
                fontsize=9)
    ax.plot([], [], marker="s", color="#1f4e79", linestyle="none", label="model")
    ax.plot([], [], marker="o", color="#e07b00", linestyle="none", label="clinicians")
    ax.set_xlim(0, 1)
    ax.set_ylim(-1, n)
    ax.set_yticks([])
    ax.set_xlabel("figure as a fraction", fontsize=9)
    ax.legend(loc="lower left", fontsize=7)
    ax.set_title(f"{data.title} (model higher in {data.model_higher}, clinicians in {data.clinicians_higher})",
                 fontsize=9)
    return save(fig, fmt)
