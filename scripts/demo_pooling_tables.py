"""Curated pooling facts for ``scripts/build_demo_corpus.py``: group sizes, test sets, subgroups.

Every number here is stated in the study's ``sample_size`` text in
``../shared/data/studies.facts.jsonl``, and the builder checks it: each fragment
must occur in that text and contain its count. A group is attached only where
the text names the two groups the binary test separates (cases and controls,
affected and normal); where the test-set sizes are not stated (a 70/30 split of
405 images, a 10 % hold-out) nothing is attached, because the sizes would be
guessed. The builder rebuilds each group's 2x2 table with
:mod:`analysis.synthesis.counts`, which refuses rates that no table on those
groups reproduces, and reports the refusals.

Result indices count from 0 in the study's ``metrics`` list in the facts file.
"""

from __future__ import annotations

from dataclasses import dataclass

from facekg.records import DemographicAttributeName, TestSet


@dataclass(frozen=True)
class Group:
    """Positives and negatives (each a sum of stated counts) that the listed results were computed on."""

    results: tuple[int, ...]
    positives: tuple[tuple[int, str], ...] = ()
    negatives: tuple[tuple[int, str], ...] = ()
    test_set: TestSet | None = None
    note: str = ""

    @property
    def positive_count(self) -> int | None:
        return sum(count for count, _ in self.positives) if self.positives else None

    @property
    def negative_count(self) -> int | None:
        return sum(count for count, _ in self.negatives) if self.negatives else None


GROUPS: dict[str, list[Group]] = {
    "kruszka-2017-down-diverse": [
        Group((0, 1, 2), positives=((129, "129 cases"),), negatives=((132, "132 controls"),)),
    ],
    "aldridge-2022-facial-weakness-video": [
        Group((0, 1, 2), positives=((93, "93 with unilateral facial weakness"),),
              negatives=((96, "96 normal smiles"),), test_set="cross-validation"),
        Group((3, 4, 5), positives=((93, "93 with unilateral facial weakness"),),
              negatives=((96, "96 normal smiles"),), note="three paramedics rated the same videos"),
    ],
    "sui-2025-ted-explainable-dl": [
        Group((1, 2), positives=((302, "302 TED"),), negatives=((289, "289 healthy"),),
              test_set="cross-validation"),
        Group((4,), positives=((100, "100 TED images from an independent clinic"),), test_set="external",
              note="the external set's controls are not described, so its specificity has no table"),
    ],
    "aghajani-2025-ted-resnet": [
        Group((1, 2, 3), positives=((80, "test 80"),), negatives=((80, "80 + 80"),), test_set="internal-split",
              note="ResNet-50"),
        Group((5, 6, 7), positives=((80, "test 80"),), negatives=((80, "80 + 80"),), test_set="internal-split",
              note="ResNet-101"),
    ],
    "shi-2025-cushing-multiview-dl": [
        Group((2,), negatives=((13, "external validation 13 matched pairs"),), test_set="external",
              note="sensitivity is printed as a range across models, so only specificity has a table"),
    ],
    "kruszka-2018-williams-beuren-diverse": [
        Group((0,), positives=((286, "286 individuals with WBS"),),
              negatives=((286, "286 sex- and age-matched controls"),)),
    ],
    "kruszka-2017-22q11-diverse": [
        Group((2,), positives=((156, "156 cases"),), negatives=((156, "156 age/sex-matched controls"),)),
    ],
    "orphanet-2021-gs-vgg16": [
        Group((0, 1, 2), positives=((228, "228 children with genetic syndromes"),),
              negatives=((228, "228 healthy children"),), test_set="cross-validation"),
    ],
    "yang-2021-noonan-arcface": [
        Group((0,), positives=((127, "127 Noonan"),), negatives=((163, "163 healthy"),),
              test_set="cross-validation"),
    ],
    "li-2024-sftnet-depression-microexpression": [
        Group((0, 2), positives=((76, "76 depression cases"),), negatives=((80, "80 controls"),)),
    ],
    "blanck-lubarsch-2022-fas-3d-ml": [
        Group((0,), positives=((30, "30 FAS"),), negatives=((30, "30 controls"),)),
    ],
    "chen-2025-mdd-multiparadigm-audiovisual": [
        Group((1,), positives=((41, "41 MDD"),), negatives=((48, "48 asymptomatic"),)),
    ],
    "oliveira-2024-post-stroke-facial-expressions": [
        Group((0, 1), positives=((14, "14 post-stroke"),), negatives=((11, "11 healthy controls"),),
              test_set="cross-validation"),
    ],
    "eastwood-2020-osa-3d-face-geodesic": [
        Group((0,), positives=((100, "100 mild"), (100, "100 moderate"), (100, "100 severe")),
              negatives=((100, "100 no OSA (AHI<5)"),)),
        Group((1,), positives=((100, "100 mild"), (100, "100 moderate"), (100, "100 severe")),
              negatives=((100, "100 no OSA (AHI<5)"),)),
        Group((2,), positives=((100, "100 mild"), (100, "100 moderate"), (100, "100 severe")),
              negatives=((100, "100 no OSA (AHI<5)"),)),
    ],
}

# (study id, result index) -> the subgroup the result is reported for, as its context states it.
SUBGROUPS: dict[tuple[str, int], tuple[DemographicAttributeName, str, str | None]] = {
    ("kruszka-2018-williams-beuren-diverse", 1): ("race_ethnicity", "Caucasian", None),
    ("kruszka-2018-williams-beuren-diverse", 2): ("race_ethnicity", "African", None),
    ("kruszka-2018-williams-beuren-diverse", 3): ("race_ethnicity", "Asian", None),
    ("kruszka-2018-williams-beuren-diverse", 4): ("race_ethnicity", "Latin American", None),
    ("birnbaum-2022-ssd-bipolar-audiovisual", 1): ("sex", "male", None),
    ("birnbaum-2022-ssd-bipolar-audiovisual", 2): ("sex", "male", None),
    ("ang-2021-hypertension-facial-complexion", 0): ("sex", "female", None),
}
