"""Write a synthetic review corpus as StudyRecord JSON lines that ``facekg load`` accepts (not test data).

    python scripts/synthetic_corpus.py --studies 10000 --seed 7 --out /tmp/corpus-10k.jsonl

The contract (documented in docs/benchmarks.md):

- one JSON object per line, each a valid :class:`facekg.records.StudyRecord`; ids ``syn-<seed>-<n>``
  (7 digits), unique within a file; the same ``--studies`` and ``--seed`` give the same bytes;
- fact counts drawn like those of the curated corpus: 1-2 conditions, 0-3 genes, 1-4 architectures,
  2-8 metric results, 1-2 sample sizes, the five demographic attributes, two design flags; about one
  condition or architecture mention in ten is a name the ontology does not know (kept unmapped);
- concepts, genes and metrics are the ontology's own ids and labels; titles and abstracts (about
  150-250 words) are sentences built from the ontology's vocabulary (labels, synonyms and the words of
  its definitions) and a fixed list of method words: no text is copied from any paper;
- about 80% of studies have a DOI (``10.5555/syn.<seed>.<n>``), 60% a PMID, 1% are retracted,
  ~90% use deep learning; years 2012-2026.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from facekg.records import (  # noqa: E402
    DEMOGRAPHIC_ATTRIBUTES,
    ArchitectureFact,
    ConditionFact,
    DemographicReport,
    Evidence,
    GeneFact,
    MetricResult,
    Provenance,
    SampleFact,
    StudyFlag,
    StudyRecord,
)
from ontology import Ontology, load_ontology  # noqa: E402

UNMAPPED_NAMES = ("odd facies", "unusual gestalt", "craniofacial anomaly of unknown cause", "rare syndrome X",
                  "custom lightweight network", "in-house classifier")
METHOD_WORDS = ("we", "trained", "evaluated", "a", "model", "on", "photographs", "of", "patients", "with",
                "and", "controls", "the", "images", "were", "collected", "from", "clinics", "results",
                "show", "that", "facial", "features", "distinguish", "cohort", "validation", "test", "set",
                "performance", "compared", "clinicians", "dataset", "landmarks", "deep", "learning")
PERCENT_METRICS = ("Accuracy", "Sensitivity", "Specificity", "AUC", "F1", "Precision", "BalancedAccuracy")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{2,}")


class Vocabulary:
    """The ontology's concepts and words, drawn from by one seeded RNG."""

    def __init__(self, ontology: Ontology) -> None:
        self.conditions = sorted(ontology.conditions(), key=lambda c: c.id)
        self.architectures = sorted(ontology.architectures(), key=lambda c: c.id)
        self.genes = sorted(ontology.genes(), key=lambda c: c.id)
        metrics = {m.id: m for m in ontology.metrics()}
        self.metrics = [metrics[m] for m in PERCENT_METRICS if m in metrics]
        words: set[str] = set()
        for concept in ontology.concepts():
            for text in (*concept.names, concept.definition or ""):
                words.update(w.casefold() for w in _WORD.findall(text))
        self.words = sorted(words)


def _provenance(rng: random.Random, abstract_len: int) -> Provenance:
    if rng.random() < 0.7:
        start = rng.randrange(0, max(1, abstract_len - 20))
        return Provenance(source="extracted", extractor_version="synthetic-1",
                          evidence=Evidence(text="mention", start=start, end=start + 7))
    return Provenance(source="curated", reviewer="synthetic-reviewer")


def _sentence(rng: random.Random, vocab: Vocabulary, named: list[str]) -> str:
    parts = [rng.choice(METHOD_WORDS if rng.random() < 0.6 else vocab.words) for _ in range(rng.randint(10, 22))]
    if named:
        parts.insert(rng.randrange(len(parts)), rng.choice(named))
    return " ".join(parts).capitalize() + "."


