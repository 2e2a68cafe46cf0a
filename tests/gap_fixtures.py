"""A small hand-built corpus for the gap, bias and gap-map tests, with the expectations worked out by hand.

Reference year 2026, min_sample 100, stale_years 5 (evidence from 2020 or
earlier is stale).

==========================  =====================================================================
condition                   studies (counted) -> rules that fire
==========================  =====================================================================
Down syndrome               ds-good, ds-second: DL, sensitivity, 500 + 200 participants, external
                            validation and clinician comparison -> none (ds-retracted ignored)
Noonan syndrome             ns-classical: SVM only -> no-deep-learning
Cornelia de Lange syndrome  cdls-one: DL 2018, accuracy only, 40 participants, no validation
                            stated, clinician comparison not mentioned -> no-diagnostic-accuracy,
                            single-study, small-sample, no-external-validation,
                            no-clinician-comparison, stale-evidence
Kabuki syndrome (type 1)    kabuki-a (30 participants, AUC), kabuki-b (no count, specificity)
                            -> small-sample; the parent Kabuki syndrome has the same studies
Rett syndrome               none -> no-study
==========================  =====================================================================
"""

from __future__ import annotations

from facekg.records import (
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    Evidence,
    MetricResult,
    Provenance,
    ReviewUpdate,
    SampleFact,
    StudyFlag,
    StudyRecord,
)
from graph.sqlite_store import SqliteStore

REFERENCE_YEAR = 2026


def span(text: str) -> Provenance:
    return Provenance(source="extracted", evidence=Evidence(text=text, start=10, end=10 + len(text)),
                      extractor_version="test")


def record(study_id: str, condition: tuple[str, str], *, year: int | None = 2024, deep_learning: bool = True,
           architecture: tuple[str, str] = ("ResNet-50", "ResNet50"),
           metrics: tuple[str, ...] = ("sensitivity",),
           participants: int | None = 200, external: bool | None = True, clinicians: bool | None = True,
           retracted: bool = False, demographics: list[DemographicReport] | None = None) -> StudyRecord:
    name, concept_id = condition
    flags = []
    if external is not None:
        flags.append(StudyFlag(name="external_validation", value=external))
    if clinicians is not None:
        flags.append(StudyFlag(name="clinician_comparison", value=clinicians))
    return StudyRecord(
        id=study_id, title=f"Study {study_id}", year=year, retracted=retracted,
        is_deep_learning=deep_learning,
        conditions=[ConditionFact(name=name, concept_id=concept_id)],
        architectures=[ArchitectureFact(name=architecture[0], concept_id=architecture[1],
                                        is_deep_learning=deep_learning)],
        metrics=[MetricResult(metric=m, value=0.9, unit="fraction") for m in metrics],
        samples=[SampleFact(value=participants, unit="participants")] if participants is not None else [],
        demographics=demographics or [], flags=flags)


DOWN = ("Down syndrome", "DownSyndrome")
NOONAN = ("Noonan syndrome", "NoonanSyndrome")
CDLS = ("Cornelia de Lange syndrome", "CorneliaDeLangeSyndrome")
KABUKI1 = ("Kabuki syndrome type 1", "KabukiSyndromeType1")


def corpus() -> list[StudyRecord]:
    return [
        record("ds-good", DOWN, participants=500, demographics=[
            DemographicReport(attribute="sex", reported=True, provenance=span("56.9% male")),
            DemographicReport(attribute="race_ethnicity", reported=True, values=["African", "Asian", "European"],
                              provenance=span("grouped as Caucasian, African or Asian")),
            DemographicReport(attribute="geography", reported=True, values=["Japan"],
                              provenance=span("recruited in Japan")),
            DemographicReport(attribute="skin_tone", reported=False,
                              provenance=Provenance(source="curated")),
        ]),
        record("ds-second", DOWN, year=2022, architecture=("vision transformer", "VisionTransformer"),
               metrics=("AUC",), demographics=[
                   DemographicReport(attribute="sex", reported=True, provenance=Provenance(source="curated"),
                                     subgroup_performance=True),
                   DemographicReport(attribute="geography", reported=True, values=["Japan"],
                                     provenance=span("three hospitals in Japan")),
               ]),
        record("ds-retracted", DOWN, retracted=True, demographics=[
            DemographicReport(attribute="skin_tone", reported=True, provenance=span("Fitzpatrick I-VI"))]),
        record("ns-classical", NOONAN, deep_learning=False, architecture=("SVM", "SupportVectorMachine"),
               metrics=("accuracy",), year=2019),
        record("cdls-one", CDLS, year=2018, metrics=("accuracy",), participants=40, external=False,
               clinicians=None, demographics=[
                   DemographicReport(attribute="geography", reported=True,
                                     provenance=Provenance(source="curated"))]),
        record("kabuki-a", KABUKI1, year=2023, metrics=("AUC",), participants=30,
               architecture=("LSTM", "LSTM")),
        record("kabuki-b", KABUKI1, year=2022, metrics=("specificity",), participants=None),
    ]


def store_with(records: list[StudyRecord] | None = None) -> SqliteStore:
    store = SqliteStore(None)
    store.write(records if records is not None else corpus(),
                ReviewUpdate(id="u1", created_at="2026-01-01T00:00:00+00:00", source="tests"))
    return store
