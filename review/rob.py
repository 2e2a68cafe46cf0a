"""Risk-of-bias tools as data, assessments checked against them, and their summaries.

A tool is one JSON file (``review/tools/*.json``) validated by one schema,
:class:`RiskOfBiasTool`: its domains with signalling questions, the judgements
it allows (each mapped to a ``level``: low / unclear / high / no-information,
which is what the pictures colour), the answers its signalling questions take,
and whether a judgement needs a supporting quote. Adding a tool is adding a
file: no code or schema change. Shipped: Cochrane RoB 1 (the protocol's seven
domains), QUADAS-2, and PROBAST+AI's development and evaluation parts.

Summaries (:func:`summarise`) count judgements per domain, over all studies or
per condition, and give each study's row for the traffic-light plot
(:mod:`review.rob_plots`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from facekg.errors import InputError, NotFound
from review.models import RiskOfBiasAssessment

Level = Literal["low", "unclear", "high", "no-information"]
LEVELS: tuple[Level, ...] = ("low", "unclear", "high", "no-information")
OVERALL = "overall"


class _ToolModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Judgement(_ToolModel):
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    level: Level


class SignallingQuestion(_ToolModel):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)


class ToolDomain(_ToolModel):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    description: str = ""
    bias: str | None = None
    applicability: bool = False
    questions: list[SignallingQuestion] = Field(default_factory=list)


class RiskOfBiasTool(_ToolModel):
    """One risk-of-bias tool, as its data file describes it."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    version: str
    design: str = Field(description="the study designs the tool is made for")
    citation: list[str] = Field(min_length=1)
    urls: list[str] = Field(default_factory=list)
    wording: str = Field(description="whose words the questions are in")
    judgement_label: str = "risk of bias"
    judgements: list[Judgement] = Field(min_length=2)
    applicability_judgements: list[Judgement] = Field(default_factory=list)
    answers: list[str] = Field(default_factory=list)
    support_required: bool = True
    overall: bool = True
    domains: list[ToolDomain] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RiskOfBiasTool:
        for name, items in (("domains", [d.id for d in self.domains]),
                            ("judgements", [j.id for j in self.judgements]),
                            ("applicability_judgements", [j.id for j in self.applicability_judgements])):
            if len(set(items)) != len(items):
                raise ValueError(f"{name}: ids repeat")
        for domain in self.domains:
            ids = [question.id for question in domain.questions]
            if len(set(ids)) != len(ids):
                raise ValueError(f"domain {domain.id!r}: question ids repeat")
            if domain.questions and not self.answers:
                raise ValueError(f"domain {domain.id!r} has signalling questions but the tool lists no answers")
        if any(domain.applicability for domain in self.domains) and not self.applicability_judgements:
            raise ValueError("a domain rates applicability but the tool lists no applicability_judgements")
        return self

    def domain(self, domain_id: str) -> ToolDomain:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise NotFound(f"domain of {self.id}", domain_id)

    def level(self, judgement: str) -> Level:
        for item in self.judgements:
            if item.id == judgement:
                return item.level
        raise NotFound(f"judgement of {self.id}", judgement)


def load_tool(path: Path) -> RiskOfBiasTool:
    """One tool file, validated; errors name the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"not a readable JSON tool file: {exc}", file=str(path)) from exc
    try:
        return RiskOfBiasTool.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise InputError(first["msg"], file=str(path), record=data.get("id") if isinstance(data, dict) else None,
                         field=field) from exc


def load_tools(directory: Path | None = None) -> dict[str, RiskOfBiasTool]:
    """Every ``*.json`` tool in ``directory`` (default: the shipped tools), by id."""
    if directory is None:
        return dict(_shipped_tools())
    tools: dict[str, RiskOfBiasTool] = {}
    for path in sorted(directory.glob("*.json")):
        tool = load_tool(path)
        if tool.id in tools:
            raise InputError(f"tool id {tool.id!r} is used by two files", file=str(path), field="id")
        tools[tool.id] = tool
    return tools


@cache
def _shipped_tools() -> tuple[tuple[str, RiskOfBiasTool], ...]:
    folder = resources.files("review") / "tools"
    with resources.as_file(folder) as path:
        return tuple(load_tools(Path(path)).items())


def check_assessment(assessment: RiskOfBiasAssessment, tool: RiskOfBiasTool) -> None:
    """Raise :class:`InputError` naming the field when the assessment does not fit its tool.

    Drafts may leave domains out; a submitted assessment judges every domain
    (and the overall judgement when the tool has one).
    """
    if assessment.tool != tool.id:
        raise InputError(f"assessment is for tool {assessment.tool!r}, not {tool.id!r}", field="tool")
    allowed = {judgement.id for judgement in tool.judgements}
    applicable = {judgement.id for judgement in tool.applicability_judgements}
    known = {domain.id for domain in tool.domains}
    for index, item in enumerate(assessment.domains):
        where = f"domains[{index}]"
        if item.domain not in known:
            raise InputError(f"unknown domain {item.domain!r}; {tool.id} has: {', '.join(sorted(known))}",
                             field=f"{where}.domain")
        domain = tool.domain(item.domain)
        if item.judgement not in allowed:
            raise InputError(f"judgement {item.judgement!r} is not one of {', '.join(sorted(allowed))}",
                             field=f"{where}.judgement")
        if tool.support_required and assessment.submitted and not (item.support or "").strip():
            raise InputError(f"{tool.name} asks for a supporting quote for each judgement", field=f"{where}.support")
        questions = {question.id for question in domain.questions}
        for question, answer in item.answers.items():
            if question not in questions:
                raise InputError(f"domain {domain.id!r} has no signalling question {question!r}",
                                 field=f"{where}.answers.{question}")
            if answer not in tool.answers:
                raise InputError(f"answer {answer!r} is not one of {', '.join(tool.answers)}",
                                 field=f"{where}.answers.{question}")
        if item.applicability is not None:
            if not domain.applicability:
                raise InputError(f"domain {domain.id!r} does not rate applicability", field=f"{where}.applicability")
            if item.applicability not in applicable:
                raise InputError(f"applicability {item.applicability!r} is not one of {', '.join(sorted(applicable))}",
                                 field=f"{where}.applicability")
    if assessment.overall is not None and assessment.overall not in allowed:
        raise InputError(f"overall judgement {assessment.overall!r} is not one of {', '.join(sorted(allowed))}",
                         field="overall")
    if assessment.submitted:
        missing = known - {item.domain for item in assessment.domains}
        if missing:
            raise InputError(f"a submitted assessment judges every domain; missing: {', '.join(sorted(missing))}",
                             field="domains")
        if tool.overall and assessment.overall is None:
            raise InputError("a submitted assessment gives the overall judgement", field="overall")


class StudyRow(BaseModel):
    """One study's levels per domain (and overall), for the traffic-light plot."""

    study_id: str
    label: str
    levels: dict[str, Level]


