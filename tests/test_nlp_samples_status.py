"""Samples (controls, images apart from people, the study total the gap rules use) and the demographic
status the bias ledger reads (reported / stated-not-reported / not-mentioned).

Every sentence here is written for the test (none is taken from an abstract).
"""

from __future__ import annotations

import pytest

from analysis.bias import status_of
from analysis.gaps import participants
from facekg.records import StudyRecord
from ingest.nlp.pipeline import facts_from_extraction
from tests.nlp_support import extract


def samples(sentence: str) -> list[tuple[int, str]]:
    return [(s["value"], s["unit"]) for s in extract(sentence)["sample_sizes"]]


def study_from(abstract: str) -> StudyRecord:
    """The study record `facekg ingest` would build from the extraction (no curated facts)."""
    facts = facts_from_extraction(extract(abstract))
    return StudyRecord(id="s1", title="A study", **facts)


@pytest.mark.parametrize(
    ("sentence", "expected", "total"),
    [
        pytest.param("We recorded 58 patients with hemifacial spasm and 61 healthy volunteers.",
                     [(58, "patients"), (61, "controls")], 119, id="healthy-volunteers-are-controls"),
        pytest.param("Photographs of 42 children with Williams syndrome and 40 typically developing children "
                     "were compared.", [(42, "patients"), (40, "controls")], 82,
                     id="people-with-a-condition-are-patients-typically-developing-are-controls"),
        pytest.param("The cohort comprised 120 cases and 95 volunteers.", [(120, "patients"), (95, "controls")], 215,
                     id="volunteers-beside-cases-are-controls"),
        pytest.param("Thirty volunteers posed six facial expressions.", [(30, "participants")], 30,
                     id="volunteers-alone-are-participants"),
        pytest.param("We analysed 1,200 images of 300 patients with rosacea.", [(1200, "images"), (300, "patients")],
                     300, id="images-kept-apart-from-people"),
        pytest.param("The dataset holds 4,500 facial photographs and 85 videos.", [(4500, "images"), (85, "videos")],
                     None, id="no-people-no-total"),
        pytest.param("We enrolled 210 participants: 110 patients with acromegaly and 100 healthy controls.",
                     [(210, "participants"), (110, "patients"), (100, "controls")], 210,
                     id="whole-and-parts-not-added-twice"),
        pytest.param("Photographs of 36 affected children and 29 unaffected siblings were taken at home.",
                     [(36, "patients"), (29, "controls")], 65, id="affected-are-patients-unaffected-siblings-controls"),
        pytest.param("We filmed 27 boys with autism and 24 typically developing peers.",
                     [(27, "patients"), (24, "controls")], 51, id="typically-developing-peers-are-controls"),
        pytest.param("Three hundred adults with rosacea were photographed.", [(300, "patients")], 300,
                     id="hundreds-in-words-are-not-read-as-the-first-word"),
    ],
)
def test_nlp_samples_controls_images_and_total(sentence: str, expected: list[tuple[int, str]],
                                               total: int | None) -> None:
    out = extract(sentence)
    assert [(s["value"], s["unit"]) for s in out["sample_sizes"]] == expected
    assert out["sample_total"] == total


def test_nlp_sample_total_is_what_the_small_sample_gap_rule_counts() -> None:
    abstract = ("Videos of 58 patients with hemifacial spasm and 61 healthy volunteers were analysed "
                "with a convolutional neural network.")
    assert participants(study_from(abstract)) == 119 == extract(abstract)["sample_total"]


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        pytest.param("Ethnicity was not recorded.", {"race_ethnicity": "stated-not-reported"}, id="not-recorded"),
        pytest.param("Race and ethnicity were not reported, and no information on skin type was available.",
                     {"race_ethnicity": "stated-not-reported", "skin_tone": "stated-not-reported"},
                     id="not-reported-and-no-information"),
        pytest.param("Of the 80 participants, 45% were women; ethnicity was unknown.",
                     {"sex": "reported", "race_ethnicity": "stated-not-reported"}, id="one-reported-one-unknown"),
        pytest.param("Ethnicity was not recorded at the first visit, but 60% of the patients were of Asian "
                     "ancestry.", {"race_ethnicity": "reported"}, id="reported-wins-over-negated"),
        pytest.param("We trained a classifier on facial photographs.", {}, id="nothing-said"),
    ],
)
def test_nlp_demographic_status(abstract: str, expected: dict[str, str]) -> None:
    status = extract(abstract)["demographics_status"]
    assert {a: s for a, s in status.items() if s != "not-mentioned"} == expected


def test_nlp_stated_not_reported_reaches_the_bias_ledger() -> None:
    study = study_from("We photographed 120 patients with acromegaly. Ethnicity was not recorded.")
    assert status_of(study.demographic("race_ethnicity")) == "stated-not-reported"
    assert status_of(study.demographic("skin_tone")) == "not-mentioned"
    report = study.demographic("race_ethnicity")
    assert report is not None and report.reported is False
    assert report.provenance.evidence is not None and report.provenance.evidence.text == "Ethnicity"
