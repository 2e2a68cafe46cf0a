"""The PRISMA 2020 flow of a living review: per review update and cumulative.

The input (:class:`PrismaInput`) is plain counts a reviewer can check: records
identified per source, removed before screening, excluded at screening, reports
not retrieved and excluded with reasons, per update; plus the studies and
reports the review held before its first listed update. The flow follows the
PRISMA 2020 template for updated reviews (Page et al. 2021, BMJ 372:n71, fig. 1):
a "previous studies" arm beside the "identification of new studies" arm, and a
total that adds them. Each update's previous studies are the review's earlier
studies plus those every earlier update added.

Derived counts (screened = identified - removed, sought = screened - excluded,
assessed = sought - not retrieved, included = assessed - excluded) must not go
negative, and a breakdown of reasons must add up to its total; otherwise
:class:`facekg.errors.InputError` names the update and the field.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from facekg.errors import InputError, NotFound


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceCount(_Input):
    source: str = Field(min_length=1)
    records: int = Field(ge=0)


class ReasonCount(_Input):
    reason: str = Field(min_length=1)
    count: int = Field(ge=0)


class UpdateInput(_Input):
    """What one review update found and decided, as counts."""

    id: str = Field(min_length=1)
    label: str | None = None
    databases: list[SourceCount] = Field(default_factory=list, description="databases and registers searched")
    other_sources: list[SourceCount] = Field(default_factory=list,
                                             description="other methods: citation searching, websites, ...")
    duplicates_removed: int = Field(default=0, ge=0)
    automation_removed: int = Field(default=0, ge=0, description="marked ineligible by automation tools")
    other_removed: int = Field(default=0, ge=0, description="removed before screening for other reasons")
    screening_excluded: int = Field(default=0, ge=0, description="records excluded at title/abstract screening")
    screening_reasons: list[ReasonCount] = Field(default_factory=list, description="optional breakdown")
    reports_not_retrieved: int = Field(default=0, ge=0)
    report_exclusions: list[ReasonCount] = Field(default_factory=list, description="full-text exclusions")
    other_not_retrieved: int = Field(default=0, ge=0)
    other_report_exclusions: list[ReasonCount] = Field(default_factory=list)
    new_studies: int | None = Field(default=None, ge=0, description="new studies; default one per report")
    notes: list[str] = Field(default_factory=list)


class PrismaInput(_Input):
    """The flow's input: the review before its first listed update, then each update in order."""

    previous_studies: int = Field(default=0, ge=0)
    previous_reports: int = Field(default=0, ge=0)
    updates: list[UpdateInput] = Field(min_length=1)


class FlowCounts(BaseModel):
    """Every number in one PRISMA 2020 flow diagram."""

    databases: list[SourceCount]
    identified_databases: int
    other_sources: list[SourceCount]
    identified_other: int
    duplicates_removed: int
    automation_removed: int
    other_removed: int
    records_screened: int
    records_excluded: int
    screening_reasons: list[ReasonCount]
    reports_sought: int
    reports_not_retrieved: int
    reports_assessed: int
    report_exclusions: list[ReasonCount]
    reports_excluded: int
    other_reports_sought: int
    other_not_retrieved: int
    other_reports_assessed: int
    other_report_exclusions: list[ReasonCount]
    other_reports_excluded: int
    new_reports: int
    new_studies: int
    previous_studies: int
    previous_reports: int
    total_studies: int
    total_reports: int
    notes: list[str] = Field(default_factory=list)


class UpdateFlow(FlowCounts):
    id: str
    label: str | None = None


class PrismaFlow(BaseModel):
    """The flow of each update (with its previous-studies arm) and of the review as a whole."""

    updates: list[UpdateFlow]
    cumulative: FlowCounts
    review_update: str | None = Field(default=None, description="the latest review update the flow reflects")

    def flow(self, update: str = "cumulative") -> FlowCounts:
        """The cumulative flow, or the flow of the update with this id."""
        if update == "cumulative":
            return self.cumulative
        for flow in self.updates:
            if flow.id == update:
                return flow
        raise NotFound("review update", update)


def _total(items: list[ReasonCount] | list[SourceCount]) -> int:
    return sum(item.count if isinstance(item, ReasonCount) else item.records for item in items)


def _merge(lists: list[list[ReasonCount]]) -> list[ReasonCount]:
    merged: dict[str, int] = {}
    for items in lists:
        for item in items:
            merged[item.reason] = merged.get(item.reason, 0) + item.count
    return [ReasonCount(reason=reason, count=count) for reason, count in merged.items()]


def _merge_sources(lists: list[list[SourceCount]]) -> list[SourceCount]:
    merged: dict[str, int] = {}
    for items in lists:
        for item in items:
            merged[item.source] = merged.get(item.source, 0) + item.records
    return [SourceCount(source=source, records=records) for source, records in merged.items()]


def _non_negative(value: int, update: str, field: str, why: str) -> int:
    if value < 0:
        raise InputError(f"{why} gives {value}; counts cannot go negative", record=update, field=field)
    return value


