"""The PRISMA 2020 flow: counts on a hand-computed two-update review, from a fixture graph, and the diagram."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from analysis.synthesis.prisma import PrismaInput, ReasonCount, SourceCount, UpdateInput, prisma_flow
from analysis.synthesis.prisma_diagram import render_prisma
from analysis.synthesis.prisma_graph import prisma_from_store
from facekg.errors import InputError
from facekg.records import ReviewUpdate, ScreeningDecision
from graph.sqlite_store import SqliteStore
from ingest.load import record_screening_decision
from tests.data import study

SVG = "{http://www.w3.org/2000/svg}"


def two_updates() -> PrismaInput:
    """A review of 10 studies (12 reports) updated twice; every number below is summed by hand."""
    first = UpdateInput(
        id="2025-01", databases=[SourceCount(source="PubMed", records=120), SourceCount(source="Scopus", records=80)],
        other_sources=[SourceCount(source="citation searching", records=6)], duplicates_removed=50,
        automation_removed=5, other_removed=5, screening_excluded=100,
        screening_reasons=[ReasonCount(reason="non-human", count=30), ReasonCount(reason="non-medical", count=70)],
        reports_not_retrieved=4, report_exclusions=[ReasonCount(reason="not-full-face", count=10),
                                                   ReasonCount(reason="non-empirical", count=6)],
        other_not_retrieved=1, other_report_exclusions=[ReasonCount(reason="non-medical", count=2)], new_studies=21)
    second = UpdateInput(id="2025-07", databases=[SourceCount(source="PubMed", records=60)], duplicates_removed=25,
                         screening_excluded=30, report_exclusions=[ReasonCount(reason="retracted", count=1)])
    return PrismaInput(previous_studies=10, previous_reports=12, updates=[first, second])


def test_prisma_counts_each_update_with_its_previous_studies_arm() -> None:
    first, second = prisma_flow(two_updates()).updates
    assert (first.identified_databases, first.identified_other) == (200, 6)
    assert (first.records_screened, first.records_excluded, first.reports_sought) == (140, 100, 40)
    assert (first.reports_assessed, first.reports_excluded) == (36, 16)
    assert (first.other_reports_sought, first.other_reports_assessed, first.other_reports_excluded) == (6, 5, 2)
    assert (first.new_reports, first.new_studies) == (23, 21)  # 20 from databases + 3 from other methods
    assert (first.previous_studies, first.previous_reports, first.total_studies, first.total_reports) == (
        10, 12, 31, 35)
    assert (second.records_screened, second.reports_sought, second.reports_assessed) == (35, 5, 5)
    assert (second.new_reports, second.new_studies) == (4, 4)  # one study per report by default
    assert (second.previous_studies, second.previous_reports, second.total_studies, second.total_reports) == (
        31, 35, 35, 39)


def test_prisma_cumulative_flow_sums_the_updates_from_the_review_start() -> None:
    total = prisma_flow(two_updates()).cumulative
    assert {s.source: s.records for s in total.databases} == {"PubMed": 180, "Scopus": 80}
    assert (total.identified_databases, total.duplicates_removed, total.automation_removed) == (260, 75, 5)
    assert (total.records_screened, total.records_excluded, total.reports_sought) == (175, 130, 45)
    assert (total.reports_not_retrieved, total.reports_assessed, total.reports_excluded) == (4, 41, 17)
    assert {r.reason: r.count for r in total.report_exclusions} == {"not-full-face": 10, "non-empirical": 6,
                                                                   "retracted": 1}
    assert (total.new_reports, total.new_studies) == (27, 25)
    assert (total.previous_studies, total.total_studies, total.total_reports) == (10, 35, 39)


@pytest.mark.parametrize(("change", "field"), [
    pytest.param({"duplicates_removed": 250}, "duplicates_removed", id="more-removed-than-identified"),
    pytest.param({"screening_excluded": 150, "screening_reasons": []}, "screening_excluded",
                 id="more-excluded-than-screened"),
    pytest.param({"screening_excluded": 99}, "screening_reasons", id="reasons-do-not-add-up"),
    pytest.param({"new_studies": 24}, "new_studies", id="more-studies-than-reports"),
])
def test_prisma_refuses_counts_that_do_not_add_up_naming_update_and_field(change: dict, field: str) -> None:
    data = two_updates()
    data.updates[0] = data.updates[0].model_copy(update=change)
    with pytest.raises(InputError) as caught:
        prisma_flow(data)
    assert caught.value.record == "2025-01" and caught.value.field == field


def test_prisma_from_the_graph_uses_updates_studies_and_reviewer_decisions() -> None:
    store = SqliteStore(None)
    mice = study("s1").model_copy(update={"review_update": "A", "screening": ScreeningDecision(
        suggestion="exclude", reasons=[{"criterion": "non-human", "evidence": "in mice"}])})
    first = [mice, study("s2", retracted=True).model_copy(update={"review_update": "A"}),
             study("s3").model_copy(update={"review_update": "A"})]
    store.write(first, ReviewUpdate(id="A", created_at="2026-01-01T00:00:00+00:00", source="pubmed.nbib",
                                    counts={"records_read": 5, "created": 3, "updated": 0, "unchanged": 0}))
    second = [study("s4").model_copy(update={"review_update": "B", "screening": ScreeningDecision(
        suggestion="exclude", reasons=[{"criterion": "non-medical", "evidence": "criminology"}])}),
        study("s5").model_copy(update={"review_update": "B"})]
    store.write(second, ReviewUpdate(id="B", created_at="2026-02-01T00:00:00+00:00", source="scopus.ris",
                                     counts={"records_read": 4, "created": 2, "updated": 2, "duplicates_merged": 1}))
    record_screening_decision(store, "s1", "exclude", "ann", reason="animal study")

    flow = prisma_from_store(store)
    a, b = flow.updates
    assert [u.id for u in flow.updates] == ["A", "B"]  # the decision's own update identifies nothing
    assert (a.identified_databases, a.duplicates_removed, a.records_screened, a.records_excluded) == (5, 2, 3, 1)
    assert [(r.reason, r.count) for r in a.screening_reasons] == [("animal study", 1)]
    assert [(r.reason, r.count) for r in a.report_exclusions] == [("retracted publication", 1)]
    assert (a.new_studies, a.total_studies) == (1, 1)
    assert (b.identified_databases, b.duplicates_removed, b.records_screened, b.records_excluded) == (5, 3, 2, 0)
    assert (b.previous_studies, b.new_studies, b.total_studies) == (1, 2, 3)
    assert any("await a reviewer's decision" in note for note in b.notes)
    assert any("were not recorded" in note for note in a.notes) and not any("not recorded" in n for n in b.notes)
    assert flow.cumulative.total_studies == 3
    assert flow.review_update == store.review_updates()[-1].id


def test_prisma_diagram_is_svg_with_every_box_count() -> None:
    flow = prisma_flow(two_updates())
    svg = render_prisma(flow.updates[1], "PRISMA 2020 flow: 2025-07")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for phrase in ("Studies included in previous version of review (n = 31)", "Records screened (n = 35)",
                   "Total studies included in review (n = 35)", "retracted (n = 1)"):
        assert phrase in " ".join(text.split()), phrase


def test_prisma_diagram_draws_the_other_methods_arm_when_other_sources_were_searched() -> None:
    flow = prisma_flow(two_updates())
    text = " ".join(" ".join("".join(t.itertext()) for t in ET.fromstring(render_prisma(
        flow.updates[0], "update 1")).iter(f"{SVG}text")).split())
    assert "via other methods" in text and "citation searching (n = 6)" in text
    assert render_prisma(flow.cumulative, "all", "png").startswith(b"\x89PNG")
