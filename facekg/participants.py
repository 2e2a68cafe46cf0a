"""A study's participant total from its sample counts: the one rule the extractor and the gap rules share.

Counts may overlap (a whole sample and its parts), so the total is the largest of: the
largest whole-sample count (participants, subjects, ...), the largest patient count plus the
largest control count ("58 patients and 61 healthy volunteers" is 119), and twice the largest
number of matched pairs. Counts of images or videos are not people and add nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

PERSON_UNITS = frozenset({"participants", "participant", "subjects", "individuals", "people", "persons",
                          "children", "adults"})
PATIENT_UNITS = frozenset({"patients", "patient", "cases", "probands"})
CONTROL_UNITS = frozenset({"controls", "control", "healthy controls"})
PAIR_UNITS = frozenset({"matched pairs", "pairs"})


def participant_total(counts: Iterable[tuple[int | None, str]]) -> int | None:
    """The participant total of ``(value, unit)`` counts, or None when none is counted in people."""
    pairs = [(value, unit.casefold()) for value, unit in counts if value is not None]

    def largest(units: frozenset[str]) -> int:
        return max((value for value, unit in pairs if unit in units), default=0)

    total = max(largest(PERSON_UNITS), largest(PATIENT_UNITS) + largest(CONTROL_UNITS), 2 * largest(PAIR_UNITS))
    return total or None
