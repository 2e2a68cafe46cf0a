"""How names are compared: one key per spelling variant.

``"Bell's palsy"``, ``"Bells palsy"`` and ``"bells-palsy"`` share the key
``"bellspalsy"``; ``"ResNet-50"``, ``"ResNet 50"`` and the id ``ResNet50`` share
``"resnet50"``. Case, accents, apostrophes, hyphens, spaces and other
punctuation are ignored; letters and digits are kept in order.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def name_key(text: str) -> str:
    """The comparison key of a name: casefolded letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", stripped.casefold())


def key_variants(text: str) -> list[str]:
    """Keys to try for a query, best first: the key, then a naive singular."""
    key = name_key(text)
    variants = [key]
    if len(key) > 3 and key.endswith("s"):
        variants.append(key[:-1])
    return variants


_PARENTHETICAL = re.compile(r"^(?P<base>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*(?P<rest>[^()]*)$")


def split_parenthetical(text: str) -> tuple[str, str | None]:
    """Split one bracketed qualifier off: ``"AUC (highest)"`` -> ``("AUC", "highest")``.

    Text without exactly one pair of brackets comes back unchanged with None.
    """
    match = _PARENTHETICAL.match(text.strip())
    if not match:
        return text, None
    base = " ".join(part for part in (match["base"].strip(), match["rest"].strip()) if part)
    return base, match["inner"].strip() or None
