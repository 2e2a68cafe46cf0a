#!/usr/bin/env python
"""Rebuild ``ingest/nlp/patterns/disease_ontology.jsonl`` from a Human Disease Ontology release (CC0 1.0).

    python scripts/build_disease_vocab.py --git-dir DIR [--commit SHA]
    python scripts/build_disease_vocab.py --do-dir CHECKOUT

The source is the DiseaseOntology/HumanDiseaseOntology repository (licence CC0 1.0, see its
LICENSE): ``DOreports/HumanDO.tsv`` gives every term's id, label and parent,
``DOreports/allXREFinDO.tsv`` its OMIM (``MIM:``) and Orphanet (``ORDO:``) cross-references,
and the subset files ``src/ontology/releases/subsets/*.obo`` the EXACT synonyms of the terms
they hold. The output keeps only what extraction needs, one JSON object per term:
``{"id", "name", "parents", "synonyms", "xrefs"}``, plus a first ``{"kind": "source"}`` line
recording the release and commit. Nothing is fetched at run time; the pipeline reads this file.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "ingest" / "nlp" / "patterns" / "disease_ontology.jsonl"
SUBSETS = "src/ontology/releases/subsets"
_SYNONYM = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" EXACT')
_XREF_PREFIX = {"MIM": "OMIM", "ORDO": "ORPHA"}


def _reader(args: argparse.Namespace) -> tuple[Callable[[str], str], Callable[[str], list[str]], str]:
    """(read file, list folder, provenance) over a checkout or a bare git directory at a commit."""
    if args.do_dir:
        root = Path(args.do_dir)
        return ((lambda p: (root / p).read_text(encoding="utf-8")),
                (lambda d: sorted(str(x.relative_to(root)) for x in (root / d).glob("*.obo"))), str(root))
    git = ["git", "--git-dir", str(args.git_dir)]
    commit = args.commit or subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True,
                                           text=True).stdout.strip()

    def read(path: str) -> str:
        return subprocess.run([*git, "show", f"{commit}:{path}"], check=True, capture_output=True,
                              text=True).stdout

    def listing(folder: str) -> list[str]:
        out = subprocess.run([*git, "ls-tree", "--name-only", f"{commit}:{folder}"], check=True,
                             capture_output=True, text=True).stdout.split()
        return [f"{folder}/{name}" for name in out if name.endswith(".obo")]

    return read, listing, f"DiseaseOntology/HumanDiseaseOntology@{commit}"


def _tsv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    return [[cell.strip().strip('"') for cell in row] for row in rows[1:] if row]


def _synonyms(obo: str) -> tuple[dict[str, set[str]], str]:
    """EXACT synonyms per term id in one OBO file, and its data-version."""
    out: dict[str, set[str]] = {}
    version = ""
    term = None
    for line in obo.splitlines():
        if line.startswith("data-version:"):
            version = line.split(":", 1)[1].strip()
        elif line.startswith("[Term]") or line.startswith("[Typedef]"):
            term = None
        elif line.startswith("id: "):
            term = line[4:].strip()
        elif term and (m := _SYNONYM.match(line)):
            out.setdefault(term, set()).add(m.group(1).replace('\\"', '"'))
    return out, version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--do-dir", help="a checkout of the HumanDiseaseOntology repository")
    source.add_argument("--git-dir", help="a bare git directory of that repository")
    parser.add_argument("--commit", help="with --git-dir: the commit to read (default HEAD)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    read, listing, provenance = _reader(args)

    names: dict[str, str] = {}
    parents: dict[str, set[str]] = {}
    label_ids: dict[str, str] = {}
    rows = _tsv(read("DOreports/HumanDO.tsv"))
    for row in rows:
        if len(row) >= 2 and row[0].startswith("DOID:"):
            names[row[0]] = row[1]
            label_ids.setdefault(row[1], row[0])
    for row in rows:
        if len(row) >= 3 and row[0] in names and row[2] in label_ids:
            parents.setdefault(row[0], set()).add(label_ids[row[2]])
    xrefs: dict[str, set[str]] = {}
    for row in _tsv(read("DOreports/allXREFinDO.tsv")):
        if len(row) >= 3 and row[0] in names:
            prefix, _, local = row[2].partition(":")
            if prefix in _XREF_PREFIX and local:
                xrefs.setdefault(row[0], set()).add(f"{_XREF_PREFIX[prefix]}:{local}")
    synonyms: dict[str, set[str]] = {}
    version = ""
    for path in listing(SUBSETS):
        found, data_version = _synonyms(read(path))
        version = version or data_version.split("/subsets")[0]
        for term, syns in found.items():
            synonyms.setdefault(term, set()).update(syns)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"kind": "source", "source": provenance, "release": version,
                             "licence": "CC0 1.0 (Human Disease Ontology)", "terms": len(names)}) + "\n")
        for term in sorted(names):
            row = {"id": term, "name": names[term], "parents": sorted(parents.get(term, ())),
                   "synonyms": sorted(synonyms.get(term, set()) - {names[term]}),
                   "xrefs": sorted(xrefs.get(term, ()))}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    n_syn = sum(len(v) for v in synonyms.values())
    print(f"{args.output}: {len(names)} terms, {n_syn} synonyms, from {provenance} ({version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
