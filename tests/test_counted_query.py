"""A counted store's paged query: the counting's page, and the store's own page when the view keeps every study."""

from __future__ import annotations

from analysis.counted import CountedStore, counting
from facekg.records import ScreeningDecision
from graph.sqlite_store import SqliteStore
from graph.store import StudyPage, StudyQuery
from tests.data import study
from tests.store_fixtures import review_update


class CountingQueries(SqliteStore):
    """The embedded store, counting the queries it answers."""

    queries = 0

    def query(self, query: StudyQuery) -> StudyPage:
        self.queries += 1
        return super().query(query)


def _store() -> CountingQueries:
    store = CountingQueries(None)
    excluded = study("s-excluded", year=2024).model_copy(
        update={"screening": ScreeningDecision(suggestion="exclude", decision="exclude", decided_by="AB")})
    store.write([study("s-a", year=2023), excluded, study("s-b", year=2022)], review_update())
    return store


def test_counted_query_all_view_is_the_stores_own_page() -> None:
    store = _store()
    counted = CountedStore(store)
    with counting("provisional", view="all"):
        page = counted.query(StudyQuery(offset=1, limit=1))
    assert page.total == 3 and [s.id for s in page.items] == ["s-a"]
    assert store.queries == 1  # one page asked, not every match


def test_counted_query_counted_and_excluded_views_page_among_what_counts() -> None:
    counted = CountedStore(_store())
    with counting("provisional"):
        page = counted.query(StudyQuery(offset=0, limit=1))
    assert page.total == 2 and [s.id for s in page.items] == ["s-a"]
    with counting("provisional", view="excluded"):
        excluded = counted.query(StudyQuery())
    assert excluded.total == 1 and [s.id for s in excluded.items] == ["s-excluded"]
