"""How to cite a page of the living review: as of the latest release, pinned to its update by ``?as_of=``.

The authors and the review's name match ``CITATION.cff`` (the software's citation), which the tests check.
"""

from __future__ import annotations

from pydantic import BaseModel

from facekg import __version__
from facekg.records import ReviewUpdate
from graph.exports.release import Release

AUTHORS = "The facekg contributors"
REVIEW = "facekg living review of deep-learning facial image analysis in medicine"
SOFTWARE = "facekg: a living-review knowledge graph of deep-learning facial image analysis in medicine"


def software_citation() -> str:
    """The software's citation, as ``CITATION.cff`` gives it."""
    return f"{AUTHORS}. {SOFTWARE} (version {__version__}). Software, MIT licence."


class Citation(BaseModel):
    """The text to cite and the permalink it names (the page as of the cited update)."""

    text: str
    url: str
    release: str | None
    review_update: str


def cite_as(title: str, page_url: str, release: Release | None, current: ReviewUpdate | None) -> Citation | None:
    """The citation of the page titled ``title`` at ``page_url``: as of ``release``, else of ``current``.

    None before the first update (there is nothing to cite yet).
    """
    if release is not None:
        update, day = release.review_update, release.update_created_at[:10]
        where = f"release {release.version} (review update {update}, {day})"
    elif current is not None:
        update, day = current.id, current.created_at[:10]
        where = f"review update {update}, {day} (no release yet)"
    else:
        return None
    url = f"{page_url.split('?', 1)[0]}?as_of={update}"
    return Citation(text=f"{AUTHORS} ({day[:4]}). {title}. In: {REVIEW}, {where}. {url}", url=url,
                    release=release.version if release is not None else None, review_update=update)
