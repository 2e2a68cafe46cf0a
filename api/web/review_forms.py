"""The review's HTML forms, both ways: what a page shows for a model, and the model body a posted form makes.

Forms are drawn from the models, never listed in templates: the extraction
form from :meth:`review.models.ExtractionForm.fields` (so a section added to
the model shows up without template changes), the risk-of-bias form from the
tool's data. Posted values become the same JSON bodies the REST API takes, so
the service validates both alike (a wrong field is a 422 naming it).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from api.web.fact_inputs import FactInput, fact_inputs, fact_type, posted_value
from facekg.records import DEMOGRAPHIC_ATTRIBUTES, DemographicReport, Fact, StudyFlag
from ingest.screening import CRITERIA
from review.extraction import FLAG_NAMES, field_key
from review.models import FORM_SECTIONS, ExtractionForm, FormField, RiskOfBiasAssessment
from review.rob import RiskOfBiasTool
from review.service import InvalidEntry, ScreeningEntry

Form = dict[str, list[str]]
CRITERION_LABELS = {criterion: criterion.replace("-", " ") for criterion in CRITERIA}


def one(form: Form, name: str, default: str = "") -> str:
    return (form.get(name) or [default])[0]


def screening_entry(form: Form) -> ScreeningEntry:
    """A screening (or consensus) decision from its form: stage, decision, protocol reasons, a note."""
    body: dict[str, Any] = {"stage": one(form, "stage"), "decision": one(form, "decision"),
                            "reasons": [r for r in form.get("reasons", []) if r],
                            "reason": one(form, "note").strip() or None}
    try:
        return ScreeningEntry.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidEntry(first["msg"], field=".".join(str(p) for p in first["loc"]) or "body") from exc


class FieldView(BaseModel):
    """One extraction field as the page draws it."""

    section: str
    key: str
    name: str
    summary: str
    evidence: str | None
    verdict: str
    value_json: str
    inputs: list[FactInput]
    has_machine: bool
    note: str


def fact_summary(fact: Fact | None) -> str:
    """A fact's values without provenance, as ``name: value`` pairs."""
    if fact is None:
        return "nothing proposed"
    shown = fact.model_dump(mode="json", exclude={"provenance"}, exclude_none=True)
    return "; ".join(f"{key}: {json.dumps(value) if isinstance(value, dict | list) else value}"
                     for key, value in shown.items()) or "(empty)"


def _unproposed() -> dict[str, tuple[str, dict[str, object]]]:
    """The fields a form asks for although the machine proposed nothing (each demographic attribute, each study
    flag): key -> what the field is about, and its "not reported" value as the starting point of an edit."""
    fields: dict[str, tuple[str, dict[str, object]]] = {}
    for attribute in DEMOGRAPHIC_ATTRIBUTES:
        fields[field_key("demographics", DemographicReport(attribute=attribute))] = (
            f"{attribute.replace('_', ' ')} reported?", {"attribute": attribute, "reported": False})
    for name in FLAG_NAMES:
        fields[field_key("flags", StudyFlag(name=name))] = (  # type: ignore[arg-type]
            f"{name.replace('_', ' ')}?", {"name": name, "value": False})
    return fields


UNPROPOSED = _unproposed()


def _start(field: FormField[Fact]) -> dict[str, Any] | None:
    """Where an edit starts: the reviewer's value, else the machine's, else "not reported" for a field the
    machine proposed nothing for."""
    fact = field.value or field.machine
    if fact is not None:
        started: dict[str, Any] = fact.model_dump(mode="json", exclude={"provenance"}, exclude_none=True)
        return started
    return dict(UNPROPOSED[field.key][1]) if field.key in UNPROPOSED else None


def _stored_start(field: dict[str, Any]) -> dict[str, Any] | None:
    """:func:`_start` of a stored form's field (a JSON body)."""
    fact = field.get("value") or field.get("machine")
    if isinstance(fact, dict):
        return {k: v for k, v in fact.items() if k != "provenance"}
    return dict(UNPROPOSED[field["key"]][1]) if field["key"] in UNPROPOSED else None


def _summary(field: FormField[Fact]) -> str:
    if field.machine is None and field.key in UNPROPOSED:
        return f"{UNPROPOSED[field.key][0]} (nothing proposed by the machine)"
    return fact_summary(field.machine)


def extraction_fields(form: ExtractionForm) -> list[tuple[str, list[FieldView]]]:
    """The form's sections with their fields, in the model's order."""
    sections: dict[str, list[FieldView]] = {}
    for section, field in form.fields():
        evidence = field.machine.provenance.evidence if field.machine is not None else None
        sections.setdefault(section, []).append(FieldView(
            section=section, key=field.key, name=f"{section}.{field.key}", summary=_summary(field),
            evidence=evidence.text if evidence is not None else None, verdict=field.verdict,
            value_json="", inputs=fact_inputs(fact_type(section), _start(field)),
            has_machine=field.machine is not None, note=field.note or ""))
    return list(sections.items())


