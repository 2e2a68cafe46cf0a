"""Build the demo structured corpus ``ingest/demo/studies.jsonl`` from the curated study facts.

Usage::

    python scripts/build_demo_corpus.py [FACTS_JSONL] [--out ingest/demo/studies.jsonl]

FACTS_JSONL defaults to ``../shared/data/studies.facts.jsonl`` next to the repo.
Each input line (one published study; see that folder's README) becomes one
:class:`facekg.records.StudyRecord`, validated by the pydantic model. Every fact
is ``curated`` and carries the study's ``source_urls``; ``review_update`` stays
null (the loader sets it). Abstracts are not copied: another file holds the
project's own demo texts.

Rules: a null in the facts file stays null; nothing is inferred. Names map to
ontology concepts through the curated tables below, then ``Ontology.lookup``;
whatever does not map is kept with ``concept_id`` None and printed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# A sibling module: Python puts this script's folder first on the import path.
from demo_corpus_tables import ARCHITECTURE_ALIASES, METRIC_ALIASES, SAMPLES

from facekg.records import (
    ArchitectureFact,
    ConditionFact,
    DemographicAttributeName,
    DemographicReport,
    GeneFact,
    MetricResult,
    Provenance,
    SampleFact,
    StudyFlag,
    StudyRecord,
)
from ingest.readers.jsonl import iter_json_lines
from ontology import Ontology, load_ontology
from ontology.normalise import split_parenthetical

REPO = Path(__file__).resolve().parent.parent

DEFAULT_FACTS = REPO.parent / "shared" / "data" / "studies.facts.jsonl"
DEFAULT_OUT = REPO / "ingest" / "demo" / "studies.jsonl"

# Study id -> the conditions it addresses, split and cleaned from the free-text
# ``condition`` field. Every name must resolve to an ontology condition.
CONDITIONS: dict[str, list[str]] = {
    "gurovich-2019-deepgestalt": ["genetic syndromes (multiple)", "Noonan syndrome"],
    "hsieh-2022-gestaltmatcher": ["rare monogenic disorders"],
    "reiter-2024-three-ngp-tools": ["genetic syndromes (multiple)"],
    "kong-2020-acromegaly-severity": ["acromegaly"],
    "lin-2020-cad-facial-photo": ["coronary artery disease"],
    "liang-2020-cancer-faces": ["cancer"],
    "latorre-pellicer-2020-cdls-face2gene": ["Cornelia de Lange syndrome"],
    "basel-vanagaite-2016-cdls-fdna": ["Cornelia de Lange syndrome"],
    "kruszka-2017-22q11-diverse": ["22q11.2 deletion syndrome"],
    "kruszka-2017-down-diverse": ["Down syndrome"],
    "orphanet-2021-gs-vgg16": ["genetic syndromes (multiple)"],
    "liu-2021-williams-beuren-cnn": ["Williams-Beuren syndrome"],
    "huang-2024-williams-beuren-optimization": ["Williams-Beuren syndrome"],
    "yang-2021-noonan-arcface": ["Noonan syndrome"],
    "qin-2020-down-dcnn": ["Down syndrome"],
    "abrami-2021-hypomimia-cnn": ["Parkinson disease"],
    "jin-2025-depression-multimodal": ["depression"],
    "knoedler-2022-facial-palsy-hbs": ["facial palsy"],
    "aldridge-2022-facial-weakness-video": ["unilateral facial weakness", "stroke"],
    "aghajani-2025-ted-resnet": ["thyroid eye disease"],
    "sui-2025-ted-explainable-dl": ["thyroid eye disease"],
    "shi-2025-cushing-multiview-dl": ["Cushing's syndrome"],
    "blanck-lubarsch-2022-fas-3d-ml": ["fetal alcohol syndrome"],
    "han-2020-keratinocytic-face-rcnn": ["keratinocytic skin cancer"],
    "bargshady-2020-pain-intensity": ["pain intensity"],
    "yolcu-2019-fer-neurological": ["neurological disorders"],
    "pedia-2019-exome-image-analysis": ["monogenic disorders"],
    "zhao-2014-down-hclm-ica": ["Down syndrome", "genetic syndromes (multiple)"],
    "elmas-2020-face2gene-wes": ["rare genetic diseases"],
    "sterns-2025-tardive-dyskinesia-video-ai": ["tardive dyskinesia"],
    "ciancia-2023-srs-pws-face2gene": ["Silver-Russell syndrome", "Prader-Willi syndrome"],
    "pascolini-2022-italian-face2gene": ["multiple anomaly syndromes"],
    "salekin-2021-neonatal-postop-pain": ["neonatal postoperative pain"],
    "ali-2021-parkinson-online-video-retracted": ["Parkinson disease"],
    "vanderdonk-2019-ngp-novel-id-genes": [
        "PACS1-related intellectual disability",
        "PPM1D-related intellectual disability",
        "PHIP-related intellectual disability",
        "Koolen-de Vries syndrome",
    ],
    "song-2018-facial-nerve-paralysis-cnn": ["facial nerve paralysis"],
    "kruszka-2017-noonan-diverse": ["Noonan syndrome"],
    "faceage-2025-cancer-prognosis": ["cancer"],
    "sun-2022-af-rppg-facial-video-dcnn": ["atrial fibrillation"],
    "zhang-2023-schizophrenia-facial-cnn": ["schizophrenia"],
    "kruszka-2020-turner-diverse": ["Turner syndrome"],
    "kruszka-2018-williams-beuren-diverse": ["Williams-Beuren syndrome"],
    "hennocq-2024-kabuki-ngp": ["Kabuki syndrome type 1", "Kabuki syndrome type 2"],
    "rouxel-2022-kabuki-ks1-ks2-gestalt": ["Kabuki syndrome type 1", "Kabuki syndrome type 2"],
    "guo-2022-kbg-videoconference-ngp": ["KBG syndrome"],
    "pascolini-2020-setd5-deepgestalt": [
        "SETD5-associated intellectual disability syndrome",
        "KBG syndrome",
        "Koolen-de Vries syndrome",
    ],
    "pode-shakked-2020-mucolipidosis-iv-deepgestalt": ["mucolipidosis type IV"],
    "saksenberg-2024-marfan-cnn-pilot": ["Marfan syndrome"],
    "peterson-2016-blepharospasm-cert-video": ["blepharospasm"],
    "guarin-2022-als-bulbar-video": ["bulbar amyotrophic lateral sclerosis"],
    "oliveira-2024-post-stroke-facial-expressions": ["post-stroke orofacial impairment"],
    "supratak-2025-facial-nerve-paralysis-blink": ["facial nerve paralysis"],
    "novotny-2022-de-novo-pd-facial-bradykinesia": ["Parkinson's disease"],
    "tenharkel-2023-sunnybrook-cnn-facial-palsy": ["unilateral peripheral facial palsy"],
    "ahmedt-aristizabal-2018-mtle-facial-semiology": ["mesial temporal lobe epilepsy"],
    "alsuhaibani-2024-mci-facial-video-stam": ["mild cognitive impairment"],
    "mujeebrahman-2022-asd-static-facial-cnn": ["autism spectrum disorder"],
    "hosseini-2022-autism-facial-mobilenet": ["autism spectrum disorder"],
    "birnbaum-2022-ssd-bipolar-audiovisual": ["schizophrenia spectrum disorders", "bipolar disorder"],
    "schultebraucks-2020-ptsd-mdd-audiovisual-dl": [
        "posttraumatic stress disorder",
        "major depressive disorder",
    ],
    "li-2024-sftnet-depression-microexpression": ["depression"],
    "chen-2025-mdd-multiparadigm-audiovisual": ["major depressive disorder"],
    "jiang-2021-mdd-dbs-facial-expressions": ["major depressive disorder"],
    "tdtect-2026-td-cross-dataset-cti": ["tardive dyskinesia"],
    "atee-2017-epat-painchek-dementia": ["pain", "dementia"],
    "chou-2025-neonatal-jaundice-smartphone-ml": ["neonatal jaundice"],
    "abdalmageed-2020-cah-facial-dl": ["classical congenital adrenal hyperplasia due to 21-hydroxylase deficiency"],
    "liu-2023-melasma-dl-multimode-visia": ["melasma"],
    "zhang-2025-melasma-severity-dl": ["melasma"],
    "wei-endocrine-facial-anomalies-dl": ["Cushing's syndrome", "acromegaly"],
    "dingemans-2021-koolen-de-vries-22q11-hybrid": ["Koolen-de Vries syndrome", "22q11.2 deletion syndrome"],
    "park-2022-face2gene-korea-tbrs-sbbyss": [
        "Tatton-Brown-Rahman syndrome",
        "Say-Barber-Biesecker-Young-Simpson variant of Ohdo syndrome",
    ],
    "chen-2025-fragile-x-3d-facial-ml": ["fragile X syndrome"],
    "eastwood-2020-osa-3d-face-geodesic": ["obstructive sleep apnoea"],
    "monna-2022-osa-3d-craniofacial-ml": ["obstructive sleep apnoea"],
    "zhang-2022-anemia-facial-video-ed": ["anaemia"],
    "turner-2024-dl-perceived-age-facial-ageing": ["facial perceived age"],
    "cheng-2022-t2dm-facial-parameters-lasso": ["type 2 diabetes mellitus"],
    "ang-2021-hypertension-facial-complexion": ["hypertension"],
    "jbhi-2021-vitiligo-face-segmentation-cnn": ["facial vitiligo"],
    "jhg-2019-histone-modifier-id-deepgestalt": ["chromatinopathies"],
    "adnan-pd-smile-video-screening": ["Parkinson's disease"],
    "schizophrenia-2022-scz-mdd-audiovisual-ensemble": ["schizophrenia", "major depressive disorder"],
    "miller-2021-auto-eface-facial-palsy": ["facial palsy"],
    "scirep-hypertension-facial-regions-dl": ["hypertension"],
}

DEMOGRAPHIC_FIELDS: dict[str, DemographicAttributeName] = {
    "sex": "sex",
    "age": "age",
    "ethnicity_or_race": "race_ethnicity",
    "skin_tone": "skin_tone",
    "country_or_site": "geography",
}


class Unmapped:
    """Names that did not resolve, reported at the end (never dropped)."""

    def __init__(self) -> None:
        self.by_kind: dict[str, list[tuple[str, str]]] = {"condition": [], "architecture": [], "metric": []}

    def add(self, kind: str, study_id: str, name: str) -> None:
        self.by_kind[kind].append((study_id, name))

    def report(self, out: Any = sys.stdout) -> None:
        for kind, items in self.by_kind.items():
            print(f"unmapped {kind} names: {len(items)}", file=out)
            for study_id, name in items:
                print(f"  {study_id}: {name}", file=out)


def conditions_for(
    study: dict[str, Any], onto: Ontology, provenance: Provenance, unmapped: Unmapped
) -> list[ConditionFact]:
    names = CONDITIONS.get(study["id"])
    if names is None:  # a study added to the facts file after this table was written
        names = [split_parenthetical(study["condition"])[0]]
    facts = []
    for name in names:
        concept = onto.lookup(name, kind="condition")
        if concept is None:
            unmapped.add("condition", study["id"], name)
        facts.append(
            ConditionFact(
                name=name,
                concept_id=concept.id if concept else None,
                provenance=provenance.model_copy(deep=True),
            )
        )
    return facts


def resolve_architecture(name: str, onto: Ontology) -> list[str]:
    """Concept ids for one architecture string (empty when it names no architecture concept).

    The curated aliases first, then the ontology's lookup (which also tries a bracketed part alone).
    """
    if name in ARCHITECTURE_ALIASES:
        return list(ARCHITECTURE_ALIASES[name])
    concept = onto.lookup(name, kind="architecture")
    return [concept.id] if concept is not None else []


def architectures_for(
    study: dict[str, Any], onto: Ontology, provenance: Provenance, unmapped: Unmapped
) -> list[ArchitectureFact]:
    facts = []
    for name in study.get("architecture") or []:
        concept_ids = resolve_architecture(name, onto)
        if not concept_ids:
            unmapped.add("architecture", study["id"], name)
            facts.append(ArchitectureFact(name=name, provenance=provenance.model_copy(deep=True)))
        for concept_id in concept_ids:
            # The ontology decides for a named architecture; an unnamed item stays None
            # rather than taking the study-level flag, which describes the whole method.
            facts.append(
                ArchitectureFact(
                    name=name,
                    concept_id=concept_id,
                    is_deep_learning=onto.is_deep_learning(concept_id),
                    provenance=provenance.model_copy(deep=True),
                )
            )
    return facts


def resolve_metric(name: str, onto: Ontology) -> tuple[str | None, str | None]:
    """(concept id or None, qualifier moved out of the name or None).

    A bracketed qualifier ("AUC (highest)", "MAE (PHQ-8)") is kept by moving it
    into the result's context, so it is split off before the lookup.
    """
    if name in METRIC_ALIASES:
        return METRIC_ALIASES[name], None
    base, qualifier = split_parenthetical(name)
    if qualifier:
        concept = onto.lookup(base, kind="metric")
        if concept is not None:
            return concept.id, qualifier
    concept = onto.lookup(name, kind="metric")
    return (concept.id, None) if concept else (None, None)


def is_clinician_figure(context: str | None) -> bool:
    """Clinicians' own figures are marked in the facts' context, e.g. "experts (comparator)"."""
    text = (context or "").casefold()
    return "(comparator)" in text or "physicians' survival prediction alone" in text


def metrics_for(
    study: dict[str, Any], onto: Ontology, provenance: Provenance, unmapped: Unmapped
) -> list[MetricResult]:
    results = []
    for raw in study.get("metrics") or []:
        concept_id, qualifier = resolve_metric(raw["name"], onto)
        if concept_id is None:
            unmapped.add("metric", study["id"], raw["name"])
        context = raw.get("context")
        if qualifier:
            context = f"{qualifier}; {context}" if context else qualifier
        value = raw.get("value")
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        results.append(
            MetricResult(
                metric=onto.get(concept_id).label if concept_id else raw["name"],
                metric_id=concept_id,
                value=float(value) if numeric else None,
                value_text=None if numeric or value is None else str(value),
                unit=raw.get("unit"),
                ci_low=raw.get("ci_low"),
                ci_high=raw.get("ci_high"),
                context=context,
                subject="clinicians" if is_clinician_figure(raw.get("context")) else "model",
                provenance=provenance.model_copy(deep=True),
            )
        )
    return results


def samples_for(study: dict[str, Any], provenance: Provenance) -> list[SampleFact]:
    text = study.get("sample_size") or ""
    facts = []
    for count, unit, fragment in SAMPLES.get(study["id"], []):
        if fragment not in text or not re.search(rf"(?<![\d,]){count:,}(?![\d,])|(?<!\d){count}(?!\d)", fragment):
            raise ValueError(f"{study['id']}: sample fragment {fragment!r} / {count} not found in {text!r}")
        facts.append(
            SampleFact(value=count, unit=unit, description=fragment, provenance=provenance.model_copy(deep=True))
        )
    return facts


def demographics_for(study: dict[str, Any], provenance: Provenance) -> list[DemographicReport]:
    reported = study.get("demographics_reported") or {}
    return [
        DemographicReport(
            attribute=attribute,
            reported=reported.get(field),
            provenance=provenance.model_copy(deep=True),
        )
        for field, attribute in DEMOGRAPHIC_FIELDS.items()
    ]


def build_record(study: dict[str, Any], onto: Ontology, unmapped: Unmapped) -> StudyRecord:
    """One validated StudyRecord from one line of the facts file."""
    provenance = Provenance(source="curated", source_urls=list(study.get("source_urls") or []))
    notes = study.get("notes")
    return StudyRecord(
        id=study["id"],
        title=study["title"],
        first_author=study.get("first_author"),
        year=study.get("year"),
        journal=study.get("journal"),
        doi=study.get("doi"),
        pmid=study.get("pmid"),
        source_urls=list(study.get("source_urls") or []),
        notes=notes,
        retracted=bool(notes and notes.lstrip().upper().startswith("RETRACTED")),
        image_modality=study.get("image_modality"),
        is_deep_learning=study.get("is_deep_learning"),
        sample_description=study.get("sample_size"),
        conditions=conditions_for(study, onto, provenance, unmapped),
        genes=[
            GeneFact(symbol=symbol, provenance=provenance.model_copy(deep=True)) for symbol in study.get("genes") or []
        ],
        architectures=architectures_for(study, onto, provenance, unmapped),
        metrics=metrics_for(study, onto, provenance, unmapped),
        samples=samples_for(study, provenance),
        demographics=demographics_for(study, provenance),
        flags=[
            StudyFlag(
                name="external_validation",
                value=study.get("external_validation"),
                provenance=provenance.model_copy(deep=True),
            ),
            StudyFlag(
                name="clinician_comparison",
                value=study.get("comparator_clinicians"),
                provenance=provenance.model_copy(deep=True),
            ),
        ],
    )


def read_facts(path: Path) -> Iterable[dict[str, Any]]:
    return (study for _line, study in iter_json_lines(path))


def build(facts: Path, out: Path, onto: Ontology | None = None) -> tuple[list[StudyRecord], Unmapped]:
    """Build every record, write them to ``out`` (one JSON object per line) and return them."""
    onto = onto or load_ontology()
    unmapped = Unmapped()
    records = [build_record(study, onto, unmapped) for study in read_facts(facts)]
    ids = [record.id for record in records]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate study ids in the facts file")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record.model_dump_json() + "\n")
    return records, unmapped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build ingest/demo/studies.jsonl from the curated study facts.")
    parser.add_argument("facts", nargs="?", type=Path, default=DEFAULT_FACTS, help="studies.facts.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    records, unmapped = build(args.facts, args.out)
    print(f"wrote {len(records)} study records to {args.out}")
    unmapped.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
