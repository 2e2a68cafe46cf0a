"""The metric matcher: names, values, units, 95% CIs, coordination, top-k, comparators."""

from __future__ import annotations

import pytest

from tests.nlp_support import metrics

M = "model"
C = "clinicians"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The model achieved an AUC of 0.73 (95% CI 0.70-0.76) in the hold-out set.",
                     [("AUC", 0.73, "fraction", 0.70, 0.76, M)], id="ci-parenthesised-hyphen"),
        pytest.param("On the test set the AUC was 0.73 (95% CI: 0.70 to 0.76).",
                     [("AUC", 0.73, "fraction", 0.70, 0.76, M)], id="ci-colon-to"),
        pytest.param("Discrimination was good (AUROC 0.88 [0.84, 0.91]).",
                     [("AUC", 0.88, "fraction", 0.84, 0.91, M)], id="ci-square-brackets"),
        pytest.param("The area under the curve was 0.91 (95% confidence interval 0.87\u20130.95).",
                     [("AUC", 0.91, "fraction", 0.87, 0.95, M)], id="ci-spelled-out-en-dash"),
        pytest.param("Mean sensitivity reached 86.4% (95% CI, 80.1%\u201491.3%) across folds.",
                     [("sensitivity", 86.4, "%", 80.1, 91.3, M)], id="ci-percent-em-dash"),
        pytest.param("Classification performance was high (AUC = 0.91, p < 0.001).",
                     [("AUC", 0.91, "fraction", None, None, M)], id="equals-sign-and-p-value"),
        pytest.param("Our network reached an AUROC of 0.94 for hypomimia.",
                     [("AUC", 0.94, "fraction", None, None, M)], id="auroc-of"),
        pytest.param("The classifier reached an accuracy of 92.7% in 1,049 patients aged 45\u201370 years.",
                     [("accuracy", 92.7, "%", None, None, M)], id="accuracy-of-percent-not-counts"),
        pytest.param("We obtained 95% sensitivity and 90% specificity for acromegaly.",
                     [("sensitivity", 95.0, "%", None, None, M), ("specificity", 90.0, "%", None, None, M)],
                     id="value-before-name"),
    ],
)
def test_nlp_metrics_value_and_confidence_interval(sentence: str, expected: list[tuple]) -> None:
    assert metrics(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The sensitivity, specificity and accuracy were 80%, 54% and 70%.",
                     [("sensitivity", 80.0), ("specificity", 54.0), ("accuracy", 70.0)], id="were-list"),
        pytest.param("The model had a sensitivity and specificity of 88.6% and 91.2%, respectively.",
                     [("sensitivity", 88.6), ("specificity", 91.2)], id="respectively"),
        pytest.param("Accuracy was 92%, sensitivity 80% and specificity 100% in the binary task.",
                     [("accuracy", 92.0), ("sensitivity", 80.0), ("specificity", 100.0)], id="interleaved"),
        pytest.param("The AUROC was 0.73 for the first tool, 0.55 for the second and 0.86 for the third.",
                     [("AUC", 0.73), ("AUC", 0.55), ("AUC", 0.86)], id="one-name-several-values"),
    ],
)
def test_nlp_metrics_coordinated_values(sentence: str, expected: list[tuple[str, float]]) -> None:
    assert [(name, value) for name, value, *_ in metrics(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The network achieved a top-10 accuracy of 91% on 502 photographs.",
                     [("top-10 accuracy", 91.0)], id="top-10-accuracy"),
        pytest.param("The correct diagnosis was listed within the top 10 in 91% of cases.",
                     [("top-10 accuracy", 91.0)], id="within-the-top-10"),
        pytest.param("Top-5 sensitivity was 78%, and top-1 accuracy 61%.",
                     [("top-5 accuracy", 78.0), ("top-1 accuracy", 61.0)], id="top-k-sensitivity"),
    ],
)
def test_nlp_metrics_top_k(sentence: str, expected: list[tuple[str, float]]) -> None:
    assert [(name, value) for name, value, *_ in metrics(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The network's accuracy was 89%, compared with 72% for the dysmorphologists.",
                     [("accuracy", 89.0, M), ("accuracy", 72.0, C)], id="compared-with"),
        pytest.param("Clinicians achieved an accuracy of 65%, whereas the CNN achieved 88%.",
                     [("accuracy", 65.0, C), ("accuracy", 88.0, M)], id="whereas"),
        pytest.param("Accuracy, sensitivity and specificity were 92%, 80% and 100%; 20 dysmorphologists "
                     "scored 71%, 60% and 78%, respectively.",
                     [("accuracy", 92.0, M), ("sensitivity", 80.0, M), ("specificity", 100.0, M),
                      ("accuracy", 71.0, C), ("sensitivity", 60.0, C), ("specificity", 78.0, C)],
                     id="respectively-for-raters"),
        pytest.param("Agreement with experts was substantial (kappa = 0.72).",
                     [("kappa", 0.72, M)], id="agreement-with-experts-is-the-models"),
    ],
)
def test_nlp_metrics_comparator_kept_apart(sentence: str, expected: list[tuple[str, float, str]]) -> None:
    assert [(name, value, subject) for name, value, *_, subject in metrics(sentence)] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Differences were significant (p = 0.03) in 95% of bootstrap samples.", id="p-value"),
        pytest.param("Children aged 2 to 16 years (mean 7.5 years) were photographed in 2019.", id="ages-years"),
        pytest.param("We analysed 312 images of 88 patients with ResNet-50.", id="counts-and-model-names"),
        pytest.param("Confidence intervals were computed (95% CI) by bootstrapping.", id="bare-95-ci"),
    ],
)
def test_nlp_metrics_ignores_numbers_that_are_not_metric_values(sentence: str) -> None:
    assert metrics(sentence) == []


def test_nlp_metrics_error_metric_keeps_its_unit() -> None:
    assert metrics("Mean absolute error was 4.2 years for age estimation.") == [
        ("MAE", 4.2, "years", None, None, M)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Sensitivity was at least 94% in every fold.", id="lower-bound"),
        pytest.param("Accuracy decreased when AHI thresholds of 10 and 15 were used.", id="thresholds"),
    ],
)
def test_nlp_metrics_bounds_and_thresholds_are_not_point_values(sentence: str) -> None:
    """Ranges are figures now (both ends, see test_nlp_metric_forms); bounds and thresholds are not."""
    assert metrics(sentence) == []