def synthetic_record(rng: random.Random, vocab: Vocabulary, seed: int, index: int) -> StudyRecord:
    """One study: bibliographic fields, an abstract and facts, all drawn from ``rng``."""
    conditions = rng.sample(vocab.conditions, rng.randint(1, 2))
    architectures = rng.sample(vocab.architectures, rng.randint(1, 4))
    named = [c.label for c in conditions] + [a.label for a in architectures]
    abstract = " ".join(_sentence(rng, vocab, named) for _ in range(rng.randint(9, 14)))
    length = len(abstract)

    def condition_fact(concept_index: int) -> ConditionFact:
        if rng.random() < 0.1:
            return ConditionFact(name=rng.choice(UNMAPPED_NAMES[:4]), provenance=_provenance(rng, length))
        concept = conditions[concept_index]
        return ConditionFact(name=concept.label, concept_id=concept.id, provenance=_provenance(rng, length))

    def architecture_fact(concept_index: int) -> ArchitectureFact:
        if rng.random() < 0.1:
            return ArchitectureFact(name=rng.choice(UNMAPPED_NAMES[4:]), provenance=_provenance(rng, length))
        concept = architectures[concept_index]
        return ArchitectureFact(name=concept.label, concept_id=concept.id, is_deep_learning=concept.is_deep_learning,
                                provenance=_provenance(rng, length))

    def metric_fact() -> MetricResult:
        concept = rng.choice(vocab.metrics)
        return MetricResult(metric=concept.label, metric_id=concept.id, value=round(rng.uniform(55, 99.5), 1),
                            unit="%", condition=rng.choice(conditions).label, provenance=_provenance(rng, length))

    year = rng.randint(2012, 2026)
    title_words = " ".join(rng.choice(vocab.words) for _ in range(rng.randint(3, 6)))
    return StudyRecord(
        id=f"syn-{seed}-{index:07d}",
        title=f"{named[0]} and {title_words}: a facial analysis study ({index})",
        abstract=abstract,
        authors=[f"Author {rng.choice('ABCDEFGHJKLMNPRSTW')}{rng.randint(1, 999)}" for _ in range(rng.randint(2, 8))],
        year=year,
        journal=rng.choice(("Synthetic Journal of Medical Genetics", "Synthetic Facial Analysis Letters",
                            "Synthetic Rare Disease Reports")),
        doi=f"10.5555/syn.{seed}.{index}" if rng.random() < 0.8 else None,
        pmid=str(40_000_000 + seed % 1000 * 100_000 + index) if rng.random() < 0.6 else None,
        retracted=rng.random() < 0.01,
        is_deep_learning=rng.random() < 0.9,
        image_modality=rng.choice(("2D photo", "3D image", "video")),
        conditions=[condition_fact(i) for i in range(len(conditions))],
        genes=[GeneFact(symbol=g.label, provenance=_provenance(rng, length))
               for g in rng.sample(vocab.genes, rng.randint(0, 3))],
        architectures=[architecture_fact(i) for i in range(len(architectures))],
        metrics=[metric_fact() for _ in range(rng.randint(2, 8))],
        samples=[SampleFact(value=rng.randint(20, 20_000), unit=rng.choice(("participants", "images")),
                            provenance=_provenance(rng, length)) for _ in range(rng.randint(1, 2))],
        demographics=[DemographicReport(attribute=attribute, reported=rng.choice((True, False, None)),
                                        provenance=_provenance(rng, length)) for attribute in DEMOGRAPHIC_ATTRIBUTES],
        flags=[StudyFlag(name="external_validation", value=rng.choice((True, False, None))),
               StudyFlag(name="clinician_comparison", value=rng.choice((True, False)))],
    )


def synthetic_records(studies: int, seed: int, ontology: Ontology | None = None) -> Iterator[StudyRecord]:
    """``studies`` records, the same for the same ``seed``."""
    vocab = Vocabulary(ontology or load_ontology())
    rng = random.Random(seed)
    for index in range(studies):
        yield synthetic_record(rng, vocab, seed, index)


def write_corpus(path: Path, studies: int, seed: int) -> int:
    """Write the corpus to ``path``; the number of records written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for record in synthetic_records(studies, seed):
            out.write(record.model_dump_json(exclude_defaults=True) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, required=True, help="number of study records")
    parser.add_argument("--seed", type=int, default=1, help="RNG seed (same seed, same file)")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    args = parser.parse_args(argv)
    if args.studies < 0:
        parser.error("--studies must be >= 0")
    count = write_corpus(args.out, args.studies, args.seed)
    print(f"{count} studies written to {args.out} (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
