"""The Reitsma bivariate model against mada's published AuditC output, and the SROC numbers it draws."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from analysis.synthesis.bivariate import fit_reitsma
from analysis.synthesis.sroc import ellipse
from tests.synthesis_data import AUDITC_FN, AUDITC_FP, AUDITC_TN, AUDITC_TP, MADA_AUDITC


@pytest.fixture(scope="module")
def auditc():
    return fit_reitsma(AUDITC_TP, AUDITC_FN, AUDITC_FP, AUDITC_TN)


@pytest.mark.parametrize(("field", "expected"), [
    pytest.param(lambda f: f.sensitivity, MADA_AUDITC["sensitivity"][0], id="sensitivity"),
    pytest.param(lambda f: f.sensitivity_ci[0], MADA_AUDITC["sensitivity"][1], id="sensitivity-low"),
    pytest.param(lambda f: f.sensitivity_ci[1], MADA_AUDITC["sensitivity"][2], id="sensitivity-high"),
    pytest.param(lambda f: f.false_positive_rate, MADA_AUDITC["false_positive_rate"][0], id="fpr"),
    pytest.param(lambda f: f.false_positive_rate_ci[0], MADA_AUDITC["false_positive_rate"][1], id="fpr-low"),
    pytest.param(lambda f: f.false_positive_rate_ci[1], MADA_AUDITC["false_positive_rate"][2], id="fpr-high"),
    pytest.param(lambda f: f.tau_sens, MADA_AUDITC["tau_sens"], id="sd-logit-sensitivity"),
    pytest.param(lambda f: f.tau_fpr, MADA_AUDITC["tau_fpr"], id="sd-logit-fpr"),
    pytest.param(lambda f: f.rho, MADA_AUDITC["rho"], id="correlation"),
    pytest.param(lambda f: f.mu_sens, MADA_AUDITC["mu_sens"], id="logit-sensitivity"),
    pytest.param(lambda f: f.mu_fpr, MADA_AUDITC["mu_fpr"], id="logit-fpr"),
    pytest.param(lambda f: f.vcov[0][0] ** 0.5, MADA_AUDITC["se_sens"], id="se-logit-sensitivity"),
    pytest.param(lambda f: f.vcov[1][1] ** 0.5, MADA_AUDITC["se_fpr"], id="se-logit-fpr"),
])
def test_bivariate_reproduces_mada_reitsma_on_auditc_to_three_decimals(auditc, field, expected: float) -> None:
    assert round(field(auditc), 3) == pytest.approx(expected, abs=1e-9)


def test_bivariate_sroc_curve_gives_madas_auc_by_madas_rule(auditc) -> None:
    # mada's AUC: a trapezoid over FPR = 0.01..0.99 divided by 99; the exact integral is also reported.
    s = auditc.sroc_sensitivity(np.arange(1, 100) / 100)
    mada_rule = (s[0] / 2 + s[1:-1].sum() + s[-1] / 2) / 99
    assert round(float(mada_rule), 3) == MADA_AUDITC["auc"]
    assert auditc.auc() == pytest.approx(float(mada_rule), abs=0.005)


def test_bivariate_applies_the_continuity_correction_when_any_cell_is_zero(auditc) -> None:
    assert auditc.continuity_corrected  # studies 7 and 8 have FN = 0
    clean = fit_reitsma([10, 20, 30, 40], [5, 6, 7, 8], [3, 4, 5, 6], [30, 40, 50, 60])
    assert not clean.continuity_corrected


def test_bivariate_summary_point_is_the_back_transformed_mean_and_specificity_its_complement(auditc) -> None:
    assert auditc.sensitivity == pytest.approx(special.expit(auditc.mu_sens))
    assert auditc.specificity == pytest.approx(1 - auditc.false_positive_rate)
    assert auditc.specificity_ci == pytest.approx((1 - auditc.false_positive_rate_ci[1],
                                                   1 - auditc.false_positive_rate_ci[0]))


def test_bivariate_sroc_passes_near_the_summary_point(auditc) -> None:
    # The Rutter-Gatsonis curve runs through the summary point of the bivariate fit.
    assert float(auditc.sroc_sensitivity(auditc.false_positive_rate)) == pytest.approx(auditc.sensitivity, abs=1e-9)


def test_bivariate_regions_are_ellipses_of_the_right_size_on_the_logit_scale(auditc) -> None:
    vcov = np.array(auditc.vcov)
    for covariance in (vcov, vcov + auditc.psi):
        points = ellipse(auditc.mu, covariance, 0.95)
        logits = np.array([[special.logit(sens), special.logit(fpr)] for fpr, sens in points]) - auditc.mu
        distances = np.einsum("ki,ij,kj->k", logits, np.linalg.inv(covariance), logits)
        assert distances == pytest.approx(np.full(len(points), stats.chi2.ppf(0.95, 2)))


def test_bivariate_refuses_fewer_studies_than_its_parameters_need() -> None:
    with pytest.raises(ValueError, match="at least 4 studies"):
        fit_reitsma([10, 20, 30], [5, 6, 7], [3, 4, 5], [30, 40, 50])
