"""Response envelopes of the gap endpoints: the paging fields, ``data``, then the report's context."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from analysis.bias import BiasReport, CauseBias, ConditionBias
from analysis.gapmap import Axis, GapMap, GapMapCell
from analysis.gaps import CauseGapSummary, EvidenceGapReport, GapItem, GapThresholds, RuleInfo

BIAS_LEDGER = "/v1/gaps/bias-reporting/studies"


class PagedEnvelope(BaseModel):
    """The paging fields every list envelope carries (see :mod:`api.paging`)."""

    count: int = Field(description="items matching, over all pages")
    offset: int = 0
    limit: int | None = None
    review_update: str | None = Field(default=None, description="the latest review update the answer reflects "
                                                                 "(also the X-Facekg-Update header)")


class EvidenceGapsPage(PagedEnvelope):
    """Conditions with evidence gaps, worst first (facial-phenotype: most facial features first)."""

    data: list[GapItem]
    universe: str
    thresholds: GapThresholds
    include_retracted: bool
    rules: list[RuleInfo] = Field(description="the rules, worst first")
    conditions_checked: int
    by_cause: list[CauseGapSummary] = Field(description="gap items grouped by cause category, with counts "
                                                        "per rule")

    @staticmethod
    def context(report: EvidenceGapReport) -> dict[str, Any]:
        return {"universe": report.universe, "thresholds": report.thresholds,
                "include_retracted": report.include_retracted, "rules": report.rules,
                "conditions_checked": report.conditions_checked, "by_cause": report.by_cause}


class BiasReportingPage(PagedEnvelope):
    """Per condition: share of studies reporting each demographic attribute, with flags.

    The per-study ledger is its own paged list, at ``/v1/gaps/bias-reporting/studies``.
    """

    data: list[ConditionBias]
    attributes: list[str]
    include_retracted: bool
    by_cause: list[CauseBias]
    study_count: int = Field(description="studies in the ledger (paged at ledger)")
    ledger: str = Field(default=BIAS_LEDGER, description="where each study's reporting per attribute is listed")

    @staticmethod
    def context(report: BiasReport) -> dict[str, Any]:
        return {"attributes": report.attributes, "include_retracted": report.include_retracted,
                "by_cause": report.by_cause, "study_count": len(report.studies)}


class GapMapPage(PagedEnvelope):
    """The gap map's cells, row-major, with its rows and columns."""

    data: list[GapMapCell]
    rows_kind: str
    cols_kind: str
    rows: list[Axis]
    cols: list[Axis]
    thresholds: GapThresholds
    include_retracted: bool

    @staticmethod
    def context(gmap: GapMap) -> dict[str, Any]:
        return {"rows_kind": gmap.rows_kind, "cols_kind": gmap.cols_kind, "rows": gmap.rows, "cols": gmap.cols,
                "thresholds": gmap.thresholds, "include_retracted": gmap.include_retracted}
