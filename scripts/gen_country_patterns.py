#!/usr/bin/env python
"""Regenerate ``ingest/nlp/patterns/countries.jsonl`` from pycountry (ISO 3166), plus common short forms.

A one-off maintenance tool: pycountry is needed only to run this script, not at run
time (``pip install pycountry``). Names with a comma ("Korea, Republic of") are left
to their common forms listed below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "ingest" / "nlp" / "patterns" / "countries.jsonl"
COMMON = [("USA", "USA"), ("United States", "USA"), ("UK", "GBR"), ("United Kingdom", "GBR"),
          ("England", "GBR"), ("Scotland", "GBR"), ("Wales", "GBR"), ("South Korea", "KOR"), ("Korea", "KOR"),
          ("Taiwan", "TWN"), ("Russia", "RUS"), ("Iran", "IRN"), ("Vietnam", "VNM"), ("Turkey", "TUR"),
          ("Czech Republic", "CZE"), ("the Netherlands", "NLD"), ("Netherlands", "NLD"), ("Hong Kong", "HKG"),
          ("Bolivia", "BOL"), ("Venezuela", "VEN"), ("Tanzania", "TZA"), ("Syria", "SYR"), ("Laos", "LAO"),
          ("Moldova", "MDA")]


def main() -> int:
    rows = set(COMMON)
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            name = getattr(country, attr, None)
            if name and "," not in name:
                rows.add((name, country.alpha_3))
    with OUT.open("w", encoding="utf-8") as fh:
        for name, code in sorted(rows):
            fh.write(json.dumps({"label": "GPE", "pattern": name, "id": f"ISO3166:{code}"}) + "\n")
    print(f"wrote {len(rows)} country patterns to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
