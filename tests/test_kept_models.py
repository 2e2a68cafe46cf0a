"""Kept models share one read-only set of field names per shape; copies can be changed as usual."""

from __future__ import annotations

import copy
import pickle

import pytest
from pydantic import BaseModel

from facekg.kept_models import SharedFieldsSet, compact


class Leaf(BaseModel):
    name: str
    value: int = 0


class Tree(BaseModel):
    leaves: list[Leaf]
    by_name: dict[str, Leaf] = {}


def tree() -> Tree:
    leaves = [Leaf(name="a", value=1), Leaf(name="b", value=2)]
    return Tree(leaves=leaves, by_name={"c": Leaf(name="c", value=3)})


def test_models_of_one_shape_share_one_read_only_set_of_field_names() -> None:
    kept = tree()
    compact(kept)
    first, second = kept.leaves
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert first.__pydantic_fields_set__ is kept.by_name["c"].__pydantic_fields_set__
    assert type(kept.__pydantic_fields_set__) is SharedFieldsSet
    with pytest.raises(TypeError, match="read-only"):
        first.__pydantic_fields_set__.add("value")


def test_compacting_changes_no_value_and_no_serialised_output() -> None:
    plain, kept = tree(), tree()
    compact(kept)
    assert kept == plain
    assert kept.model_dump_json() == plain.model_dump_json()
    assert kept.model_dump(exclude_unset=True) == plain.model_dump(exclude_unset=True)


def test_a_copy_of_a_kept_model_gets_a_plain_set_and_can_be_changed() -> None:
    kept = tree()
    compact(kept)
    for changed in (kept.leaves[0].model_copy(), copy.deepcopy(kept.leaves[0]),
                    pickle.loads(pickle.dumps(kept.leaves[0]))):
        assert type(changed.__pydantic_fields_set__) is set
        changed.__pydantic_fields_set__.add("extra")
        assert "extra" not in kept.leaves[0].__pydantic_fields_set__
