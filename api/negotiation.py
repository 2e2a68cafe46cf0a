"""Content negotiation on ``Accept``: which of the media types we offer does the client want most?

Browsers send ``text/html,...,*/*;q=0.8`` and get pages; curl and ``fetch()``
send ``*/*`` and get the first (machine-readable) offer. An explicit match
beats a wildcard of the same quality; offer order breaks the remaining ties.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request

HTML = "text/html"


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def _score(offer: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(quality, specificity) of the best range matching ``offer``: 2 exact, 1 ``type/*``, 0 ``*/*``."""
    kind = offer.split("/")[0]
    best = (0.0, -1)
    for media, quality in ranges:
        specificity = 2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if specificity >= 0 and (specificity, quality) > (best[1], best[0]):
            best = (quality, specificity)
    return best


def choose(accept: str | None, offers: Sequence[str]) -> str:
    """The offer the client ranks highest; the first offer when it sends no ``Accept`` or accepts none."""
    ranges = _ranges(accept or "*/*")
    scored = [(_score(offer, ranges), -index, offer) for index, offer in enumerate(offers)]
    (quality, _specificity), _index, offer = max(scored)
    return offer if quality > 0 else offers[0]


def prefers_html(request: Request, machine_type: str = "application/json") -> bool:
    """True when the client ranks HTML above ``machine_type`` (a browser following a link)."""
    return choose(request.headers.get("accept"), [machine_type, HTML]) == HTML
