"""The review at a glance: the counts on the website's home page and the data behind its charts.

Counted studies exclude retracted ones (a living review keeps them out of counts);
the number left out is reported beside the counts so nothing is hidden.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from analysis.catalogue import CauseSummary, list_causes, list_conditions
from analysis.evidence import is_deep_learning_study
from graph.store import GraphStore
from ontology import Ontology


class YearCount(BaseModel):
    """Counted studies published in one year (``year`` None: the record gives no year)."""

    year: int | None
    studies: int
    deep_learning_studies: int


class ReviewOverview(BaseModel):
    """Headline counts of the review and the per-year and per-cause series the home page draws."""

    studies: int = Field(description="counted studies (retracted ones left out)")
    retracted_studies: int = Field(description="retracted studies, shown but never counted")
    deep_learning_studies: int
    conditions: int = Field(description="ontology conditions (the protocol universe)")
    conditions_with_studies: int = Field(description="ontology conditions with at least one counted study")
    conditions_without_studies: int = Field(description="ontology conditions no counted study addresses")
    unmapped_conditions: int = Field(description="condition names studies use that the ontology lacks")
    by_year: list[YearCount] = Field(description="oldest first; studies without a year last")
    by_cause: list[CauseSummary] = Field(description="the four Table 4 categories first, then the others")
    review_update: str | None = Field(default=None, description="the review update the counts reflect (also the "
                                                                "X-Facekg-Update header)")


def review_overview(store: GraphStore, ontology: Ontology) -> ReviewOverview:
    """Count studies, conditions and causes once over the store."""
    studies = list(store.studies())
    counted = [s for s in studies if not s.retracted]
    conditions = list_conditions(store, ontology)
    mapped = [c for c in conditions if c.mapped]
    years = Counter(s.year for s in counted)
    deep = Counter(s.year for s in counted if is_deep_learning_study(s))
    order = sorted(years, key=lambda y: (y is None, y or 0))
    updates = store.review_updates()
    return ReviewOverview(
        review_update=updates[-1].id if updates else None,
        studies=len(counted), retracted_studies=len(studies) - len(counted),
        deep_learning_studies=sum(deep.values()), conditions=len(mapped),
        conditions_with_studies=sum(1 for c in mapped if c.study_count),
        conditions_without_studies=sum(1 for c in mapped if not c.study_count),
        unmapped_conditions=sum(1 for c in conditions if not c.mapped and c.study_count),
        by_year=[YearCount(year=y, studies=years[y], deep_learning_studies=deep[y]) for y in order],
        by_cause=list_causes(store, ontology))
