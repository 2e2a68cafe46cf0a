"""Countries and ancestry groups: the one vocabulary of places the extractor and the bias analysis share.

``places.json`` beside this module is the data: every country with its ISO 3166-1 alpha-3 id, the
name shown for it, the ``names`` the extractor's ``GPE`` ruler matches (case-sensitive, so "US"
or "Chad" in ordinary words need care), ``aliases`` and ``demonyms`` that only normalise text the
extractor already matched ("Chinese patients" -> China); and a few broad ancestry groups with their
aliases ("Caucasian" -> European). The extractor records the normalised values on its demographic
evidence (:mod:`ingest.nlp.demographics`), and the bias analysis reads those values: nothing
re-reads evidence text later. An unlisted place leaves an answer "unknown", the honest default.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    id: str
    name: str
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ancestry:
    id: str
    name: str
    aliases: tuple[str, ...]


class _Matcher:
    """Every form of every entry in one regex, longest first, so "South Korea" is not also "Korea"."""

    def __init__(self, forms: dict[str, str]) -> None:
        self._names = forms
        alternatives = "|".join(re.escape(form) for form in sorted(forms, key=lambda f: (-len(f), f)))
        # Case-sensitive on purpose: "US" and "Thai" must not match "us" or "thai" in ordinary words.
        self._pattern = re.compile(rf"(?<![\w.])(?:{alternatives})(?!\w)")

    def names_in(self, text: str) -> set[str]:
        return {self._names[match.group(0)] for match in self._pattern.finditer(text)}


class Places:
    """The countries and ancestry groups of ``places.json``, with lookups by id and by text."""

    def __init__(self, countries: tuple[Country, ...], ancestries: tuple[Ancestry, ...]) -> None:
        self.countries = countries
        self.ancestries = ancestries
        self._by_id = {country.id: country for country in countries}
        self._countries = _Matcher({form: c.name for c in countries for form in (*c.names, *c.aliases, *c.demonyms)})
        self._ancestries = _Matcher({form: a.name for a in ancestries for form in a.aliases})

    def country_name(self, country_id: str) -> str | None:
        """The name shown for a country id (``ISO3166:KOR`` -> ``South Korea``)."""
        country = self._by_id.get(country_id)
        return country.name if country is not None else None

    def countries_in(self, text: str) -> set[str]:
        """Countries named in ``text`` by name, alias or demonym."""
        return self._countries.names_in(text)

    def ancestries_in(self, text: str) -> set[str]:
        """Broad ancestry groups named in ``text``."""
        return self._ancestries.names_in(text)

    def ruler_patterns(self) -> list[dict[str, str]]:
        """The extractor's ``GPE`` patterns: one per country name, with the country id."""
        rows = [(name, country.id) for country in self.countries for name in country.names]
        return [{"label": "GPE", "pattern": name, "id": cid} for name, cid in sorted(rows)]

    def demonyms(self) -> list[str]:
        """Every demonym, longest first (a national group of participants: "Korean patients")."""
        return sorted({d for country in self.countries for d in country.demonyms}, key=lambda d: (-len(d), d))


@functools.cache
def load_places() -> Places:
    """The packaged places vocabulary, read once per process."""
    text = importlib.resources.files(__package__ or "ontology").joinpath("places.json").read_text(encoding="utf-8")
    data = json.loads(text)
    countries = tuple(Country(id=c["id"], name=c["name"], names=tuple(c["names"]),
                              aliases=tuple(c.get("aliases", ())), demonyms=tuple(c.get("demonyms", ())))
                      for c in data["countries"])
    ancestries = tuple(Ancestry(id=a["id"], name=a["name"], aliases=tuple(a["aliases"])) for a in data["ancestries"])
    return Places(countries, ancestries)


def countries_in(text: str) -> set[str]:
    """Countries named in ``text`` (:meth:`Places.countries_in` of the packaged vocabulary)."""
    return load_places().countries_in(text)


def ancestries_in(text: str) -> set[str]:
    """Ancestry groups named in ``text`` (:meth:`Places.ancestries_in` of the packaged vocabulary)."""
    return load_places().ancestries_in(text)
