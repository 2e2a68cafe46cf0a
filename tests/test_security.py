"""Protection over HTTP through the real app: security headers and CSP, URL and body limits, rate limits on
the expensive requests, and nothing internal (paths, addresses, tracebacks) in any error body.

The website's pages are checked against the CSP they are served with: no inline script (JSON-LD data
blocks are not scripts and do not run), no inline style, no event-handler attributes, nothing from
another origin.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import SECURITY_HEADERS
from facekg.settings import Settings
from graph.sqlite_store import FILE_NAME

HTML = {"Accept": "text/html"}
PAGES = ["/", "/studies", "/conditions", "/gaps", "/gap-map", "/bias", "/updates", "/open-data", "/docs",
         "/synthesis", "/synthesis/meta-analysis", "/synthesis/model-vs-clinicians", "/synthesis/prisma",
         "/synthesis/characteristics", "/synthesis/subgroups"]
INTERNAL = re.compile(r"Traceback|File \"|/tmp/|/work/|/home/|\.py\b|bolt://|\b127\.0\.0\.1\b|" + FILE_NAME)


@pytest.fixture(scope="module")
def site(demo_ingested_dir: Path) -> Iterator[TestClient]:
    # One picture and one facial-phenotype request a minute: the second of each is refused.
    settings = Settings(data_dir=demo_ingested_dir, backend="memory", rate_pictures=1, rate_universe=1,
                        max_url_bytes=2048, max_body_bytes=10_000)
    with TestClient(create_app(settings)) as client:
        yield client


def assert_protected(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (name, headers.get(name))
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


@pytest.mark.parametrize(("path", "headers", "status"), [
    pytest.param("/v1/studies", {}, 200, id="json"),
    pytest.param("/v1/studies/no-such-study", {}, 404, id="problem-404"),
    pytest.param("/v1/studies?limit=0", {}, 422, id="problem-422"),
    pytest.param("/", HTML, 200, id="html"),
    pytest.param("/no-such-page", HTML, 404, id="html-404"),
    pytest.param("/static/site.css", {}, 200, id="static"),
    pytest.param("/openapi.json", {}, 200, id="openapi"),
    pytest.param("/healthz", {}, 200, id="healthz"),
])
def test_every_kind_of_response_carries_the_security_headers(site: TestClient, path: str, headers: dict,
                                                             status: int) -> None:
    response = site.get(path, headers=headers)
    assert response.status_code == status
    assert_protected(response)


@pytest.mark.parametrize("path", PAGES)
def test_the_website_pages_satisfy_their_csp(site: TestClient, path: str) -> None:
    response = site.get(path, headers=HTML)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert_protected(response)
    page = response.text
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert 'src="/' in tag or 'type="application/ld+json"' in tag, tag  # same-origin file, or a data block
    assert not re.search(r"<style\b", page), "inline <style>"
    assert not re.search(r"\sstyle\s*=", page), "inline style attribute"
    assert not re.search(r"\son[a-z]+\s*=", page), "event-handler attribute"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page.replace('href="https://w3id.org', "")
                         .replace('href="https://doi.org', "").replace('href="https://pubmed', "")), \
        "a resource from another origin"
    for asset in re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", page):
        assert site.get(asset).status_code == 200, asset  # every script and stylesheet it names is served


def test_a_url_over_the_limit_is_a_414_problem(site: TestClient) -> None:
    response = site.get("/v1/studies", params={"q": "x" * 4000})
    assert response.status_code == 414
    assert response.headers["content-type"] == "application/problem+json"
    assert "2048" in response.json()["detail"] and "x" * 300 not in response.text
    assert_protected(response)


def test_a_body_over_the_limit_is_a_413_problem_before_anything_reads_it(site: TestClient) -> None:
    response = site.request("GET", "/v1/studies", content=b"a" * 20_000,
                            headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413 and "10000" in response.json()["detail"]
    assert_protected(response)
    assert site.request("GET", "/v1/studies", content=b"a" * 100).status_code == 200  # under the limit: served


@pytest.mark.parametrize("url", [
    pytest.param("/v1/gaps/map?format=svg", id="gap-map-picture"),
    pytest.param("/v1/gaps/evidence?universe=facial-phenotype&limit=1", id="facial-phenotype-universe"),
])
def test_expensive_requests_are_rate_limited_per_client_with_retry_after(site: TestClient, url: str) -> None:
    first = site.get(url)
    assert first.status_code == 200
    second = site.get(url)
    assert second.status_code == 429
    assert second.headers["content-type"] == "application/problem+json"
    assert int(second.headers["Retry-After"]) >= 1
    assert second.json()["limit_per_minute"] == 1
    assert_protected(second)
    assert site.get("/v1/gaps/map").status_code == 200  # the JSON map and other reads are not limited


def test_an_echoed_id_is_clipped_and_an_unknown_parameter_named(site: TestClient) -> None:
    long_id = "z" * 1500
    response = site.get(f"/v1/studies/{long_id}")
    assert response.status_code == 404 and response.json()["id"].startswith("z" * 200)
    body = response.text
    assert "z" * 401 not in body and "more characters" in body and len(body) < 1500  # not echoed whole, thrice
    unknown = site.get("/v1/studies", params={"conditon": "Acromegaly"})
    assert unknown.status_code == 422 and "conditon" in unknown.json()["detail"]


def test_a_broken_store_file_says_nothing_internal(tmp_path: Path, demo_ingested_dir: Path) -> None:
    shutil.copy2(demo_ingested_dir / FILE_NAME, tmp_path / FILE_NAME)
    settings = Settings(data_dir=tmp_path, backend="memory")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200
        (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
        for path in ("/healthz", "/v1/studies", "/v1/studies/x", "/"):
            response = client.get(path, headers=HTML if path == "/" else {})
            assert response.status_code in (500, 503), (path, response.status_code)
            assert not INTERNAL.search(response.text), (path, response.text[:300])
            assert str(tmp_path) not in response.text
            assert_protected(response)
        health = client.get("/healthz")
        assert health.json()["store"] == "unavailable" and int(health.headers["Retry-After"]) >= 1
