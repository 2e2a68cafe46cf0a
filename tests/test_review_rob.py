"""Risk of bias: tools are data files under one schema; assessments are checked against them and summarised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facekg.errors import InputError
from review.models import DomainJudgement, RiskOfBiasAssessment
from review.rob import load_tool, load_tools, summarise
from review.rob_plots import summary_bars, traffic_light

ROB1_DOMAINS = ["random-sequence-generation", "allocation-concealment", "blinding-participants-personnel",
                "blinding-outcome-assessment", "incomplete-outcome-data", "selective-reporting", "other-bias"]


def test_rob_ships_rob1_with_the_protocols_seven_domains_and_three_judgements() -> None:
    tool = load_tools()["rob1"]
    assert [domain.id for domain in tool.domains] == ROB1_DOMAINS
    assert [judgement.id for judgement in tool.judgements] == ["low", "unclear", "high"]
    assert tool.support_required


def test_rob_ships_quadas2_and_probast_ai_with_their_published_structure() -> None:
    tools = load_tools()
    quadas = tools["quadas2"]
    assert [d.name for d in quadas.domains] == ["Patient selection", "Index test", "Reference standard",
                                                "Flow and timing"]
    assert [len(d.questions) for d in quadas.domains] == [3, 2, 2, 4]
    assert [d.applicability for d in quadas.domains] == [True, True, True, False]
    for part in ("probast-ai-development", "probast-ai-evaluation"):
        tool = tools[part]
        assert [d.name for d in tool.domains] == ["Participants and data sources", "Predictors", "Outcome", "Analysis"]
        assert [d.applicability for d in tool.domains] == [True, True, True, False]
        assert tool.answers == ["yes", "probably yes", "probably no", "no", "no information"]


def _tool_file(folder: Path, **changes: object) -> Path:
    data = {"id": "mini-tool", "name": "A two-domain tool", "version": "1", "design": "any",
            "citation": ["Nobody N. A tool made for this test. 2026."], "wording": "ours",
            "judgements": [{"id": "ok", "label": "Fine", "level": "low"},
                           {"id": "bad", "label": "Worrying", "level": "high"}],
            "answers": ["y", "n"], "support_required": False, "overall": False,
            "domains": [{"id": "one", "name": "First", "questions": [{"id": "q1", "text": "Is it fine?"}]},
                        {"id": "two", "name": "Second"}]}
    data.update(changes)
    path = folder / f"{data['id']}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_rob_a_new_tool_file_loads_and_validates_without_code_changes(tmp_path: Path) -> None:
    _tool_file(tmp_path)
    tool = load_tools(tmp_path)["mini-tool"]
    assessment = RiskOfBiasAssessment(study_id="s", tool="mini-tool", reviewer="AB", submitted=True, domains=[
        DomainJudgement(domain="one", judgement="ok", answers={"q1": "y"}),
        DomainJudgement(domain="two", judgement="bad")])
    from review.rob import check_assessment

    check_assessment(assessment, tool)
    summary = summarise(tool, [assessment])
    assert summary.studies[0].levels == {"one": "low", "two": "high"}


@pytest.mark.parametrize(("changes", "field", "message"), [
    pytest.param({"judgements": [{"id": "ok", "label": "Fine", "level": "green"}] * 2}, "judgements.0.level",
                 "should be 'low'", id="unknown-level"),
    pytest.param({"domains": []}, "domains", "at least 1 item", id="no-domains"),
    pytest.param({"answers": []}, None, "lists no answers", id="questions-without-answers"),
    pytest.param({"colour": "red"}, "colour", "Extra inputs", id="unknown-field"),
])
def test_rob_a_bad_tool_file_names_file_and_field(tmp_path: Path, changes: dict, field: str | None,
                                                  message: str) -> None:
    path = _tool_file(tmp_path, **changes)
    with pytest.raises(InputError, match=message) as error:
        load_tool(path)
    assert error.value.file == str(path) and error.value.record == "mini-tool"
    assert error.value.field == field


def _rob1(reviewer: str | None = "AB", **judged: str) -> RiskOfBiasAssessment:
    return RiskOfBiasAssessment.model_validate({
        "study_id": judged.pop("study", "s"), "tool": "rob1", "reviewer": reviewer, "submitted": True,
        "overall": judged.pop("overall", "high"),
        "domains": [{"domain": domain, "judgement": judged.get(domain.replace("-", "_"), "low"),
                     "support": "Participants were allocated by a computer-generated list."}
                    for domain in ROB1_DOMAINS]})


@pytest.mark.parametrize(("change", "field"), [
    pytest.param(lambda a: a.domains[0].__setattr__("judgement", "some concerns"), "domains[0].judgement",
                 id="judgement-not-in-tool"),
    pytest.param(lambda a: a.domains[1].__setattr__("support", " "), "domains[1].support", id="no-support-quote"),
    pytest.param(lambda a: a.domains.pop(), "domains", id="a-domain-left-out"),
    pytest.param(lambda a: a.domains[2].__setattr__("domain", "blinding"), "domains[2].domain", id="unknown-domain"),
    pytest.param(lambda a: a.domains[0].__setattr__("applicability", "low"), "domains[0].applicability",
                 id="applicability-not-rated-by-rob1"),
])
def test_rob_check_assessment_names_the_offending_field(change: object, field: str) -> None:
    from review.rob import check_assessment

    assessment = _rob1()
    check_assessment(assessment, load_tools()["rob1"])
    change(assessment)  # type: ignore[operator]
    with pytest.raises(InputError) as error:
        check_assessment(assessment, load_tools()["rob1"])
    assert error.value.field == field


def test_rob_summaries_per_domain_and_condition() -> None:
    tool = load_tools()["rob1"]
    assessments = [_rob1(study="a", allocation_concealment="high"), _rob1(study="b", allocation_concealment="unclear"),
                   _rob1(study="c", overall="low")]
    summary = summarise(tool, assessments, conditions={"a": ["Down syndrome"], "b": ["Down syndrome", "Pain"]})
    allocation = next(item for item in summary.domains if item.domain == "allocation-concealment")
    assert allocation.counts == {"low": 1, "unclear": 1, "high": 1, "no-information": 0}
    assert sorted(summary.by_condition) == ["Down syndrome", "Pain"]
    assert summary.by_condition["Pain"][1].counts["unclear"] == 1
    overall = summary.domains[-1]
    assert overall.domain == "overall" and overall.counts["high"] == 2


def test_rob_plots_draw_svg_and_png() -> None:
    tool = load_tools()["rob1"]
    summary = summarise(tool, [_rob1(study="a"), _rob1(study="b", random_sequence_generation="unclear")])
    svg = traffic_light(summary, "svg").decode()
    assert svg.startswith("<?xml") and "Overall" in svg and "Random sequence generation" in svg
    assert traffic_light(summary, "svg") == traffic_light(summary, "svg")
    assert summary_bars(summary, "png").startswith(b"\x89PNG")
    assert "Allocation concealment" in summary_bars(summary, "svg").decode()
