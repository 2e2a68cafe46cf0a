"""Entities: conditions, genes (with disambiguation), architectures, abbreviations, name normalisation."""

from __future__ import annotations

import pytest

from ingest.nlp.abbreviations import find_long_form
from ingest.nlp.vocabulary import name_variants, split_alternates, title_case
from tests.nlp_support import entities, extract


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Pathogenic CAD variants segregated in two families.", [("CAD", "CAD")],
                     id="cad-with-variant-context-is-a-gene"),
        pytest.param("Individuals with NIPBL, SMC1A and HDAC8 variants were included.",
                     [("NIPBL", "NIPBL"), ("SMC1A", "SMC1A"), ("HDAC8", "HDAC8")], id="coordinated-genes"),
        pytest.param("Girls with MECP2-related Rett syndrome were filmed.", [("MECP2", "MECP2")],
                     id="related-suffix"),
        pytest.param("De novo KAT6A mutations cause a syndromic disorder; KIT was not examined.",
                     [("KAT6A", "KAT6A")], id="short-symbol-without-context-dropped"),
        pytest.param("A computer-aided diagnosis (CAD) tool labelled SET, CAT and MAX images.", [],
                     id="abbreviations-and-words-are-not-genes"),
        pytest.param("We trained a CNN and an SVM; ROC and AUC analyses used PC, ICA, MRI and CT data.", [],
                     id="method-acronyms-are-not-genes"),
    ],
)
def test_nlp_genes_need_gene_context_when_ambiguous(sentence: str, expected: list) -> None:
    assert entities(sentence, "genes") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Patients with CAD were identified from facial photographs.",
                     [("CAD", "CoronaryArteryDisease")], id="cad-with-patient-context-is-the-disease"),
        pytest.param("A computer-aided diagnosis (CAD) system read the photographs.", [],
                     id="cad-defined-as-something-else"),
        pytest.param("Facial expressivity in PD was reduced compared with healthy controls.",
                     [("PD", "ParkinsonDisease")], id="pd-in-context"),
        pytest.param("The pupillary distance (PD) was measured on each photograph.", [],
                     id="pd-defined-as-pupillary-distance"),
        pytest.param("Williams-Beuren syndrome (WBS) is rare; faces of children with WBS were scored.",
                     [("Williams-Beuren syndrome", "WilliamsBeurenSyndrome"), ("WBS", "WilliamsBeurenSyndrome"),
                      ("WBS", "WilliamsBeurenSyndrome")], id="abbreviation-resolves-later-mentions"),
    ],
)
def test_nlp_conditions_short_forms_resolved_by_context(sentence: str, expected: list) -> None:
    assert entities(sentence, "conditions") == expected


def test_nlp_abbreviation_not_in_vocabulary_takes_its_long_forms_entity() -> None:
    found = entities("Koolen-de Vries syndrome (KdVS) is caused by KANSL1 haploinsufficiency; "
                     "in KdVS the face is distinctive.", "conditions")
    assert [cid for _, cid in found] == ["KoolenDeVriesSyndrome"] * 3


def test_nlp_unmapped_disease_keeps_its_source_id_and_is_reported() -> None:
    out = extract("Photographs of individuals with Angelman syndrome were analysed.")
    angelman = [c for c in out["conditions"] if c["text"] == "Angelman syndrome"]
    assert angelman and angelman[0]["concept_id"].startswith(("DOID:", "OMIM:", "ORPHA:"))
    assert angelman[0]["cause_categories"] == [] and angelman[0]["mapped"] is False
    assert angelman[0]["name"] in out["unmapped_conditions"]


def test_nlp_conditions_carry_cause_categories() -> None:
    out = extract("We studied facial videos of girls with Rett syndrome.")
    rett = [c for c in out["conditions"] if c["concept_id"] == "RettSyndrome"]
    assert rett and set(rett[0]["cause_categories"]) >= {"GeneRelated", "Neurological"}


