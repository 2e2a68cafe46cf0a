"""Sample sizes, demographic reporting (negation-aware) and study flags."""

from __future__ import annotations

import pytest

from tests.nlp_support import extract


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("We enrolled 1,049 patients and 17 560 facial images.", [(1049, "patients"), (17560, "images")],
                     id="thousands-separators"),
        pytest.param("Videos of 54 individuals with Parkinson disease (N=54) and 48 healthy controls were recorded.",
                     [(54, "patients"), (48, "controls")], id="n-equals-same-sample-once"),
        pytest.param("The cohort comprised patients with acromegaly (n = 207).", [(207, "patients")],
                     id="n-equals-takes-noun-before"),
        pytest.param("Twenty-five children and 312 photographs were included.",
                     [(25, "participants"), (312, "images")], id="word-numbers"),
        pytest.param("Data came from two clinical image databases in 2019 and 30 videos.", [(30, "videos")],
                     id="not-counts"),
        pytest.param("Fewer than 60 reported cases exist; we photographed 14 patients.", [(14, "patients")],
                     id="literature-cases"),
        pytest.param("About 30 cases have been described so far. We studied 9 children.", [(9, "participants")],
                     id="cases-described"),
        pytest.param("It affects an estimated 3.1 million adults, of whom 50,000 patients are treated.", [],
                     id="population-figures"),
    ],
)
def test_nlp_sample_sizes(sentence: str, expected: list[tuple[int, str]]) -> None:
    assert [(s["value"], s["unit"]) for s in extract(sentence)["sample_sizes"]] == expected


@pytest.mark.parametrize(
    ("abstract", "reported"),
    [
        pytest.param("Of the 312 participants, 54% were female and the mean age was 41.2 years.",
                     {"sex", "age"}, id="sex-and-age"),
        pytest.param("Children aged 2-16 years of African, Asian and European ancestry were photographed.",
                     {"age", "race_ethnicity"}, id="age-range-and-ancestry"),
        pytest.param("Lesions on Fitzpatrick skin types IV-VI were under-represented.", {"skin_tone"},
                     id="fitzpatrick"),
        pytest.param("Images came from a multicentre cohort in Germany and Brazil.", {"geography"},
                     id="countries-and-multicentre"),
        pytest.param("We included children and adults with facial palsy.", set(),
                     id="population-word-is-not-age"),
        pytest.param("Ethnicity was not recorded, and there was no information on skin type.", set(),
                     id="negated"),
        pytest.param("Sex and age were recorded, but ethnicity was not available.", {"sex", "age"},
                     id="partly-negated"),
    ],
)
def test_nlp_demographics_reported(abstract: str, reported: set[str]) -> None:
    flags = extract(abstract)["demographics_reported"]
    assert set(flags) == {"sex", "age", "race_ethnicity", "skin_tone", "geography"}
    assert {attr for attr, value in flags.items() if value} == reported


def test_nlp_demographics_negation_keeps_evidence() -> None:
    out = extract("Ethnicity was not recorded.")
    evidence = [e for e in out["demographic_evidence"] if e["attribute"] == "race_ethnicity"]
    assert evidence and evidence[0]["reported"] is False and evidence[0]["text"] == "Ethnicity"


@pytest.mark.parametrize(
    ("abstract", "external", "clinicians"),
    [
        pytest.param("The model was evaluated on an independent external test set from a second hospital.",
                     True, False, id="external-test-set"),
        pytest.param("Performance was confirmed in an independent validation cohort.", True, False,
                     id="independent-cohort"),
        pytest.param("A limitation is the lack of external validation.", False, False, id="negated-external"),
        pytest.param("The algorithm outperformed 20 dysmorphologists in recognising the syndrome.", False, True,
                     id="versus-dysmorphologists"),
        pytest.param("Accuracy was 88% versus 64% for the physicians.", False, True, id="clinician-metric"),
        pytest.param("We trained a CNN on 2,000 images.", False, False, id="neither"),
    ],
)
def test_nlp_flags(abstract: str, external: bool, clinicians: bool) -> None:
    out = extract(abstract)
    assert (out["external_validation"], out["clinician_comparison"]) == (external, clinicians)


@pytest.mark.parametrize(
    ("abstract", "reported"),
    [
        pytest.param("No detectable bias by sex or ethnicity was found.", {"sex", "race_ethnicity"},
                     id="negation-of-something-else"),
        pytest.param("Skin tone was unknown for most images.", set(), id="unknown-after"),
        pytest.param("Without ethnicity data, bias could not be assessed.", set(), id="without-before"),
        pytest.param("Controls were matched for age, sex and BMI.", set(), id="matched-for-is-no-distribution"),
        pytest.param("We compared 80 patients with 80 age- and sex-matched controls.", set(), id="matched-adjective"),
        pytest.param("Of 90 children, 40 boys were age and gender matched to controls.", {"sex"},
                     id="matched-beside-a-count"),
        pytest.param("The records showed a female share of 52% and a mean age of 9 years.", {"sex", "age"},
                     id="female-share-with-words-between"),
        pytest.param("We photographed 280 Chinese boys with fragile X syndrome.",
                     {"sex", "race_ethnicity", "geography"}, id="national-group-of-boys"),
    ],
)
def test_nlp_demographics_negation_is_bound_to_the_attribute(abstract: str, reported: set[str]) -> None:
    assert {attr for attr, value in extract(abstract)["demographics_reported"].items() if value} == reported
