"""Query parameters that name something in the ontology (a condition, cause, architecture or metric).

One rule for all of them: a name has 1 to :data:`NAME_MAX` characters (an empty
``condition=`` is refused with 422, as the OpenAPI's ``minLength`` says), and a
name the ontology does not know is a 404 problem naming the parameter, so each
operation taking one documents 404 (:data:`NAMED`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Query

NAME_MAX = 200
NAMED = 404  # the status an unknown name answers: add it to the operation's error_responses


def name_query(description: str) -> Any:
    """The ``Query`` of a parameter naming an ontology concept."""
    return Query(min_length=1, max_length=NAME_MAX, description=description)
