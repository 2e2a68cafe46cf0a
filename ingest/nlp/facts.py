"""From the `facekg extract` output to :mod:`facekg.records` facts with provenance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facekg.records import (
    DEMOGRAPHIC_ATTRIBUTES,
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    Evidence,
    Fact,
    GeneFact,
    MetricResult,
    Provenance,
    SampleFact,
    StudyFlag,
)
from ingest.nlp import EXTRACTOR_VERSION
from ingest.nlp.subgroups import add_subgroup_facts


def _provenance(item: Mapping[str, Any], version: str) -> Provenance:
    evidence = None
    if item.get("start") is not None and item.get("end") is not None:
        evidence = Evidence(text=item.get("text") or "", start=int(item["start"]), end=int(item["end"]),
                            sentence=item.get("sentence"))
    return Provenance(source="extracted", evidence=evidence, extractor_version=version)


def _first_evidence(extraction: Mapping[str, Any], key: str, **match: Any) -> Mapping[str, Any]:
    for item in extraction.get(key) or []:
        if all(item.get(k) == v for k, v in match.items()):
            return item
    return {}


def facts_from_extraction(extraction: Mapping[str, Any]) -> dict[str, list[Fact]]:
    """Fact lists keyed like :meth:`StudyRecord.fact_lists`, one fact per distinct identity.

    Mentions of the same concept collapse to one fact whose evidence is the first
    mention. Demographic reports and flags take their evidence from the matching
    cue when the extraction carries one (``demographic_evidence``/``flag_evidence``); an
    attribute whose ``demographics_status`` is ``not-mentioned`` gives no report (False is kept
    for "stated as not reported");
    a demographic report's ``values`` are the countries or ancestry groups its
    reporting cues named.
    Phenotype mentions (HPO terms) are not conditions and are left out.
    """
    version = str(extraction.get("extractor_version") or EXTRACTOR_VERSION)
    out: dict[str, list[Fact]] = {k: [] for k in
                                  ("conditions", "genes", "architectures", "metrics", "samples",
                                   "demographics", "flags")}
    seen: set[tuple[object, ...]] = set()

    def add(kind: str, fact: Fact) -> None:
        if fact.identity() not in seen:
            seen.add(fact.identity())
            out[kind].append(fact)

    for c in extraction.get("conditions") or []:
        if c.get("label", "CONDITION") != "CONDITION":
            continue
        mapped = c.get("mapped", True)
        add("conditions", ConditionFact(name=c["name"], concept_id=c["concept_id"] if mapped else None,
                                        provenance=_provenance(c, version)))
    for g in extraction.get("genes") or []:
        add("genes", GeneFact(symbol=g["symbol"], provenance=_provenance(g, version)))
    for a in extraction.get("architectures") or []:
        add("architectures", ArchitectureFact(name=a["name"], concept_id=a["concept_id"],
                                              is_deep_learning=a.get("is_deep_learning"),
                                              provenance=_provenance(a, version)))
    for m in extraction.get("metrics") or []:
        add("metrics", MetricResult(metric=m["name"], value=m["value"], unit=m.get("unit"),
                                    value_text=m.get("value_text"), ci_low=m.get("ci_low"), ci_high=m.get("ci_high"),
                                    context=m.get("model"), subject=m.get("subject", "model"),
                                    provenance=_provenance(m, version)))
    for s in extraction.get("sample_sizes") or []:
        add("samples", SampleFact(value=s["value"], unit=s["unit"], description=s.get("text"),
                                  provenance=_provenance(s, version)))
    reported = extraction.get("demographics_reported") or {}
    status = extraction.get("demographics_status") or {}
    for attr in DEMOGRAPHIC_ATTRIBUTES:
        if attr not in reported or status.get(attr) == "not-mentioned":
            continue  # nothing said either way: no fact, the ledger counts it as not mentioned
        cue = _first_evidence(extraction, "demographic_evidence", attribute=attr, reported=bool(reported[attr]))
        named = {value for item in extraction.get("demographic_evidence") or []
                 if item.get("attribute") == attr and item.get("reported") for value in item.get("values") or ()}
        add("demographics", DemographicReport(attribute=attr, reported=bool(reported[attr]), values=sorted(named),
                                              provenance=_provenance(cue, version)))
    for name in ("external_validation", "clinician_comparison"):
        if name in extraction:
            cue = _first_evidence(extraction, "flag_evidence", name=name, value=bool(extraction[name]))
            add("flags", StudyFlag(name=name, value=bool(extraction[name]),
                                   provenance=_provenance(cue, version)))
    add_subgroup_facts(out, extraction.get("subgroup_results") or [], version=version)
    return out
