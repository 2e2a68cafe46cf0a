#!/usr/bin/env python3
"""Self-check for ingest/demo/abstracts.jsonl against the facts file.

For every abstract:
  * every number written in the title or abstract must occur in that study's
    facts record (any field: values, CI bounds, sample_size, notes, contexts),
    allowing only the %<->fraction rescaling (0.73 <-> 73) and the "95" of
    "95% CI";
  * length is 80-200 words;
  * the title equals the citation title in the facts;
  * soft warnings where the text seems to mention a demographic the record
    leaves null/false, or clinicians when comparator_clinicians is not true.

Exit status 1 if any hard check fails.

Usage: python scripts/check_demo_abstracts.py [FACTS_JSONL] [ABSTRACTS_JSONL]
"""
from __future__ import annotations

import contextlib
import json
import re
import sys
from pathlib import Path

from ingest.readers.jsonl import iter_json_lines

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FACTS = REPO.parent / "shared" / "data" / "studies.facts.jsonl"
DEFAULT_ABSTRACTS = REPO / "ingest" / "demo" / "abstracts.jsonl"

NUM = re.compile(r"\d[\d,]*(?:\.\d+)?")

DEMOGRAPHIC_CUES = {
    "sex": r"\b(men|women|male|female|males|females|sex|gender|boys|girls)\b",
    "age": r"\b(age|aged|ages|mean age|median age|years old|older adults|elderly)\b",
    "ethnicity_or_race": r"\b(ethnic\w*|race|racial|ancestry|caucasian|african|asian|latin american|european)\b",
    "skin_tone": r"\b(skin tone|skin colou?r|fitzpatrick|complexion)\b",
}
CLINICIAN_CUES = (r"\b(clinicians?|physicians?|dysmorphologists?|experts?|neurologists?|dermatologists?"
                  r"|ophthalmologists?|paediatricians?|pediatricians?|raters?|endocrinologists?|geneticists?"
                  r"|readers?)\b")


def numbers(text: str) -> list[float]:
    out = []
    for tok in NUM.findall(text):
        tok = tok.rstrip(",").replace(",", "")
        with contextlib.suppress(ValueError):
            out.append(float(tok))
    return out


def allowed_numbers(record: dict) -> set[float]:
    base = set(numbers(json.dumps(record, ensure_ascii=False)))
    allowed = set(base)
    for v in base:
        allowed.add(round(v * 100, 6))
        allowed.add(round(v / 100, 6))
    allowed.add(95.0)  # "95% CI"
    return {round(v, 6) for v in allowed}


def check(facts_path: Path, abstracts_path: Path) -> int:
    facts = {record["id"]: record for _line, record in iter_json_lines(facts_path)}
    texts = [text for _line, text in iter_json_lines(abstracts_path)]
    errors, warnings = [], []
    seen = set()
    for t in texts:
        sid = t["id"]
        if sid in seen:
            errors.append(f"{sid}: duplicate id")
        seen.add(sid)
        rec = facts.get(sid)
        if rec is None:
            errors.append(f"{sid}: not in facts file")
            continue
        if t["title"] != rec["title"]:
            errors.append(f"{sid}: title differs from citation title")
        ok = allowed_numbers(rec)
        for v in numbers(t["abstract"]):
            if round(v, 6) not in ok:
                errors.append(f"{sid}: number {v:g} not found in facts record")
        words = len(t["abstract"].split())
        if not 80 <= words <= 200:
            errors.append(f"{sid}: {words} words (want 80-200)")
        low = t["abstract"].lower()
        demo = rec["demographics_reported"]
        for field, pat in DEMOGRAPHIC_CUES.items():
            if demo.get(field) is not True:
                m = re.search(pat, low)
                if m:
                    warnings.append(f"{sid}: mentions '{m.group(0)}' but {field}={demo.get(field)}")
        if rec.get("comparator_clinicians") is not True:
            m = re.search(CLINICIAN_CUES, low)
            if m:
                warnings.append(f"{sid}: mentions '{m.group(0)}' but "
                                f"comparator_clinicians={rec.get('comparator_clinicians')}")
    missing = sorted(set(facts) - seen)
    for w in warnings:
        print("WARN ", w)
    for e in errors:
        print("ERROR", e)
    print(f"{len(texts)} abstracts checked; {len(missing)} studies without abstract; "
          f"{len(errors)} errors; {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    f = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FACTS
    a = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_ABSTRACTS
    raise SystemExit(check(f, a))