class DomainCounts(BaseModel):
    """How many studies were judged at each level in one domain."""

    domain: str
    name: str
    counts: dict[Level, int]
    total: int


class RobSummary(BaseModel):
    """A tool's judgements over a set of studies: per study, per domain, and per condition."""

    tool: str
    judgement_label: str
    studies: list[StudyRow]
    domains: list[DomainCounts]
    by_condition: dict[str, list[DomainCounts]] = Field(default_factory=dict)


def summarise(tool: RiskOfBiasTool, assessments: Iterable[RiskOfBiasAssessment],
              conditions: Mapping[str, Iterable[str]] | None = None,
              labels: Mapping[str, str] | None = None) -> RobSummary:
    """Summarise one assessment per study (pass the consensus ones) with ``tool``.

    ``conditions`` maps a study id to its condition labels for the per-condition
    counts; ``labels`` gives the study labels shown in the plot (default: the id).
    """
    chosen: dict[str, RiskOfBiasAssessment] = {}
    for assessment in assessments:
        if assessment.tool == tool.id:
            chosen[assessment.study_id] = assessment
    rows = [StudyRow(study_id=study_id, label=(labels or {}).get(study_id, study_id),
                     levels=_levels(tool, assessment)) for study_id, assessment in sorted(chosen.items())]
    by_condition: dict[str, list[DomainCounts]] = {}
    if conditions is not None:
        members: dict[str, list[StudyRow]] = {}
        for row in rows:
            for condition in conditions.get(row.study_id, ()):
                members.setdefault(condition, []).append(row)
        by_condition = {condition: _counts(tool, group) for condition, group in sorted(members.items())}
    return RobSummary(tool=tool.id, judgement_label=tool.judgement_label, studies=rows,
                      domains=_counts(tool, rows), by_condition=by_condition)


def worst_level(tool: RiskOfBiasTool, assessment: RiskOfBiasAssessment) -> Level:
    """The overall judgement, or for a tool without one the worst domain (high, then unclear, then low)."""
    levels = _levels(tool, assessment)
    if tool.overall:
        return levels[OVERALL]
    judged = [level for level in levels.values() if level != "no-information"]
    return next((level for level in ("high", "unclear", "low") if level in judged), "no-information")


def high_risk(tool: RiskOfBiasTool, assessments: Iterable[RiskOfBiasAssessment]) -> dict[str, str]:
    """The studies a sensitivity analysis leaves out, by id, with the reason: the overall judgement is high,
    or (for a tool without one) any domain is."""
    found: dict[str, str] = {}
    for assessment in assessments:
        levels = _levels(tool, assessment)
        if tool.overall and levels.get(OVERALL) == "high":
            found[assessment.study_id] = f"high risk of bias overall ({tool.id})"
        elif not tool.overall and "high" in levels.values():
            domains = ", ".join(domain for domain, level in levels.items() if level == "high")
            found[assessment.study_id] = f"high risk of bias ({tool.id}: {domains})"
    return found


def _levels(tool: RiskOfBiasTool, assessment: RiskOfBiasAssessment) -> dict[str, Level]:
    levels: dict[str, Level] = {}
    for domain in tool.domains:
        judged = assessment.judgement(domain.id)
        levels[domain.id] = tool.level(judged.judgement) if judged is not None else "no-information"
    if tool.overall:
        levels[OVERALL] = tool.level(assessment.overall) if assessment.overall else "no-information"
    return levels


def _counts(tool: RiskOfBiasTool, rows: list[StudyRow]) -> list[DomainCounts]:
    columns = [(domain.id, domain.name) for domain in tool.domains] + ([(OVERALL, "Overall")] if tool.overall else [])
    result = []
    for domain_id, name in columns:
        counts: dict[Level, int] = dict.fromkeys(LEVELS, 0)
        for row in rows:
            counts[row.levels[domain_id]] += 1
        result.append(DomainCounts(domain=domain_id, name=name, counts=counts, total=len(rows)))
    return result
