"""Bias-reporting ledger: statuses, evidence, shares and flags on the hand-built corpus and the demo."""

from __future__ import annotations

import pytest

from analysis.bias import bias_reporting, homogeneity
from facekg.errors import InvalidQuery, NotFound
from graph.sqlite_store import SqliteStore
from ontology import Ontology
from ontology.places import ancestries_in, countries_in
from tests.gap_fixtures import store_with


@pytest.fixture(scope="module")
def store() -> SqliteStore:
    return store_with()


def condition_rows(store: SqliteStore, ontology: Ontology, **kwargs: object) -> dict:
    return {c.condition_id: c for c in bias_reporting(store, ontology, **kwargs).conditions}  # type: ignore[arg-type]


@pytest.mark.parametrize(("attribute", "reported", "stated", "unseen", "subgroup"), [
    pytest.param("sex", 2, 0, 0, 1, id="sex-reported-by-both"),
    pytest.param("age", 0, 0, 2, 0, id="age-not-mentioned"),
    pytest.param("race_ethnicity", 1, 0, 1, 0, id="ancestry-by-one"),
    pytest.param("skin_tone", 0, 1, 1, 0, id="skin-tone-stated-vs-unseen"),
    pytest.param("geography", 2, 0, 0, 0, id="geography-by-both"),
])
def test_bias_condition_shares_are_hand_computed(store: SqliteStore, ontology: Ontology, attribute: str,
                                                 reported: int, stated: int, unseen: int,
                                                 subgroup: int) -> None:
    down = condition_rows(store, ontology)["DownSyndrome"]
    assert down.study_ids == ["ds-good", "ds-second"]
    share = {s.attribute: s for s in down.shares}[attribute]
    assert (share.reported, share.stated_not_reported, share.not_mentioned, share.denominator) == (
        reported, stated, unseen, 2)
    assert share.share == reported / 2
    assert share.subgroup_performance == subgroup


@pytest.mark.parametrize(("condition", "flags"), [
    pytest.param("DownSyndrome", ["skin-tone-not-reported", "single-country"], id="single-country"),
    pytest.param("CorneliaDeLangeSyndrome", ["ancestry-not-reported", "skin-tone-not-reported"],
                 id="curated-geography-is-unknown"),
    pytest.param("NoonanSyndrome", ["ancestry-not-reported", "skin-tone-not-reported"],
                 id="nothing-reported"),
])
def test_bias_flags(store: SqliteStore, ontology: Ontology, condition: str, flags: list[str]) -> None:
    assert condition_rows(store, ontology)[condition].flags == flags


def test_bias_single_country_needs_spans_naming_it(store: SqliteStore, ontology: Ontology) -> None:
    rows = condition_rows(store, ontology)
    assert rows["DownSyndrome"].geography.status == "single"
    assert rows["DownSyndrome"].geography.values == ["Japan"]
    assert rows["DownSyndrome"].ancestry.status == "multiple"
    assert rows["DownSyndrome"].ancestry.values == ["African", "Asian", "European"]
    cdls = rows["CorneliaDeLangeSyndrome"].geography
    assert cdls.status == "unknown"
    assert cdls.reason == "1 of 1 studies have no evidence span naming one of the countries"


def test_bias_ledger_keeps_statuses_and_evidence(store: SqliteStore, ontology: Ontology) -> None:
    ledger = {entry.study_id: entry for entry in bias_reporting(store, ontology).studies}
    assert "ds-retracted" not in ledger
    good = {a.attribute: a for a in ledger["ds-good"].attributes}
    assert [good[a].status for a in ("sex", "age", "race_ethnicity", "skin_tone", "geography")] == [
        "reported", "not-mentioned", "reported", "stated-not-reported", "reported"]
    assert good["sex"].evidence is not None and good["sex"].evidence.text == "56.9% male"
    assert good["sex"].source == "extracted"
    assert good["skin_tone"].evidence is None
    assert good["skin_tone"].evidence_note == "curated: no evidence span"
    assert good["age"].source is None and good["age"].reported is False
    second = {a.attribute: a for a in ledger["ds-second"].attributes}
    assert second["sex"].evidence_note == "curated: no evidence span"
    assert ledger["ds-second"].subgroup_performance_by == ["sex"]
    assert ledger["ds-second"].link == "/v1/studies/ds-second"


def test_bias_cause_category_shares(store: SqliteStore, ontology: Ontology) -> None:
    causes = {c.id: c for c in bias_reporting(store, ontology).by_cause}
    gene = causes["GeneRelated"]
    assert gene.study_ids == ["cdls-one", "ds-good", "ds-second", "kabuki-a", "kabuki-b", "ns-classical"]
    shares = {s.attribute: (s.reported, s.denominator) for s in gene.shares}
    assert shares == {"sex": (2, 6), "age": (0, 6), "race_ethnicity": (1, 6), "skin_tone": (0, 6),
                      "geography": (3, 6)}
    assert causes["Neurological"].study_ids == []


