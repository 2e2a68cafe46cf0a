"""The one layer between the website (pages and chart endpoints) and the domain analyses.

Every page and every chart endpoint reads the review through a :class:`ReviewView`,
never through the analyses or the store directly, so:

* when the analyses change signature (issue 9 materialises them per review
  update), only this module changes;
* answering "as of" an earlier review update (``?as_of=``) is the choice of
  ``answers`` (:func:`api.deps.get_answers`), and the page banner shows the
  ``reflects`` update (:meth:`ReviewView.reflects`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from analysis.answers import Answers
from analysis.bias import BiasReport
from analysis.catalogue import (
    CauseSummary,
    ConditionDetail,
    ConditionSummary,
    StudyFilters,
    study_query,
)
from analysis.gapmap import Axis, GapMap, architecture_columns, check_axes
from analysis.gaps import EvidenceGapReport, GapItem
from analysis.overview import ReviewOverview
from api.deps import AnswersDep
from facekg.records import ReviewUpdate, StudyRecord
from facekg.settings import Settings
from graph.exports.release import Release, releases
from graph.store import GraphStore, StudyPage
from ontology import Ontology

StudySort = Literal["newest", "oldest", "title", "author"]
STUDY_SORTS: dict[str, str] = {"newest": "Newest first", "oldest": "Oldest first", "title": "Title (A-Z)",
                               "author": "First author (A-Z)"}
_PAGE = 1000  # the store's largest page, used when a sort other than the store's own needs every match


@dataclass(frozen=True)
class ReviewView:
    """The review as the website shows it: today, the graph as it stands after the latest update.

    Answers come from :class:`analysis.answers.Answers`, the same kept answers the REST API serves.
    """

    store: GraphStore
    ontology: Ontology
    settings: Settings
    answers: Answers
    today: Answers | None = None

    # -- which update the answers reflect (phase 2: the update named by ?as_of=) --
    def updates(self) -> list[ReviewUpdate]:
        """Every review update, oldest first."""
        return self.answers.updates()

    def reflects(self) -> ReviewUpdate | None:
        """The review update every answer on the page reflects: the ``as_of`` one, else the latest."""
        return self.answers.reflects()

    def answers_today(self) -> Answers:
        """Today's answers, whichever update this view reflects (the banner compares the two)."""
        return self.today if self.today is not None else self.answers

    def releases(self) -> list[Release]:
        """The named releases (``facekg release``), oldest first."""
        return releases(self.settings.data_dir)

    def as_of(self) -> str | None:
        """The update this view reflects when it is an earlier one than today's latest, else None."""
        reflects, latest = self.reflects(), self.answers_today().reflects()
        if reflects is None or latest is None or reflects.id == latest.id:
            return None
        return reflects.id

    def latest_release(self) -> Release | None:
        """The latest named release, or None before the first."""
        found = self.releases()
        return found[-1] if found else None

    # -- studies --
    def overview(self) -> ReviewOverview:
        return self.answers.overview()

    def studies(self, filters: StudyFilters, sort: StudySort = "newest") -> StudyPage:
        """One page of matching studies in the order asked for.

        The stores page newest first; other orders fetch every match and sort here
        (fine for a review's thousands of studies; issue 9's store can sort itself).
        """
        if sort == "newest":
            return self.answers.studies(filters)
        query = study_query(filters, self.ontology)
        matches: list[StudyRecord] = []
        offset, total = 0, 1
        while offset < total:
            page = self.store.query(query.model_copy(update={"offset": offset, "limit": _PAGE}))
            matches.extend(page.items)
            total, offset = page.total, offset + _PAGE
        if sort == "oldest":
            matches.sort(key=lambda s: (s.year is None, s.year or 0, s.id))
        elif sort == "title":
            matches.sort(key=lambda s: (s.title.casefold(), s.id))
        else:
            matches.sort(key=lambda s: ((s.first_author or (s.authors[0] if s.authors else "~")).casefold(), s.id))
        return StudyPage(total=total if matches else 0,
                         items=matches[filters.offset:filters.offset + filters.limit])

    def study(self, study_id: str) -> StudyRecord:
        """The study; :class:`facekg.errors.NotFound` when the id is unknown."""
        return self.store.get(study_id)

    def studies_by_id(self, study_ids: list[str]) -> list[StudyRecord]:
        return [self.store.get(sid) for sid in study_ids]

    # -- conditions and causes --
    def causes(self) -> list[CauseSummary]:
        return self.answers.causes()

    def conditions(self) -> list[ConditionSummary]:
        return self.answers.conditions()

    def condition(self, condition_id: str) -> ConditionDetail:
        """The condition; :class:`facekg.errors.NotFound` when the ontology does not know it."""
        return self.answers.condition(condition_id)

    def architecture_families(self) -> list[Axis]:
        """The architecture families the studies table filters by (the gap map's columns)."""
        return architecture_columns(self.ontology)

    # -- gaps --
    def evidence_gaps(self, *, universe: str = "protocol", cause: str | None = None,
                      rule: str | None = None) -> EvidenceGapReport:
        return self.answers.evidence_gaps(universe=universe, cause=cause, rule=rule)

    def condition_gaps(self, condition_id: str) -> GapItem | None:
        """The condition's gap grade and reasons in the protocol universe; None when no rule fires."""
        report = self.evidence_gaps()
        return next((item for item in report.items if item.id == condition_id), None)

    def bias(self, *, condition: str | None = None, attribute: str | None = None) -> BiasReport:
        return self.answers.bias(condition=condition, attribute=attribute)

    def gap_map(self, rows: str, cols: str) -> GapMap:
        check_axes(rows, cols)
        return self.answers.gap_map(rows=rows, cols=cols)

    def gap_map_picture(self, rows: str, cols: str, fmt: str = "svg") -> bytes:
        check_axes(rows, cols, fmt)
        return self.answers.gap_map_picture(fmt, rows=rows, cols=cols)


def get_view(request: Request, answers: Answers | None = None) -> ReviewView:
    """The view of the review over ``answers`` (today's when None: error pages)."""
    chosen = answers if answers is not None else request.app.state.answers
    return ReviewView(store=chosen.store, ontology=request.app.state.ontology,
                      settings=request.app.state.settings, answers=chosen, today=request.app.state.answers)


def view_dependency(request: Request, answers: AnswersDep) -> ReviewView:
    """The view of the review for this request: as of the update ``?as_of=`` names, else today's."""
    return get_view(request, answers)


ViewDep = Annotated[ReviewView, Depends(view_dependency)]
