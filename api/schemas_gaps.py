"""Response envelopes of the gap endpoints: ``data`` and ``count`` first, then the report's context."""

from __future__ import annotations

from pydantic import BaseModel, Field

from analysis.bias import BiasReport, CauseBias, ConditionBias, StudyBiasLedger
from analysis.gapmap import Axis, GapMap, GapMapCell
from analysis.gaps import CauseGapSummary, EvidenceGapReport, GapItem, GapThresholds, RuleInfo


class EvidenceGapsPage(BaseModel):
    """Conditions with evidence gaps, worst first (facial-phenotype: most facial features first)."""

    data: list[GapItem]
    count: int = Field(description="gap items matching, over all pages")
    offset: int = 0
    limit: int | None = None
    universe: str
    thresholds: GapThresholds
    include_retracted: bool
    rules: list[RuleInfo] = Field(description="the rules, worst first")
    conditions_checked: int
    by_cause: list[CauseGapSummary] = Field(description="gap items grouped by cause category, with counts "
                                                        "per rule")

    @classmethod
    def of(cls, report: EvidenceGapReport, offset: int = 0, limit: int | None = None) -> EvidenceGapsPage:
        end = None if limit is None else offset + limit
        return cls(data=report.items[offset:end], count=len(report.items), offset=offset, limit=limit,
                   universe=report.universe, thresholds=report.thresholds,
                   include_retracted=report.include_retracted, rules=report.rules,
                   conditions_checked=report.conditions_checked, by_cause=report.by_cause)


class BiasReportingPage(BaseModel):
    """Per condition: share of studies reporting each demographic attribute, with flags."""

    data: list[ConditionBias]
    count: int
    attributes: list[str]
    include_retracted: bool
    by_cause: list[CauseBias]
    studies: list[StudyBiasLedger] = Field(description="the ledger: each study's reporting per attribute")

    @classmethod
    def of(cls, report: BiasReport) -> BiasReportingPage:
        return cls(data=report.conditions, count=len(report.conditions), attributes=report.attributes,
                   include_retracted=report.include_retracted, by_cause=report.by_cause,
                   studies=report.studies)


class GapMapPage(BaseModel):
    """The gap map's cells, row-major, with its rows and columns."""

    data: list[GapMapCell]
    count: int
    rows_kind: str
    cols_kind: str
    rows: list[Axis]
    cols: list[Axis]
    thresholds: GapThresholds
    include_retracted: bool

    @classmethod
    def of(cls, gmap: GapMap) -> GapMapPage:
        return cls(data=gmap.cells, count=len(gmap.cells), rows_kind=gmap.rows_kind, cols_kind=gmap.cols_kind,
                   rows=gmap.rows, cols=gmap.cols, thresholds=gmap.thresholds,
                   include_retracted=gmap.include_retracted)
