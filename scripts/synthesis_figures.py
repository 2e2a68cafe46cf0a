"""Draw the README's synthesis figures from the demo corpus, loaded as ``make demo`` loads it.

Usage::

    python scripts/synthesis_figures.py [--out docs/img]

Loads ``ingest/demo/studies.jsonl`` and ingests ``demo.ris`` + ``demo.nbib`` into
a throwaway embedded store (two review updates, as ``make demo`` does), then
writes the forest plot of the pooled gene-related accuracy and the cumulative
PRISMA 2020 flow as SVG, and prints the pooled estimate and every pooled pair.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from analysis.synthesis.forest import forest_data, render_forest
from analysis.synthesis.meta_analysis import MetaAnalysisQuery, meta_analysis, overview
from analysis.synthesis.prisma_diagram import render_prisma
from analysis.synthesis.prisma_graph import prisma_from_store
from graph.sqlite_store import SqliteStore
from ingest.load import load_records
from ingest.pipeline import ingest_files
from ingest.structured import read_study_records
from ontology import load_ontology

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "ingest" / "demo"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args(argv)
    ontology = load_ontology()
    with tempfile.TemporaryDirectory() as data_dir:
        store = SqliteStore(Path(data_dir))
        load_records(store, read_study_records(DEMO / "studies.jsonl"), ontology,
                     source="ingest/demo/studies.jsonl")
        ingest_files(store, ontology, [DEMO / "demo.ris", DEMO / "demo.nbib"])
        analysis = meta_analysis(store, ontology, MetaAnalysisQuery(cause="gene-related", metric="accuracy"))
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "forest-gene-related-accuracy.svg").write_bytes(render_forest(forest_data(analysis)))
        flow = prisma_from_store(store)
        (args.out / "prisma-demo.svg").write_bytes(render_prisma(flow.cumulative,
                                                                 "PRISMA 2020 flow of the demo corpus"))
        assert analysis.pooled is not None
        pooled, fit = analysis.pooled, analysis.pooled.logit
        print(f"gene-related accuracy: {pooled.estimate:.3f} ({pooled.ci_low:.3f}-{pooled.ci_high:.3f}), "
              f"k = {fit.k}, tau2 = {fit.tau2:.3f}, I2 = {100 * fit.i2:.0f}%")
        summary = overview(store, ontology)
        reasons = sorted({o.reason or "" for o in summary.outcomes if o.status == "refused"})
        print(f"overview: {len(summary.outcomes)} pairs, {len(summary.pooled)} pooled, refused: " + ", ".join(
            f"{r} {sum(o.reason == r for o in summary.outcomes)}" for r in reasons))
        for outcome in summary.pooled:
            print(f"pooled: {outcome.scope_kind} {outcome.scope_label} / {outcome.metric}: k = {outcome.k}, "
                  f"{outcome.estimate:.3f} ({outcome.ci_low:.3f}-{outcome.ci_high:.3f})")
        print(f"PRISMA: {flow.cumulative.identified_databases} identified, {flow.cumulative.records_screened} "
              f"screened, {flow.cumulative.total_studies} included")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
