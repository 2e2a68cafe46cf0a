"""How a study is named and recognised: its id, and the keys an upsert matches it on.

One scheme for every way a study comes in (``facekg ingest``, ``extract``, ``screen`` and ``load``), so the
same record gets the same id whichever command reads it:

1. the record's own id when it has one that is a valid study id (the curated demo records and JSON
   input carry their slugs, RIS exports an ``ID`` tag);
2. else ``pmid-<PMID>``;
3. else ``doi-<slug of the DOI>``;
4. else ``<first author's surname>-<year or nd>-<first six title words>``, all slugs.

Every id matches :data:`STUDY_ID_PATTERN` and, from steps 2 to 4, holds only ``a-z0-9`` and ``-``, so it
can stand in a URL path as it is. An upsert matches a stored study on DOI first, then PMID, then id
(:func:`upsert_keys`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

STUDY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"
_STUDY_ID = re.compile(STUDY_ID_PATTERN)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_TITLE_WORDS = 6


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by ``-`` (``"x"`` when nothing is left)."""
    return _NOT_SLUG.sub("-", text.casefold()).strip("-") or "x"


def is_study_id(value: object) -> bool:
    """Whether ``value`` can be used as a study id as it is."""
    return isinstance(value, str) and bool(_STUDY_ID.match(value))


def study_id(*, own_id: object = None, pmid: str | None = None, doi: str | None = None,
             authors: Sequence[str] = (), year: int | None = None, title: str = "") -> str:
    """The id of a study first seen in an input file (see the module docstring for the order)."""
    if is_study_id(own_id):
        return str(own_id)
    if pmid:
        return f"pmid-{pmid}"
    if doi:
        return f"doi-{slug(doi)}"
    surname = slug(authors[0].split(",")[0]) if authors else "anon"
    words = "-".join(slug(title).split("-")[:_TITLE_WORDS])
    return f"{surname}-{year or 'nd'}-{words}"


def upsert_keys(*, doi: str | None, pmid: str | None, study_id: str) -> list[str]:
    """The keys a study is matched on when records are upserted, strongest first: DOI, PMID, id."""
    keys = [f"doi:{doi}" if doi else "", f"pmid:{pmid}" if pmid else "", f"id:{study_id}"]
    return [key for key in keys if key]
