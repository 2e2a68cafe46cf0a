"""Every error facekg raises on purpose.

    FacekgError
    ├── ConfigError           a setting is missing or invalid (names the variable)
    ├── InputError            bad input file, record or field (names all three)
    │   ├── ValidationFailed  a record does not fit the study model
    │   └── CountsInconsistent  a 2x2 table cannot be rebuilt: the rates and group sizes disagree
    ├── NotFound              an id the store or ontology does not hold
    ├── InvalidQuery          a query parameter out of range or unknown
    ├── NotPoolable           the evidence does not allow this meta-analysis (says why)
    ├── Conflict              the write does not fit the review's state (e.g. consensus before both reviews)
    ├── Unauthenticated       no API key, an unknown key or a revoked key
    ├── Forbidden             a valid key that may not do this (another reviewer's entry, consensus by a reviewer)
    └── StoreError            the graph store failed
        └── StoreUnavailable  the store cannot be reached now; retry later

The API maps these to RFC 9457 problem responses in one place
(``api/problems.py``); the CLI prints them as one line and exits non-zero
(``cli/errors.py``).
"""

from __future__ import annotations


class FacekgError(Exception):
    """Root of facekg's errors."""


class ConfigError(FacekgError):
    """A setting is missing or invalid; ``variable`` names the environment variable."""

    def __init__(self, variable: str, message: str) -> None:
        self.variable = variable
        super().__init__(f"setting {variable}: {message}")


class InputError(FacekgError):
    """Bad input: the message names the file, the record and the field."""

    def __init__(self, message: str, *, file: str | None = None, record: int | str | None = None,
                 field: str | None = None) -> None:
        self.file = file
        self.record = record
        self.field = field
        where = ", ".join(
            part for part in (
                f"file {file}" if file else "",
                f"record {record}" if record is not None else "",
                f"field {field!r}" if field else "",
            ) if part
        )
        self.detail = message
        super().__init__(f"{where}: {message}" if where else message)


class ValidationFailed(InputError):
    """A record failed validation against the study model."""


class CountsInconsistent(InputError):
    """Rates and group sizes that cannot come from one 2x2 table (e.g. values averaged over folds)."""


class NotFound(FacekgError):
    """The id is not in the store or the ontology."""

    def __init__(self, kind: str, identifier: str) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"no {kind} with id {identifier!r}")


class UnknownName(NotFound):
    """A query parameter names a condition, cause, architecture or metric the ontology does not know.

    A 404 like any unknown id (the named thing does not exist), with ``parameter`` naming the filter.
    """

    def __init__(self, parameter: str, kind: str, name: str, see: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(kind, name)
        self.args = (f"parameter {parameter!r}: no {kind} named {name!r}" + (f"; see {see}" if see else ""),)


class InvalidQuery(FacekgError):
    """A query parameter is invalid; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(f"parameter {parameter!r}: {message}")


class NotPoolable(FacekgError):
    """The studies are too few or not comparable; ``reason`` is a short code, ``studies`` the ids involved."""

    def __init__(self, reason: str, message: str, studies: list[str] | None = None,
                 details: list[str] | None = None) -> None:
        self.reason = reason
        self.studies = list(studies or [])
        self.details = list(details or [])
        super().__init__(message)


class Conflict(FacekgError):
    """The write does not fit the review's current state; the message says why."""


class Unauthenticated(FacekgError):
    """The request carries no valid key: none, an unknown one, or a revoked one."""


class Forbidden(FacekgError):
    """The key is valid but its reviewer may not do this."""


class StoreError(FacekgError):
    """The graph store failed."""


class StoreUnavailable(StoreError):
    """The store cannot be reached now (e.g. Neo4j is down); retry later."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        self.retry_after = retry_after
        super().__init__(message)
