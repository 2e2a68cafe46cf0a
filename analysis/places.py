"""Countries and ancestry groups named in demographic evidence spans.

Used only to tell whether a condition's evidence comes from a single country or
ancestry; a term must appear in a study's own evidence span, never inferred
from authors' affiliations or anything else. The lists are short on purpose:
an unlisted place leaves the answer "unknown", which is the honest default.
"""

from __future__ import annotations

import re

COUNTRIES: dict[str, tuple[str, ...]] = {
    "Argentina": ("Argentina", "Argentinian", "Argentine"),
    "Australia": ("Australia", "Australian"),
    "Austria": ("Austria", "Austrian"),
    "Belgium": ("Belgium", "Belgian"),
    "Brazil": ("Brazil", "Brazilian"),
    "Canada": ("Canada", "Canadian"),
    "Chile": ("Chile", "Chilean"),
    "China": ("China", "Chinese", "mainland China"),
    "Colombia": ("Colombia", "Colombian"),
    "Denmark": ("Denmark", "Danish"),
    "Egypt": ("Egypt", "Egyptian"),
    "Finland": ("Finland", "Finnish"),
    "France": ("France", "French"),
    "Germany": ("Germany", "German"),
    "Greece": ("Greece", "Greek"),
    "Hong Kong": ("Hong Kong",),
    "India": ("India", "Indian"),
    "Indonesia": ("Indonesia", "Indonesian"),
    "Iran": ("Iran", "Iranian"),
    "Ireland": ("Ireland", "Irish"),
    "Israel": ("Israel", "Israeli"),
    "Italy": ("Italy", "Italian"),
    "Japan": ("Japan", "Japanese"),
    "Malaysia": ("Malaysia", "Malaysian"),
    "Mexico": ("Mexico", "Mexican"),
    "Netherlands": ("Netherlands", "Dutch"),
    "New Zealand": ("New Zealand",),
    "Nigeria": ("Nigeria", "Nigerian"),
    "Norway": ("Norway", "Norwegian"),
    "Pakistan": ("Pakistan", "Pakistani"),
    "Poland": ("Poland", "Polish"),
    "Portugal": ("Portugal", "Portuguese"),
    "Russia": ("Russia", "Russian"),
    "Saudi Arabia": ("Saudi Arabia", "Saudi"),
    "Singapore": ("Singapore", "Singaporean"),
    "South Africa": ("South Africa", "South African"),
    "South Korea": ("South Korea", "Korea", "Korean", "Republic of Korea"),
    "Spain": ("Spain", "Spanish"),
    "Sweden": ("Sweden", "Swedish"),
    "Switzerland": ("Switzerland", "Swiss"),
    "Taiwan": ("Taiwan", "Taiwanese"),
    "Thailand": ("Thailand", "Thai"),
    "Turkey": ("Turkey", "Turkish", "Türkiye"),
    "United Kingdom": ("United Kingdom", "UK", "U.K.", "Britain", "British", "England", "Scotland"),
    "United States": ("United States", "USA", "U.S.", "US", "America", "American"),
    "Vietnam": ("Vietnam", "Viet Nam", "Vietnamese"),
}

ANCESTRIES: dict[str, tuple[str, ...]] = {
    "African": ("African", "Black", "Afro-Caribbean"),
    "Asian": ("Asian", "East Asian", "South Asian", "Southeast Asian"),
    "European": ("European", "Caucasian", "White"),
    "Hispanic/Latino": ("Hispanic", "Latino", "Latina", "Latin American"),
    "Middle Eastern": ("Middle Eastern", "Arab"),
    "Indigenous": ("Indigenous", "Native American", "Aboriginal"),
}


def _pattern(table: dict[str, tuple[str, ...]]) -> list[tuple[str, re.Pattern[str]]]:
    # Case-sensitive on purpose: "US" and "Thai" must not match "us" or "thai" in ordinary words.
    return [(name, re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in sorted(aliases, key=len,
                                                                                        reverse=True))
                              + r")(?!\w)")) for name, aliases in table.items()]


_COUNTRY_PATTERNS = _pattern(COUNTRIES)
_ANCESTRY_PATTERNS = _pattern(ANCESTRIES)


def countries_in(text: str) -> set[str]:
    """Countries named in ``text`` (by name or demonym)."""
    return {name for name, pattern in _COUNTRY_PATTERNS if pattern.search(text)}


def ancestries_in(text: str) -> set[str]:
    """Broad ancestry groups named in ``text``."""
    return {name for name, pattern in _ANCESTRY_PATTERNS if pattern.search(text)}
