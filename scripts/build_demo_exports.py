#!/usr/bin/env python3
"""Build the demo corpus exports (RIS and PubMed MEDLINE) from our own abstracts.

Inputs
  ingest/demo/abstracts.jsonl   one {"id", "title", "abstract"} per study; the
                                abstracts are written by the project, in its own
                                words, from the facts file (never publishers' text).
  facts file                    ../shared/data/studies.facts.jsonl relative to the
                                repository root (override with the first argument).
                                Supplies citation data: first author, year,
                                journal, DOI, PMID and source URLs.

Outputs
  ingest/demo/demo.ris   RIS export (written with rispy.dumps) holding ALL studies.
  ingest/demo/demo.nbib  PubMed MEDLINE-format export holding only the studies
                         that have a PMID (45 of 85), as a PubMed search export
                         would.

Deliberate overlap, for de-duplication testing
  * Every study in demo.nbib is also in demo.ris (the .nbib is a subset).
  * demo.ris carries the PMID (``AN  -``, with ``DB  - PubMed``) only for studies at
    an EVEN 0-based line index in the facts file; studies at odd indexes carry
    no PMID in the RIS, as in a RIS exported from a database other than PubMed.
    Exception: a study with neither DOI nor year keeps its PMID, because the
    ingest contract matches only on DOI, PMID, or title + year.
  * So, for the 45 studies in both files:
      - even index (21) plus wei-endocrine-facial-anomalies-dl: same PMID in both (and same DOI where known; one,
        sui-2025-ted-explainable-dl, has no DOI) -> PMID match;
      - odd index with a DOI (21): only the DOI links the two records -> DOI match;
      - odd index without a DOI (basel-vanagaite-2016-cdls-fdna,
        kruszka-2018-williams-beuren-diverse): only title + year link them;
      - wei-endocrine-facial-anomalies-dl (odd index, but no DOI and no year):
        keeps its PMID in the RIS (the exception above) -> PMID match.
  * The other 40 studies (no PMID in the facts) are in demo.ris only.
  * Ingesting both files must therefore give 85 studies, not 130.
  * After writing, both files are re-read (rispy.load for RIS, facekg's MEDLINE
    record parser for the .nbib) and titles, abstracts, DOIs and PMIDs are checked to round-trip.
  * Citation fields that are null in the facts (author, year, journal, DOI) are
    simply left out of the record; nothing is filled in by guessing.

Usage
  python scripts/build_demo_exports.py [FACTS_JSONL] [--out-dir ingest/demo]
"""
from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

import rispy

from ingest.readers.encoding import iter_lines
from ingest.readers.jsonl import iter_json_lines
from ingest.readers.medline import parse_medline

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FACTS = REPO.parent / "shared" / "data" / "studies.facts.jsonl"
DEMO_DIR = REPO / "ingest" / "demo"


class PlainRisWriter(rispy.RisWriter):
    """rispy's writer without the '1.', '2.' counter line before each record,
    so the file looks like a database export (TY first, ER last)."""

    def set_header(self, count: int) -> str:  # noqa: ARG002
        return ""


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [item for _line, item in iter_json_lines(path)]


def short_author(full: str) -> str:
    """'Hsieh, Tzung-Chien' -> 'Hsieh TC' (MEDLINE AU form)."""
    if "," not in full:
        return full.strip()
    last, given = (part.strip() for part in full.split(",", 1))
    initials = "".join(p[0].upper() for p in given.replace("-", " ").split() if p)
    return f"{last} {initials}".strip()


def ris_carries_pmid(study: dict, index: int) -> bool:
    """The overlap rule: PMID in the RIS for even indexes, and for a study with
    neither DOI nor year (nothing else the ingest contract matches on)."""
    return index % 2 == 0 or not (study.get("doi") or study.get("year"))


def ris_entry(study: dict, text: dict, index: int) -> dict:
    entry: dict = {
        "type_of_reference": "JOUR",
        "id": study["id"],
        "title": text["title"],
        "abstract": text["abstract"],
    }
    if study.get("first_author"):
        entry["authors"] = [study["first_author"]]
    if study.get("year"):
        entry["year"] = str(study["year"])
    if study.get("journal"):
        entry["journal_name"] = study["journal"]
        entry["secondary_title"] = study["journal"]
    if study.get("doi"):
        entry["doi"] = study["doi"]
    if study.get("pmid") and ris_carries_pmid(study, index):
        entry["accession_number"] = str(study["pmid"])
        entry["name_of_database"] = "PubMed"
    if study.get("source_urls"):
        entry["urls"] = list(study["source_urls"])
    entry["language"] = "English"
    return entry


