"""Agreement: percent agreement and Cohen's kappa with its 95% CI, checked by hand and against published examples."""

from __future__ import annotations

import math

import pytest

from facekg.errors import InvalidQuery
from review.agreement import agreement, extraction_agreement, screening_agreement
from tests.data import study
from tests.review_data import decision, filled_form


def _decisions_from_table(both_in: int, first_only: int, second_only: int, both_out: int) -> list:
    """Two reviewers' title-abstract decisions laid out as a 2x2 table (first reviewer AB, second CD)."""
    cells = [("include", "include")] * both_in + [("include", "exclude")] * first_only \
        + [("exclude", "include")] * second_only + [("exclude", "exclude")] * both_out
    decisions = []
    for index, (first, second) in enumerate(cells):
        decisions += [decision(f"s{index:03d}", "AB", first), decision(f"s{index:03d}", "CD", second)]  # type: ignore[arg-type]
    return decisions


def test_agreement_kappa_and_standard_error_match_a_hand_computation_from_the_2x2_table() -> None:
    a, b, c, d = 12, 3, 2, 33
    result = screening_agreement(_decisions_from_table(a, b, c, d), "title-abstract")
    n = a + b + c + d
    p = [[a / n, b / n], [c / n, d / n]]
    rows = [p[0][0] + p[0][1], p[1][0] + p[1][1]]
    cols = [p[0][0] + p[1][0], p[0][1] + p[1][1]]
    observed = p[0][0] + p[1][1]
    chance = rows[0] * cols[0] + rows[1] * cols[1]
    kappa = (observed - chance) / (1 - chance)
    # Fleiss, Cohen & Everitt (1969), the large-sample variance of kappa (not under H0).
    diagonal = sum(p[i][i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(2))
    off = (1 - kappa) ** 2 * sum(p[i][j] * (cols[i] + rows[j]) ** 2 for i in range(2) for j in range(2) if i != j)
    variance = (diagonal + off - (kappa - chance * (1 - kappa)) ** 2) / (n * (1 - chance) ** 2)
    assert result.n == 50
    assert result.percent_agreement == pytest.approx(90.0)
    assert result.kappa == pytest.approx(kappa, abs=1e-12)
    assert result.std_error == pytest.approx(math.sqrt(variance), abs=1e-12)
    assert result.ci_low == pytest.approx(kappa - 1.959963985 * math.sqrt(variance), abs=1e-6)
    assert result.ci_high == pytest.approx(kappa + 1.959963985 * math.sqrt(variance), abs=1e-6)
    assert len(result.discrepancies) == b + c
    assert result.categories == ["exclude", "include"]
    assert result.table == [[d, c], [b, a]]


def test_agreement_reproduces_the_sas_proc_freq_agreement_study() -> None:
    # SAS/STAT User's Guide, The FREQ Procedure, Getting Started: "Agreement Study" (skin condition rated
    # terrible/poor/marginal/clear by two dermatologists, 88 patients): simple kappa 0.3449, ASE 0.0724,
    # 95% confidence limits 0.2030 and 0.4868.
    table = [[10, 4, 1, 0], [5, 10, 12, 2], [2, 4, 12, 5], [0, 2, 6, 13]]
    scale = ["1-terrible", "2-poor", "3-marginal", "4-clear"]
    ratings = [(f"patient{i}-{j}-{k}", scale[i], scale[j]) for i in range(4) for j in range(4)
               for k in range(table[i][j])]
    result = agreement("skin", ["derm1", "derm2"], ratings)
    assert result.n == 88
    assert round(result.kappa or 0, 4) == 0.3449
    assert round(result.std_error or 0, 4) == 0.0724
    assert (round(result.ci_low or 0, 4), round(result.ci_high or 0, 4)) == (0.2030, 0.4868)


def test_agreement_reproduces_a_published_2x2_example() -> None:
    # Dohoo, Martin & Stryhn, Veterinary Epidemiologic Research, 2nd ed. (2010), pp. 98-99, as used in the
    # epiR documentation of epi.kappa: an IFAT test on 291 salmon kidney samples split between two
    # laboratories (19 both positive, 6 and 10 discordant, 256 both negative): kappa 0.67.
    result = screening_agreement(_decisions_from_table(19, 10, 6, 256), "title-abstract")
    assert result.n == 291
    assert round(result.kappa or 0, 2) == 0.67


def test_agreement_kappa_is_undefined_when_both_reviewers_give_one_rating_to_everything() -> None:
    result = screening_agreement(_decisions_from_table(10, 0, 0, 0), "title-abstract")
    assert result.percent_agreement == 100.0
    assert result.kappa is None and result.ci_low is None
    assert result.note and "undefined" in result.note


def test_agreement_counts_only_studies_both_reviewers_decided_at_the_stage() -> None:
    decisions = _decisions_from_table(3, 1, 1, 3) + [decision("solo", "AB", "include"),
                                                     decision("s000", "AB", "exclude", stage="full-text")]
    assert screening_agreement(decisions, "title-abstract").n == 8
    assert screening_agreement(decisions, "full-text").n == 0


def test_agreement_asks_for_the_pair_when_more_than_two_reviewers_decided() -> None:
    decisions = _decisions_from_table(2, 1, 1, 2) + [decision("s000", "EF", "include")]
    with pytest.raises(InvalidQuery, match="name the two"):
        screening_agreement(decisions, "title-abstract")
    assert screening_agreement(decisions, "title-abstract", reviewers=["AB", "EF"]).n == 1


def test_agreement_per_extraction_field_lists_the_discrepancies() -> None:
    record = study("s1", source="extracted")
    first = filled_form(record, "AB")
    sample_key = first.samples[0].key
    second = filled_form(record, "CD", {sample_key: "rejected"})
    by_scope = {item.scope: item for item in extraction_agreement([first, second])}
    assert by_scope["extraction:samples"].n == 1
    assert by_scope["extraction:samples"].percent_agreement == 0.0
    assert [d.second for d in by_scope["extraction:samples"].discrepancies] == ["rejected"]
    assert by_scope["extraction:conditions"].percent_agreement == 100.0
    assert by_scope["extraction:demographics"].n == 5
