"""Metric forms real abstracts use: AP/mAP/UAR, ranges, ± SD, CIs, "respectively" lists, symbols,
percent vs fraction, clinicians kept apart, and each figure attached to its model.

Every sentence here is written for the test (none is taken from an abstract).
"""

from __future__ import annotations

import pytest

from tests.nlp_support import extract, metrics

M = "model"
C = "clinicians"


def figures(sentence: str, *keys: str) -> list[tuple]:
    return [tuple(m[k] for k in keys) for m in extract(sentence)["metrics"]]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The detector reached an average precision of 0.81 for the eye region.",
                     [("average precision", 0.81, "fraction")], id="average-precision"),
        pytest.param("On the held-out photographs the mean average precision (mAP) was 0.78.",
                     [("mAP", 0.78, "fraction")], id="mean-average-precision-defined"),
        pytest.param("Lesion detection gave a mAP of 64.2% at an IoU threshold of 0.5.",
                     [("mAP", 64.2, "%")], id="map-percent-threshold-skipped"),
        pytest.param("The unweighted average recall (UAR) of the pain classifier was 67.3%.",
                     [("balanced accuracy", 67.3, "%")], id="uar-is-balanced-accuracy"),
        pytest.param("Our model had a UAR of 0.71 on the three-class task.",
                     [("balanced accuracy", 0.71, "fraction")], id="uar-abbreviation-alone"),
        pytest.param("Balanced accuracy was 83.9% in the external cohort.",
                     [("balanced accuracy", 83.9, "%")], id="balanced-accuracy-own-name"),
        pytest.param("Segmentation of the lesions reached a mean IoU (mIoU) of 91.2% and a Dice score of 0.88.",
                     [("mIoU", 91.2, "%"), ("Dice coefficient", 0.88, "fraction")], id="miou-and-dice"),
        pytest.param("The classifier reached an F1-score of 0.80 on the test images.",
                     [("F1", 0.80, "fraction")], id="f1-score-of-is-not-a-threshold-score"),
        pytest.param("Its top-1 and top-10 accuracies on unseen syndromes were 38.2% and 71.9%, respectively.",
                     [("top-1 accuracy", 38.2, "%"), ("top-10 accuracy", 71.9, "%")], id="coordinated-top-k"),
        pytest.param("Top-1, top-5 and top-30 accuracy reached 40%, 66% and 90%.",
                     [("top-1 accuracy", 40.0, "%"), ("top-5 accuracy", 66.0, "%"), ("top-30 accuracy", 90.0, "%")],
                     id="three-coordinated-top-k"),
    ],
)
def test_nlp_metric_names_average_precision_uar_and_overlap(sentence: str, expected: list[tuple]) -> None:
    assert figures(sentence, "name", "value", "unit") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Across the five folds, accuracy ranged from 81.5% to 88.2%.",
                     [("accuracy", 81.5, "%", "81.5-88.2"), ("accuracy", 88.2, "%", "81.5-88.2")],
                     id="ranged-from-to"),
        pytest.param("The three networks obtained AUC values between 0.82 and 0.89 in women.",
                     [("AUC", 0.82, "fraction", "0.82-0.89"), ("AUC", 0.89, "fraction", "0.82-0.89")],
                     id="between-and"),
        pytest.param("Sensitivity of the individual models was 92.3%\u2013100%.",
                     [("sensitivity", 92.3, "%", "92.3-100"), ("sensitivity", 100.0, "%", "92.3-100")],
                     id="percent-dash-percent"),
        pytest.param("Across the four sites the network reached AUC values of 0.84-0.90.",
                     [("AUC", 0.84, "fraction", "0.84-0.90"), ("AUC", 0.90, "fraction", "0.84-0.90")],
                     id="plural-values-bare-fraction-range"),
    ],
)
def test_nlp_metric_ranges_give_both_ends_with_the_range_as_printed(sentence: str, expected: list[tuple]) -> None:
    assert figures(sentence, "name", "value", "unit", "value_text") == expected


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Children aged from 3 to 12 years were photographed; accuracy was not computed.", id="ages"),
        pytest.param("Images were collected between 2015 and 2019 to measure sensitivity.", id="years"),
        pytest.param("Specificity was at least 94% in every fold.", id="lower-bound-still-skipped"),
    ],
)
def test_nlp_metric_ranges_of_ages_years_and_bounds_are_not_figures(sentence: str) -> None:
    assert metrics(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Mean sensitivity was 91.0% \u00b1 2.1% and mean specificity 88.4 \u00b1 3.0%.",
                     [("sensitivity", 91.0, "%", 2.1, None, None), ("specificity", 88.4, "%", 3.0, None, None)],
                     id="plus-minus-sd"),
        pytest.param("Over ten runs the accuracy was 0.86 (SD 0.02).",
                     [("accuracy", 0.86, "fraction", 0.02, None, None)], id="sd-in-parentheses"),
        pytest.param("The AUC was 0.84 (95% CI 0.79-0.88) on the external set.",
                     [("AUC", 0.84, "fraction", None, 0.79, 0.88)], id="ci-kept"),
        pytest.param("Agreement with the reference was good (weighted \u03ba=0.71, 95 CI: 0.65-0.77).",
                     [("weighted kappa", 0.71, "fraction", None, 0.65, 0.77)], id="kappa-symbol-ci-without-percent"),
        pytest.param("Its AUC reached 0.77 (95% confidence interval [CI]: 0.71, 0.82) for the rarer syndromes.",
                     [("AUC", 0.77, "fraction", None, 0.71, 0.82)], id="ci-spelled-out-with-bracketed-abbreviation"),
    ],
)
def test_nlp_metric_spread_and_interval_are_kept(sentence: str, expected: list[tuple]) -> None:
    assert figures(sentence, "name", "value", "unit", "sd", "ci_low", "ci_high") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The sensitivity and specificity of the app were 84.0% and 79.5%, respectively.",
                     [("sensitivity", 84.0, "%"), ("specificity", 79.5, "%")], id="sens-spec-respectively"),
        pytest.param("It had a sensitivity and specificity of 0.84 and 0.80, respectively.",
                     [("sensitivity", 0.84, "fraction"), ("specificity", 0.80, "fraction")],
                     id="fractions-respectively"),
        pytest.param("Accuracies for the four age groups were 0.90, 0.94, 0.88 and 0.91, respectively.",
                     [("accuracy", 0.90, "fraction"), ("accuracy", 0.94, "fraction"), ("accuracy", 0.88, "fraction"),
                      ("accuracy", 0.91, "fraction")], id="one-metric-many-groups"),
        pytest.param("The accuracy of the video model for telling tremor from rest was 90.0% and 97.1% "
                     "in 30-s and 5-min clips, respectively.",
                     [("accuracy", 90.0, "%"), ("accuracy", 97.1, "%")], id="far-metric-durations-not-values"),
        pytest.param("AUC values for the grades were 0.93 (mild), 0.86 (moderate) and 0.94 (severe).",
                     [("AUC", 0.93, "fraction"), ("AUC", 0.86, "fraction"), ("AUC", 0.94, "fraction")],
                     id="parenthesised-group-labels"),
        pytest.param("Eye closure correlated with the rating scales (Spearman \u03c1 = 0.56, 0.52 and 0.49).",
                     [("Spearman correlation", 0.56, "fraction"), ("Spearman correlation", 0.52, "fraction"),
                      ("Spearman correlation", 0.49, "fraction")], id="rho-symbol-list"),
        pytest.param("The pain score agreed with the observers' score (r = 0.88).",
                     [("correlation", 0.88, "fraction")], id="r-symbol"),
        pytest.param("The model reached an AUC of 0.82 (p value < 0.01) against controls and an AUC of 0.89 "
                     "(P-value < 0.001) against other syndromes, respectively.",
                     [("AUC", 0.82, "fraction"), ("AUC", 0.89, "fraction")], id="p-values-are-not-figures"),
        pytest.param("The best run gave 0.962 accuracy and 0.951 Z score with the combined features.",
                     [("accuracy", 0.962, "fraction")], id="value-before-name-does-not-run-on"),
    ],
)
def test_nlp_metric_lists_and_symbols(sentence: str, expected: list[tuple]) -> None:
    assert figures(sentence, "name", "value", "unit") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The network reached an accuracy of 90.2% on the internal test set and outperformed "
                     "the performance of twelve junior endocrinologists (84.5%).",
                     [("accuracy", 90.2, M), ("accuracy", 84.5, C)], id="outperformed-parenthesised"),
        pytest.param("Tested against the neurologists' ground truth, the system matched the neurologists' "
                     "level with 96.1% accuracy.",
                     [("accuracy", 96.1, M)], id="clinicians-as-reference-only"),
        pytest.param("The syndrome was within the top five suggestions for 95.2% of the patients and was "
                     "listed as the first prediction for 80.4%.",
                     [("top-5 accuracy", 95.2, M), ("top-1 accuracy", 80.4, M)], id="first-prediction-is-top-1"),
    ],
)
def test_nlp_metric_subject_and_top_one(sentence: str, expected: list[tuple]) -> None:
    assert figures(sentence, "name", "value", "subject") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("ResNet-50, VGG-16 and DenseNet-121 reached AUCs of 0.91, 0.88 and 0.85, respectively.",
                     [(0.91, "ResNet-50"), (0.88, "VGG-16"), (0.85, "DenseNet-121")], id="respectively-list"),
        pytest.param("ResNet-50 reached an accuracy of 91.4%, while VGG-16 reached an accuracy of 85.0%.",
                     [(91.4, "ResNet-50"), (85.0, "VGG-16")], id="each-after-its-model"),
        pytest.param("The accuracy was 0.90 for InceptionV3 and 0.86 for MobileNetV2.",
                     [(0.90, "InceptionV3"), (0.86, "MobileNetV2")], id="for-model-after-value"),
        pytest.param("Accuracies were 93% (EfficientNet-B0), 90% (ResNet-18) and 84% (VGG-19).",
                     [(93.0, "EfficientNet-B0"), (90.0, "ResNet-18"), (84.0, "VGG-19")], id="model-in-parentheses"),
        pytest.param("Using ResNet-50 features, the accuracy was 88%.", [(88.0, None)], id="one-model-not-attached"),
    ],
)
def test_nlp_metric_figures_attach_to_their_model(sentence: str, expected: list[tuple]) -> None:
    assert figures(sentence, "value", "model") == expected


def test_nlp_metric_model_and_range_reach_the_facts() -> None:
    from ingest.nlp.pipeline import facts_from_extraction

    out = extract("Accuracy ranged from 81% to 88% for ResNet-18 and was 92% for ResNet-50.")
    facts = facts_from_extraction(out)["metrics"]
    assert [(f.metric, f.value, f.value_text, f.context) for f in facts] == [
        ("accuracy", 81.0, "81-88", "ResNet-18"), ("accuracy", 88.0, "81-88", "ResNet-18"),
        ("accuracy", 92.0, None, "ResNet-50")]
