"""JSON parsed strictly enough for bibliographic records: a key given twice is not lost silently.

``json.loads`` keeps the last of two equal keys without a word, so an object
with two ``"abstract"`` keys would lose one. Objects parsed here remember the
keys they held more than once, and the readers refuse such a record naming the
key (JSON's RFC 8259 leaves repeated names undefined; no export tool writes them
on purpose).
"""

from __future__ import annotations

import json
from typing import Any


class JsonObject(dict[str, Any]):
    """A parsed JSON object that remembers the keys it held more than once."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> JsonObject:
    obj = JsonObject()
    obj.repeated = []
    for key, value in pairs:
        if key in obj:
            obj.repeated.append(key)
        obj[key] = value
    return obj


def loads_json(text: str, *, numbers_as_text: bool = False) -> Any:
    """``json.loads`` with objects that remember repeated keys; raises ``json.JSONDecodeError``.

    With ``numbers_as_text`` numbers are kept as printed (``"0.80"``), for callers that need a
    figure's precision.
    """
    number = str if numbers_as_text else None
    return json.loads(text, object_pairs_hook=_object, parse_float=number, parse_int=number)


def repeated_key(value: Any, path: str = "") -> str | None:
    """The first key (as a dotted path) given twice anywhere in ``value``, else None."""
    if isinstance(value, JsonObject):
        if value.repeated:
            return f"{path}.{value.repeated[0]}" if path else value.repeated[0]
        for key, item in value.items():
            found = repeated_key(item, f"{path}.{key}" if path else key)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = repeated_key(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None
