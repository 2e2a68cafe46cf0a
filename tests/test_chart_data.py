"""Every chart on the website has a JSON endpoint behind it (so a review's own site can draw it), and a page
shown as of an earlier update points its charts at that update's data."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from ontology import Ontology
from tests.living_data import TwoUpdates, load_two_updates

CHART_PAGES = ["/", "/gap-map", "/gap-map?rows=cause&cols=metric", "/synthesis/model-vs-clinicians",
               "/synthesis/prisma"]
DATA = ("application/json", "text/csv", "image/svg+xml", "image/png")


class Charts(HTMLParser):
    """Pictures (``<img>``/inline ``<svg>`` charts) and the API links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[str] = []
        self.inline_charts = 0
        self.api_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img" and (values.get("src") or "").startswith("/v1/"):
            self.pictures.append(values["src"] or "")
        if tag == "svg" and "chart" in (values.get("class") or ""):
            self.inline_charts += 1
        if tag == "a" and (values.get("href") or "").startswith("/v1/"):
            self.api_links.append(values["href"] or "")


def as_json(url: str) -> str:
    """The JSON twin of a picture URL: the same query with ``format=json``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "format"] + [("format", "json")]
    return f"{parts.path}?{urlencode(query)}"


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, ontology: Ontology) -> tuple[Path, TwoUpdates]:
    data_dir = tmp_path_factory.mktemp("charts")
    return data_dir, load_two_updates(data_dir, ontology)


@pytest.fixture(scope="module")
def client(two: tuple[Path, TwoUpdates]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=two[0], backend="memory"))) as test_client:
        yield test_client


def charts_of(client: TestClient, path: str, **params: str) -> Charts:
    response = client.get(path, params=params, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    parser = Charts()
    parser.feed(response.text)
    return parser


@pytest.mark.parametrize("path", CHART_PAGES)
def test_every_chart_has_json_behind_it(client: TestClient, path: str) -> None:
    found = charts_of(client, path)
    assert found.pictures or found.inline_charts, f"{path} draws no chart"
    assert found.api_links, f"{path} links no JSON"
    for picture in found.pictures:
        assert client.get(picture).status_code == 200, picture
        data = client.get(as_json(picture))
        assert data.status_code == 200 and data.headers["content-type"].startswith("application/json"), picture
    for link in found.api_links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["content-type"].split(";")[0] in DATA, link


@pytest.mark.parametrize("path", [*CHART_PAGES, "/bias", "/gaps", "/studies", "/synthesis/subgroups",
                                  "/synthesis/characteristics"])
def test_charts_of_a_page_as_of_an_update_draw_that_update(client: TestClient, two: tuple[Path, TwoUpdates],
                                                           path: str) -> None:
    _, loaded = two
    found = charts_of(client, path, as_of=loaded.first)
    assert found.api_links, path
    for url in [*found.pictures, *found.api_links]:
        assert dict(parse_qsl(urlsplit(url).query)).get("as_of") == loaded.first, url
        assert client.get(url).headers["X-Facekg-Update"] == loaded.first, url
