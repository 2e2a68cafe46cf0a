"""Response envelopes of the synthesis endpoints: the analysis, and the numbers behind its picture."""

from __future__ import annotations

from pydantic import BaseModel, Field

from analysis.synthesis.forest import ForestData
from analysis.synthesis.meta_analysis import MetaAnalysis, PairOutcome
from analysis.synthesis.sroc import SrocData


class MetaAnalysisPage(BaseModel):
    """One meta-analysis, with the forest plot's (univariate) or SROC plot's (bivariate) numbers."""

    analysis: MetaAnalysis
    forest: ForestData | None = None
    sroc: SrocData | None = None
    review_update: str | None = Field(default=None, description="the latest review update the answer reflects")


class OverviewPage(BaseModel):
    """Every condition- and cause-metric pair the evidence touches: pooled, or refused with the reason."""

    data: list[PairOutcome]
    count: int
    pooled: int
    refused: int
    review_update: str | None = None
