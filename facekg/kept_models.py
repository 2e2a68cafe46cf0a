"""Pydantic models kept read-only for a whole revision, made smaller: one shared set of field names per shape.

Every pydantic model instance carries ``__pydantic_fields_set__``, its own ``set`` of the fields its input
named. A record read back from the store names every field, so a study's record with its facts, provenance
and evidence is about sixty such sets, 216 to 2,264 bytes each: measured on 10,000 synthetic studies served,
612,000 sets held 470 MB of the process's 820 MB of studies and answers, more than the values themselves.
The sets of models with the same fields are equal, so :func:`compact` points every model in a tree at one
shared, read-only :class:`SharedFieldsSet` per distinct set of names.

Only for models nothing changes afterwards (a revision's studies and its kept answers, which are shared
between requests already): setting a field of a compacted model raises ``TypeError`` instead of silently
changing every other model's bookkeeping. Copies (``model_copy``, ``copy``, ``pickle``) get a plain ``set``
again, so a copy can be changed as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from pydantic import BaseModel

_MAX_SHAPES = 4096
"""Distinct sets of field names kept for sharing (in practice a few dozen); past that, sets are not shared."""


class SharedFieldsSet(set[str]):
    """A set of field names shared by many kept models: read-only, and copied as a plain ``set``.

    A ``set`` subclass, not a ``frozenset``, because pydantic-core's serializer requires a ``set``.
    """

    __slots__ = ()

    def _read_only(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise TypeError("this model is kept read-only for the revision's answers (facekg.kept_models): "
                        "change a copy (model.model_copy()) instead")

    add = discard = remove = pop = clear = update = _read_only
    difference_update = intersection_update = symmetric_difference_update = _read_only
    __ior__ = __iand__ = __isub__ = __ixor__ = _read_only

    def __copy__(self) -> set[str]:
        return set(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> set[str]:
        return set(self)

    def __reduce__(self) -> tuple[type[set[str]], tuple[list[str]]]:
        return (set, (list(self),))


_shapes: dict[frozenset[str], SharedFieldsSet] = {}


def _shared(names: set[str]) -> SharedFieldsSet:
    key = frozenset(names)
    found = _shapes.get(key)
    if found is None:
        found = SharedFieldsSet(names)
        if len(_shapes) < _MAX_SHAPES:
            found = _shapes.setdefault(key, found)
    return found


def compact(value: object) -> None:
    """Point every pydantic model in ``value`` (a model, or lists, tuples and dicts of them, nested) at shared
    field-name sets. A model already compacted is taken as compacted with everything under it, so compacting
    a tree again, or a new answer holding rows of an earlier one, costs only its new parts."""
    pending: list[object] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, BaseModel):
            names = item.__pydantic_fields_set__
            if type(names) is SharedFieldsSet:
                continue
            object.__setattr__(item, "__pydantic_fields_set__", _shared(names))
            _children(item.__dict__.values(), pending)
        elif isinstance(item, (list, tuple)):
            _children(item, pending)
        elif isinstance(item, dict):
            _children(item.values(), pending)


def _children(values: Iterable[object], pending: list[object]) -> None:
    for child in values:
        if isinstance(child, (BaseModel, list, tuple, dict)):
            pending.append(child)
