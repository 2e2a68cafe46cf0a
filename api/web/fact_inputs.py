"""Typed inputs for a fact: what a reviewer edits in the extraction form instead of raw JSON.

The inputs are read from the fact's pydantic model, so a field added to a fact
shows up without template changes: a fixed choice (``Literal``) or a yes/no/unknown
(``bool``) is a select, a number a number input, a text a text input, a list of
texts a comma-separated text, a nested model (a metric's subgroup) its own inputs
under a dotted path. Provenance is the review's to set, never the reviewer's.
Posted inputs are laid over the field's current value and validated by the
service like any API body, so a wrong value is a 422 naming its field.
"""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from review.models import ExtractionForm

SKIPPED = {"provenance"}
Kind = Literal["text", "number", "select", "list"]
UNKNOWN = ("", "not stated")


class FactInput(BaseModel):
    """One input of a fact: its dotted path in the fact, a label, its kind, the choices of a select, its value."""

    path: str
    label: str
    kind: Kind
    options: list[tuple[str, str]] = []
    value: str = ""


def fact_type(section: str) -> type[BaseModel]:
    """The fact model a form section holds (``FormField[X]`` -> ``X``)."""
    (item,) = get_args(ExtractionForm.model_fields[section].annotation)
    fact: type[BaseModel] = item.__pydantic_generic_metadata__["args"][0]
    return fact


def _unwrapped(annotation: Any) -> Any:
    """``X`` of ``X | None``."""
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def _typed(annotation: Any, text: str) -> Any:
    """The posted text as the JSON value the model takes (the service validates JSON bodies strictly);
    text that is not one is passed on as it is, for the service's 422 to name."""
    if annotation is bool:
        return {"true": True, "false": False}.get(text, text)
    if annotation in (int, float):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if annotation is int and number.is_integer() else number
    return text


def _optional(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def _spec(annotation: Any) -> tuple[Kind, list[tuple[str, str]]] | type[BaseModel] | None:
    annotation = _unwrapped(annotation)
    if get_origin(annotation) is Literal:
        return "select", [UNKNOWN, *((str(v), str(v).replace("_", " ")) for v in get_args(annotation))]
    if annotation is bool:
        return "select", [UNKNOWN, ("true", "yes"), ("false", "no")]
    if annotation in (int, float):
        return "number", []
    if annotation is str:
        return "text", []
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        return "list", []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None  # other shapes (dicts, lists of records) keep their current value


def _shown(value: Any, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == "list":
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fact_inputs(model: type[BaseModel], value: dict[str, Any] | None, prefix: str = "") -> list[FactInput]:
    """The inputs of ``model``, filled from ``value`` (a fact dumped as JSON, or None)."""
    inputs: list[FactInput] = []
    for name, info in model.model_fields.items():
        if name in SKIPPED:
            continue
        spec = _spec(info.annotation)
        current = (value or {}).get(name)
        path = f"{prefix}{name}"
        if isinstance(spec, type):
            inputs.extend(fact_inputs(spec, current if isinstance(current, dict) else None, f"{path}."))
        elif spec is not None:
            kind, options = spec
            inputs.append(FactInput(path=path, label=path.replace(".", " ").replace("_", " "), kind=kind,
                                    options=options, value=_shown(current, kind)))
    return inputs


def posted_value(model: type[BaseModel], base: dict[str, Any] | None, posted: dict[str, str]) -> dict[str, Any]:
    """``base`` with the posted inputs (path -> text) laid over it; an empty input is "not stated"."""
    merged: dict[str, Any] = dict(base or {})
    for name, info in model.model_fields.items():
        if name in SKIPPED:
            continue
        spec = _spec(info.annotation)
        if isinstance(spec, type):
            inner = {path.removeprefix(f"{name}."): text for path, text in posted.items()
                     if path.startswith(f"{name}.")}
            if inner:
                current = merged.get(name) if isinstance(merged.get(name), dict) else None
                nested = posted_value(spec, current, inner)
                merged[name] = nested if any(v not in (None, "", []) for v in nested.values()) else None
        elif spec is not None and name in posted:
            text = posted[name].strip()
            if spec[0] == "list":
                merged[name] = [part.strip() for part in text.split(",") if part.strip()]
            elif text:
                merged[name] = _typed(_unwrapped(info.annotation), text)
            elif _optional(info.annotation):
                merged[name] = None
            else:  # a field that cannot be "not stated": its default, or the model's "field required"
                merged.pop(name, None)
    return merged