def test_nlp_architectures_and_deep_learning_flag() -> None:
    out = extract("We compared ResNet-50 with a support vector machine trained on landmarks.")
    assert [(a["concept_id"], a["is_deep_learning"]) for a in out["architectures"]] == [
        ("ResNet50", True), ("SupportVectorMachine", False)]
    assert out["is_deep_learning"] is True
    classical = extract("A random forest classified facial landmarks.")
    assert classical["is_deep_learning"] is False


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("CORNELIA DE LANGE SYNDROME 1; CDLS1", ["Cornelia de lange syndrome 1",
                                                           "Cornelia de lange syndrome", "CDLS1"], id="omim-caps"),
        pytest.param("Cardiomyopathy, dilated, 1A", ["Cardiomyopathy, dilated, 1A", "Cardiomyopathy, dilated",
                                                    "dilated cardiomyopathy"], id="inverted"),
        pytest.param("Muscular dystrophy, Duchenne type", ["Muscular dystrophy, Duchenne type",
                                                          "Duchenne muscular dystrophy"], id="type-modifier"),
        pytest.param("Ehlers-Danlos syndrome, classic type", ["Ehlers-Danlos syndrome, classic type",
                                                             "Ehlers-Danlos syndrome"], id="named-head-kept"),
        pytest.param("Neurodevelopmental disorder, X-linked", ["Neurodevelopmental disorder, X-linked",
                                                              "X-linked neurodevelopmental disorder"],
                     id="generic-head-not-a-name"),
        pytest.param("Noonan syndrome 1", ["Noonan syndrome 1", "Noonan syndrome"], id="numbered-subtype"),
    ],
)
def test_nlp_vocabulary_normalises_omim_names(name: str, expected: list[str]) -> None:
    assert name_variants(name) == expected


def test_nlp_vocabulary_splits_alternates_and_title_cases() -> None:
    assert split_alternates("ANGELMAN SYNDROME; AS;; HAPPY PUPPET SYNDROME") == [
        "ANGELMAN SYNDROME", "AS", "HAPPY PUPPET SYNDROME"]
    assert title_case("SMITH-MAGENIS SYNDROME TYPE II") == "Smith-magenis syndrome type II"


@pytest.mark.parametrize(
    ("short", "candidate", "expected"),
    [
        pytest.param("WBS", "children with Williams-Beuren syndrome", "Williams-Beuren syndrome", id="hyphen"),
        pytest.param("CAD", "a system for computer-aided diagnosis", "computer-aided diagnosis", id="inner"),
        pytest.param("XYZ", "a study of facial images", None, id="no-long-form"),
    ],
)
def test_nlp_schwartz_hearst_long_form(short: str, candidate: str, expected: str | None) -> None:
    start = find_long_form(short, candidate)
    assert (candidate[start:] if start is not None else None) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Women with hereditary breast cancer were photographed.", ["hereditary breast cancer"],
                     id="clinical-modifier-joins-the-name"),
        pytest.param("Carriers of breast and ovarian cancer risk alleles were excluded.",
                     ["breast", "breast and ovarian cancer"], id="coordinated-heads"),
        pytest.param("Three children had mandibular tumours.", ["mandibular tumours"], id="head-noun-rule"),
        pytest.param("Severe Noonan syndrome was rare.", ["Noonan syndrome"], id="severity-is-not-part-of-name"),
    ],
)
def test_nlp_disease_mentions_general_rules(sentence: str, expected: list[str]) -> None:
    assert sorted(text for text, _ in entities(sentence, "conditions")) == sorted(expected)


def test_nlp_architecture_generic_phrase_is_a_study_flag_not_an_architecture() -> None:
    named = [cid for _, cid in entities("A deep learning model based on ResNet-50 was trained.", "architectures")]
    assert named == ["ResNet50"]
    out = extract("A deep learning model was trained on photographs.")
    assert out["architectures"] == []
    assert [g["concept_id"] for g in out["generic_methods"]] == ["DeepLearning"]
    assert out["is_deep_learning"] is True


@pytest.mark.parametrize(
    ("sentence", "description", "concept"),
    [
        pytest.param("Our proposed network graded the eyelid photographs.", "proposed network", "DeepLearning",
                     id="our-proposed-network"),
        pytest.param("A chin contour tracking network was developed for the videos.",
                     "chin contour tracking network", "DeepLearning", id="described-then-developed"),
        pytest.param("We trained a compact two-stream network on the clips.", "compact two-stream network",
                     "DeepLearning", id="two-stream"),
        pytest.param("Our model separated the three groups of photographs.", "model", "MachineLearning",
                     id="our-model-is-machine-learning"),
    ],
)
def test_nlp_architecture_named_only_by_a_description_is_a_generic_method(sentence: str, description: str,
                                                                          concept: str) -> None:
    out = extract(sentence)
    assert out["architectures"] == []
    assert [(g["text"], g["concept_id"]) for g in out["generic_methods"]] == [(description, concept)]


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("A ResNet-50 network was trained on the photographs.", id="named-model-wins"),
        pytest.param("The model of care was changed in 2019.", id="model-of-is-no-method"),
        pytest.param("The network of clinics shared their photographs.", id="network-of-is-no-method"),
        pytest.param("The final model was chosen by its validation loss.", id="no-cue-no-description"),
    ],
)
def test_nlp_architecture_descriptions_need_a_cue_and_no_named_model(sentence: str) -> None:
    out = extract(sentence)
    assert [g["text"] for g in out["generic_methods"]] == []