def extraction_body(current: ExtractionForm, form: Form) -> dict[str, Any]:
    """The stored form with the posted verdicts and values; ``submit`` in the form submits it."""
    body = current.model_dump(mode="json")
    sections = [s for s in FORM_SECTIONS if s in body] + \
        [s for s in body if isinstance(body[s], list) and s not in FORM_SECTIONS and s != "reviewers"]
    for section in dict.fromkeys(sections):
        for field in body.get(section) or []:
            if not isinstance(field, dict) or "key" not in field:
                continue
            name = f"{section}.{field['key']}"
            verdict = one(form, f"{name}.verdict", field["verdict"])
            field["verdict"] = verdict
            field["note"] = one(form, f"{name}.note").strip() or None
            if verdict == "edited":
                text = one(form, f"{name}.value").strip()  # the JSON box, when filled, replaces the inputs
                try:
                    field["value"] = json.loads(text) if text else posted_value(
                        fact_type(section), _stored_start(field),
                        {key.removeprefix(f"{name}.value."): one(form, key) for key in form
                         if key.startswith(f"{name}.value.")})
                except json.JSONDecodeError as exc:
                    raise InvalidEntry(f"the edited value is not JSON: {exc.msg}", record=current.study_id,
                                       field=f"{name}.value") from exc
            elif verdict == "accepted":
                field["value"] = field["machine"]
            else:
                field["value"] = None
    body["submitted"] = one(form, "action") == "submit"
    body.pop("resolution", None)
    return body


class DomainView(BaseModel):
    id: str
    name: str
    description: str
    applicability: bool
    questions: list[tuple[str, str, str]]
    judgement: str
    support: str
    applicability_judgement: str


def rob_domains(tool: RiskOfBiasTool, current: RiskOfBiasAssessment | None) -> list[DomainView]:
    """The tool's domains with the reviewer's saved judgements (question id, text, answer)."""
    views = []
    for domain in tool.domains:
        judged = current.judgement(domain.id) if current else None
        views.append(DomainView(
            id=domain.id, name=domain.name, description=domain.description, applicability=domain.applicability,
            questions=[(q.id, q.text, judged.answers.get(q.id, "") if judged else "") for q in domain.questions],
            judgement=judged.judgement if judged else "", support=(judged.support or "") if judged else "",
            applicability_judgement=(judged.applicability or "") if judged else ""))
    return views


def rob_body(tool: RiskOfBiasTool, form: Form) -> dict[str, Any]:
    """An assessment body from the posted form; domains left unjudged are left out (a draft)."""
    domains = []
    for domain in tool.domains:
        judgement = one(form, f"{domain.id}.judgement")
        if not judgement:
            continue
        item: dict[str, Any] = {"domain": domain.id, "judgement": judgement,
                                "support": one(form, f"{domain.id}.support").strip() or None,
                                "answers": {q.id: one(form, f"{domain.id}.{q.id}") for q in domain.questions
                                            if one(form, f"{domain.id}.{q.id}")}}
        if domain.applicability and one(form, f"{domain.id}.applicability"):
            item["applicability"] = one(form, f"{domain.id}.applicability")
        domains.append(item)
    return {"domains": domains, "overall": (one(form, "overall") or None) if tool.overall else None,
            "submitted": one(form, "action") == "submit"}


def reviewer_verdicts(forms: list[ExtractionForm], viewer: str) -> dict[str, list[str]]:
    """Per field key, what each other reviewer's submitted form says ("AB: accepted"), for the consensus page."""
    said: dict[str, list[str]] = {}
    for form in forms:
        if form.reviewer is None or form.reviewer == viewer or not form.submitted:
            continue
        for _section, field in form.fields():
            shown = field.verdict if field.verdict != "edited" else f"edited to {fact_summary(field.value)}"
            said.setdefault(field.key, []).append(f"{form.reviewer}: {shown}")
    return said


def reviewer_judgements(assessments: list[RiskOfBiasAssessment], viewer: str) -> dict[str, list[str]]:
    """Per domain id (and ``overall``), each other reviewer's submitted judgement, for the consensus page."""
    said: dict[str, list[str]] = {}
    for assessment in assessments:
        if assessment.reviewer is None or assessment.reviewer == viewer or not assessment.submitted:
            continue
        for judged in assessment.domains:
            said.setdefault(judged.domain, []).append(
                f"{assessment.reviewer}: {judged.judgement}" + (f" ({judged.support})" if judged.support else ""))
        if assessment.overall:
            said.setdefault("overall", []).append(f"{assessment.reviewer}: {assessment.overall}")
    return said