def test_bias_retracted_studies_only_on_request(store: SqliteStore, ontology: Ontology) -> None:
    down = condition_rows(store, ontology, include_retracted=True)["DownSyndrome"]
    assert "skin-tone-not-reported" not in down.flags
    assert down.study_ids == ["ds-good", "ds-retracted", "ds-second"]


def test_bias_condition_and_attribute_filters(store: SqliteStore, ontology: Ontology) -> None:
    report = bias_reporting(store, ontology, condition="Down syndrome", attribute="skin_tone")
    assert [c.condition_id for c in report.conditions] == ["DownSyndrome"]
    assert [s.attribute for s in report.conditions[0].shares] == ["skin_tone"]
    assert [s.study_id for s in report.studies] == ["ds-good", "ds-second"]
    assert all([a.attribute for a in s.attributes] == ["skin_tone"] for s in report.studies)
    assert [c.id for c in report.by_cause] == ["GeneRelated"]


def test_bias_unknown_condition_is_not_found(store: SqliteStore, ontology: Ontology) -> None:
    with pytest.raises(NotFound):
        bias_reporting(store, ontology, condition="no such syndrome")


def test_bias_unknown_attribute_is_named(store: SqliteStore, ontology: Ontology) -> None:
    with pytest.raises(InvalidQuery) as raised:
        bias_reporting(store, ontology, attribute="shoe_size")
    assert raised.value.parameter == "attribute"


@pytest.mark.parametrize(("text", "countries", "ancestries"), [
    pytest.param("recruited at 3 hospitals in Korea", {"South Korea"}, set(), id="country"),
    pytest.param("US and Chinese cohorts", {"United States", "China"}, set(), id="two-countries"),
    pytest.param("patients thus used", set(), set(), id="lower-case-words-do-not-match"),
    pytest.param("White and Black participants", set(), {"European", "African"}, id="ancestries"),
])
def test_bias_places_are_read_from_spans_only(text: str, countries: set[str], ancestries: set[str]) -> None:
    assert countries_in(text) == countries
    assert ancestries_in(text) == ancestries


def test_bias_homogeneity_without_studies_is_unknown() -> None:
    assert homogeneity([], "geography", "countries").status == "unknown"


demo = pytest.mark.demo_corpus


# One demo study marks skin tone as reported: its model's input is facial skin colour (L*a*b*
# complexion), as the facts file's notes say. Every other condition is flagged.
SKIN_TONE_STUDY = "ang-2021-hypertension-facial-complexion"


@demo
def test_bias_demo_corpus_flags_skin_tone_wherever_no_study_reports_it(demo_store: SqliteStore,
                                                                       ontology: Ontology) -> None:
    report = bias_reporting(demo_store, ontology)
    reporting = sorted(s.study_id for s in report.studies for a in s.attributes
                       if a.attribute == "skin_tone" and a.status == "reported")
    assert reporting == [SKIN_TONE_STUDY]
    unflagged = {c.condition_id for c in report.conditions if "skin-tone-not-reported" not in c.flags}
    assert unflagged == {c.condition_id for c in report.conditions if SKIN_TONE_STUDY in c.study_ids}
    assert "Hypertension" in unflagged
    assert len(report.conditions) > len(unflagged) * 5


def test_bias_geography_comes_from_the_places_the_extractor_recorded(ontology: Ontology) -> None:
    from facekg.records import StudyRecord
    from ingest.nlp.facts import facts_from_extraction
    from tests.nlp_support import extract

    out = extract("We enrolled 120 Korean patients and 80 controls from two hospitals in Japan.",
                  title="Deep learning detects Down syndrome from facial photographs")
    cues = [c for c in out["demographic_evidence"] if c["attribute"] == "geography" and c["values"]]
    assert sorted(v for c in cues for v in c["values"]) == ["Japan", "South Korea"]
    facts = facts_from_extraction(out)
    [geography] = [d for d in facts["demographics"] if d.attribute == "geography"]  # type: ignore[attr-defined]
    assert geography.values == ["Japan", "South Korea"]  # type: ignore[attr-defined]
    study = StudyRecord(id="two-countries", title="t", is_deep_learning=True, **facts)  # type: ignore[arg-type]
    row = condition_rows(store_with([study]), ontology)["DownSyndrome"]
    assert (row.geography.status, row.geography.values) == ("multiple", ["Japan", "South Korea"])