@pytest.mark.parametrize(
    ("sentence", "text", "name"),
    [
        pytest.param("Photographs of 120 patients with acne vulgaris were graded.", "acne vulgaris", "acne",
                     id="latin-qualifier-joins-the-name"),
        pytest.param("Facial erythema in rosacea was segmented.", "rosacea", "rosacea", id="rosacea"),
        pytest.param("Untreated hypothyroidism changes the face.", "hypothyroidism", "hypothyroidism",
                     id="hypothyroidism"),
        pytest.param("We scored plaques of psoriasis on facial photographs.", "psoriasis", "psoriasis",
                     id="general-concept-not-a-numbered-subtype"),
    ],
)
def test_nlp_common_conditions_come_from_the_disease_ontology(sentence: str, text: str, name: str) -> None:
    found = [c for c in extract(sentence)["conditions"] if c["text"] == text]
    assert found, f"{text!r} not found in {sentence!r}"
    assert found[0]["concept_id"].startswith("DOID:")
    assert found[0]["name"].lower() == name


def test_nlp_possessive_eponym_is_the_same_disease() -> None:
    possessive = extract("We trained DenseNet121 on photographs of 300 patients with Alzheimer's disease.")
    plain = extract("Faces of patients with Alzheimer disease were compared.")
    bare = extract("Hypomimia in 40 people with Alzheimer's was rated.")
    ids = [[c["concept_id"] for c in out["conditions"] if c["label"] == "CONDITION"]
           for out in (possessive, plain, bare)]
    assert ids[0] and ids[0] == ids[1] == ids[2]


def test_nlp_coordinated_syndromes_are_two_conditions() -> None:
    out = extract("Children with Noonan and Williams syndromes were photographed.")
    ids = {c["concept_id"] for c in out["conditions"]}
    assert {"NoonanSyndrome", "WilliamsBeurenSyndrome"} <= ids, ids


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Transformers were fitted to the facial video frames.", "Transformer", id="transformers"),
        pytest.param("Two linear discriminant analyses split the groups.", "LinearDiscriminantAnalysis",
                     id="analyses"),
        pytest.param("We compared several convolutional neural networks.", "ConvolutionalNeuralNetwork",
                     id="networks"),
        pytest.param("Support vector machines served as the baseline.", "SupportVectorMachine", id="machines"),
    ],
)
def test_nlp_architecture_named_in_the_plural(sentence: str, expected: str) -> None:
    assert expected in [cid for _text, cid in entities(sentence, "architectures")]


def test_nlp_method_plural_leaves_model_names_alone() -> None:
    from ingest.nlp.vocabulary import method_plural

    assert method_plural("random forest") == "random forests"
    assert method_plural("principal component analysis") == "principal component analyses"
    assert method_plural("naive Bayes") is None and method_plural("ResNet") is None
    assert method_plural("gradient boosting") is None


def test_nlp_abbreviation_with_initials_in_another_order_resolves_for_a_known_disease() -> None:
    text = "Myotonic dystrophy (DM) was studied in 40 adults. Faces in DM show ptosis."
    found = [(t, cid) for t, cid in entities(text, "conditions") if t == "DM"]
    assert len(found) == 2 and found[0][1] and found[0][1] == found[1][1]
    assert [t for t, _ in entities("We used diffusion maps (DM) on 40 faces. DM helped.", "conditions")] == []


def test_nlp_reordered_long_form_needs_the_initials_of_the_last_words() -> None:
    from ingest.nlp.abbreviations import _reordered_long_form

    assert _reordered_long_form("DM", "the common myotonic dystrophy") == len("the common ")
    assert _reordered_long_form("DM", "the common dystrophy") is None
    assert _reordered_long_form("Dm", "myotonic dystrophy") is None