def update_flow(update: UpdateInput, previous_studies: int, previous_reports: int) -> UpdateFlow:
    """The flow of one update, whose previous arm holds the given studies and reports."""
    uid = update.id
    identified = _total(update.databases)
    removed = update.duplicates_removed + update.automation_removed + update.other_removed
    screened = _non_negative(identified - removed, uid, "duplicates_removed",
                             f"{identified} identified - {removed} removed before screening")
    if update.screening_reasons and _total(update.screening_reasons) != update.screening_excluded:
        raise InputError(f"screening reasons add up to {_total(update.screening_reasons)}, not "
                         f"{update.screening_excluded}", record=uid, field="screening_reasons")
    sought = _non_negative(screened - update.screening_excluded, uid, "screening_excluded",
                           f"{screened} screened - {update.screening_excluded} excluded")
    assessed = _non_negative(sought - update.reports_not_retrieved, uid, "reports_not_retrieved",
                             f"{sought} sought - {update.reports_not_retrieved} not retrieved")
    excluded = _total(update.report_exclusions)
    included = _non_negative(assessed - excluded, uid, "report_exclusions",
                             f"{assessed} assessed - {excluded} excluded")
    other = _total(update.other_sources)
    other_assessed = _non_negative(other - update.other_not_retrieved, uid, "other_not_retrieved",
                                   f"{other} sought - {update.other_not_retrieved} not retrieved")
    other_excluded = _total(update.other_report_exclusions)
    other_included = _non_negative(other_assessed - other_excluded, uid, "other_report_exclusions",
                                   f"{other_assessed} assessed - {other_excluded} excluded")
    new_reports = included + other_included
    new_studies = new_reports if update.new_studies is None else update.new_studies
    if new_studies > new_reports:
        raise InputError(f"{new_studies} new studies from {new_reports} reports: a study needs a report",
                         record=uid, field="new_studies")
    return UpdateFlow(
        id=uid, label=update.label, databases=list(update.databases), identified_databases=identified,
        other_sources=list(update.other_sources), identified_other=other,
        duplicates_removed=update.duplicates_removed, automation_removed=update.automation_removed,
        other_removed=update.other_removed, records_screened=screened, records_excluded=update.screening_excluded,
        screening_reasons=list(update.screening_reasons), reports_sought=sought,
        reports_not_retrieved=update.reports_not_retrieved, reports_assessed=assessed,
        report_exclusions=list(update.report_exclusions), reports_excluded=excluded, other_reports_sought=other,
        other_not_retrieved=update.other_not_retrieved, other_reports_assessed=other_assessed,
        other_report_exclusions=list(update.other_report_exclusions), other_reports_excluded=other_excluded,
        new_reports=new_reports, new_studies=new_studies, previous_studies=previous_studies,
        previous_reports=previous_reports, total_studies=previous_studies + new_studies,
        total_reports=previous_reports + new_reports, notes=list(update.notes))


def prisma_flow(data: PrismaInput, *, review_update: str | None = None) -> PrismaFlow:
    """Each update's flow in order, and the cumulative flow from the review's start."""
    flows: list[UpdateFlow] = []
    studies, reports = data.previous_studies, data.previous_reports
    for update in data.updates:
        flow = update_flow(update, studies, reports)
        flows.append(flow)
        studies, reports = flow.total_studies, flow.total_reports

    def summed(name: str) -> int:
        return sum(int(getattr(f, name)) for f in flows)

    new_studies, new_reports = summed("new_studies"), summed("new_reports")
    cumulative = FlowCounts(
        databases=_merge_sources([f.databases for f in flows]), identified_databases=summed("identified_databases"),
        other_sources=_merge_sources([f.other_sources for f in flows]), identified_other=summed("identified_other"),
        duplicates_removed=summed("duplicates_removed"), automation_removed=summed("automation_removed"),
        other_removed=summed("other_removed"), records_screened=summed("records_screened"),
        records_excluded=summed("records_excluded"), screening_reasons=_merge([f.screening_reasons for f in flows]),
        reports_sought=summed("reports_sought"), reports_not_retrieved=summed("reports_not_retrieved"),
        reports_assessed=summed("reports_assessed"), report_exclusions=_merge([f.report_exclusions for f in flows]),
        reports_excluded=summed("reports_excluded"), other_reports_sought=summed("other_reports_sought"),
        other_not_retrieved=summed("other_not_retrieved"), other_reports_assessed=summed("other_reports_assessed"),
        other_report_exclusions=_merge([f.other_report_exclusions for f in flows]),
        other_reports_excluded=summed("other_reports_excluded"), new_reports=new_reports, new_studies=new_studies,
        previous_studies=data.previous_studies, previous_reports=data.previous_reports,
        total_studies=data.previous_studies + new_studies, total_reports=data.previous_reports + new_reports,
        notes=[note for f in flows for note in f.notes])
    return PrismaFlow(updates=flows, cumulative=cumulative, review_update=review_update)