def medline_field(tag: str, value: str, width: int = 80) -> list[str]:
    """One MEDLINE field: 4-char tag, '- ', value wrapped with 6-space continuation."""
    prefix = f"{tag:<4}- "
    wrapped = textwrap.wrap(
        " ".join(value.split()),
        width=width,
        initial_indent=prefix,
        subsequent_indent=" " * 6,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped or [prefix.rstrip()]


def medline_record(study: dict, text: dict) -> str:
    lines: list[str] = []
    lines += medline_field("PMID", str(study["pmid"]))
    lines += medline_field("OWN", "NLM")
    if study.get("year"):
        lines += medline_field("DP", str(study["year"]))
    lines += medline_field("TI", text["title"])
    if study.get("doi"):
        lines += medline_field("LID", f"{study['doi']} [doi]")
    lines += medline_field("AB", text["abstract"])
    if study.get("first_author"):
        lines += medline_field("FAU", study["first_author"])
        lines += medline_field("AU", short_author(study["first_author"]))
    lines += medline_field("LA", "eng")
    lines += medline_field("PT", "Journal Article")
    if study.get("journal"):
        # No ISO abbreviation is recorded in the facts, so TA repeats the title.
        lines += medline_field("TA", study["journal"])
        lines += medline_field("JT", study["journal"])
    if study.get("doi"):
        lines += medline_field("AID", f"{study['doi']} [doi]")
    lines += medline_field("SO", "; ".join(
        p for p in (study.get("journal"), str(study["year"]) if study.get("year") else None) if p
    ) or "unknown")
    return "\n".join(lines) + "\n"


def build(facts_path: Path, out_dir: Path) -> tuple[int, int]:
    facts = load_jsonl(facts_path)
    texts = {t["id"]: t for t in load_jsonl(out_dir / "abstracts.jsonl")}
    missing = [s["id"] for s in facts if s["id"] not in texts]
    if missing:
        raise SystemExit(f"abstracts.jsonl lacks {len(missing)} studies: {missing[:5]}...")

    ris_entries = [ris_entry(s, texts[s["id"]], i) for i, s in enumerate(facts)]
    ris_text = rispy.dumps(ris_entries, implementation=PlainRisWriter)
    (out_dir / "demo.ris").write_text(ris_text.rstrip() + "\n", encoding="utf-8")

    nbib = [medline_record(s, texts[s["id"]]) for s in facts if s.get("pmid")]
    (out_dir / "demo.nbib").write_text("\n".join(nbib), encoding="utf-8")
    verify(facts, texts, out_dir)
    return len(ris_entries), len(nbib)


def verify(facts: list[dict], texts: dict, out_dir: Path) -> None:
    """Re-read both exports and check titles, abstracts, DOIs and PMIDs round-trip."""
    by_id = {s["id"]: s for s in facts}
    with (out_dir / "demo.ris").open(encoding="utf-8") as fh:
        ris = rispy.load(fh)
    assert len(ris) == len(facts), f"RIS has {len(ris)} records, expected {len(facts)}"
    for index, (entry, study) in enumerate(zip(ris, facts, strict=True)):
        assert entry["id"] == study["id"]
        assert entry["title"] == texts[study["id"]]["title"], study["id"]
        assert entry["abstract"] == texts[study["id"]]["abstract"], study["id"]
        assert entry.get("doi") == (study.get("doi") or None), study["id"]
        want_an = str(study["pmid"]) if study.get("pmid") and ris_carries_pmid(study, index) else None
        assert entry.get("accession_number") == want_an, study["id"]

    pmid_to_id = {str(s["pmid"]): s["id"] for s in facts if s.get("pmid")}
    nbib = [record for _line, record in parse_medline(iter_lines(out_dir / "demo.nbib"))]
    assert len(nbib) == len(pmid_to_id), f"nbib has {len(nbib)} records"
    for rec in nbib:
        study = by_id[pmid_to_id[rec["PMID"][0]]]
        text = texts[study["id"]]
        assert rec["TI"][0] == " ".join(text["title"].split()), study["id"]
        assert rec["AB"][0] == " ".join(text["abstract"].split()), study["id"]
        if study.get("doi"):
            assert rec["AID"] == [f"{study['doi']} [doi]"], study["id"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("facts", nargs="?", type=Path, default=DEFAULT_FACTS)
    ap.add_argument("--out-dir", type=Path, default=DEMO_DIR)
    args = ap.parse_args(argv)
    n_ris, n_nbib = build(args.facts, args.out_dir)
    print(f"demo.ris: {n_ris} records; demo.nbib: {n_nbib} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
