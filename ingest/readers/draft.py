"""The draft a reader yields: one bibliographic record before de-duplication.

A draft is deliberately looser than :class:`facekg.records.StudyRecord`: it has
no id yet and keeps where it came from (file and 1-based record number) so every
later message can point a reviewer back at the export line that produced it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from facekg.errors import InputError
from facekg.identity import study_id
from facekg.records import normalise_doi


class StudyDraft(BaseModel):
    """One record read from an export file (RIS, MEDLINE, BibTeX, CSV, JSON, PDF).

    ``extra`` holds what the format says beyond the common fields, e.g.
    ``language``, ``publication_types``, ``id`` (JSON input) or ``url``.
    ``full_text`` is set only when a PDF was read or attached.
    """

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    abstract: str | None = None
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    journal: str | None = None
    doi: str | None = None
    pmid: str | None = None
    keywords: list[str] = Field(default_factory=list)
    source_file: str
    record_number: int = Field(ge=1)
    fmt: str
    full_text: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("doi")
    @classmethod
    def _normalise_doi(cls, value: str | None) -> str | None:
        return normalise_doi(value)

    @field_validator("title", "abstract", "journal", mode="before")
    @classmethod
    def _collapse_space(cls, value: object) -> object:
        if isinstance(value, str):
            return " ".join(value.split()) or None
        return value

    @property
    def origin(self) -> str:
        """``file#record`` for messages and merge reports."""
        return f"{self.source_file}#{self.record_number}"

    def study_id(self) -> str:
        """The id of the study this record becomes (:func:`facekg.identity.study_id`)."""
        return study_id(own_id=self.extra.get("id"), pmid=self.pmid, doi=self.doi, authors=self.authors,
                        year=self.year, title=self.title)


_YEAR = re.compile(r"(?<!\d)(18\d\d|19\d\d|20\d\d)(?!\d)")


def parse_year(text: object) -> int | None:
    """The first plausible four-digit year in ``text`` (``"2019 Mar 4"``, ``"2019/03/04/"``)."""
    if text is None:
        return None
    match = _YEAR.search(str(text))
    return int(match.group(1)) if match else None


def clean_pmid(value: object) -> str | None:
    """A PMID as digits, or None when ``value`` holds no digits-only id."""
    if value is None:
        return None
    text = str(value).strip()
    if text.lower().startswith("pmid:"):
        text = text[5:].strip()
    return text if text.isdigit() else None


def quarantine(error: InputError, errors: list[InputError] | None) -> None:
    """Raise ``error``, or append it to ``errors`` when the caller reads with skip-bad.

    Readers call this for every bad record: with ``errors=None`` the first bad
    record stops reading; with a list the record is set aside and reading goes on.
    """
    if errors is None:
        raise error
    errors.append(error)


def first_text(*values: object) -> str | None:
    """The first value that is a non-blank string (lists give their first such item)."""
    for value in values:
        if isinstance(value, list):
            value = first_text(*value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
