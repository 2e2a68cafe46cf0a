"""The website in a real browser: Debian's chromium, driven by Playwright, against the real server.

The server is ``facekg serve`` in a subprocess over the demo corpus as ``make run``
loads it. Every page is served with ``Content-Security-Policy: default-src 'self'``
(added in the browser's network layer), so a page that needed an inline script
or style, or an asset from another origin, fails here. axe-core (from npm) checks
each page; serious or critical violations fail. Screenshots land in
``test-artifacts/browser/`` (ignored by git).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from analysis.evidence import is_deep_learning_study
from api.web.evidence import highlight
from facekg.records import StudyRecord
from graph.sqlite_store import SqliteStore
from tests.browser_support import ARTIFACTS, CHROMIUM_FLAGS, axe_source, chromium_path, running_server

pytestmark = pytest.mark.browser

CSP = "default-src 'self'"
AXE_PATH = "/__test-axe.js"
HIGHLIGHT_RGB = "rgb(255, 226, 122)"  # --mark in site.css


@pytest.fixture(scope="module", autouse=True)
def fresh_artifacts() -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.jsonl").unlink(missing_ok=True)


@pytest.fixture(scope="module")
def base_url(demo_ingested_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(demo_ingested_dir, tmp_path_factory.mktemp("server") / "serve.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh, temporary user-data directory of its own.
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


class Visit:
    """One browser context on the site: CSP on every response, outside requests and CSP violations recorded."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.base = base
        self.outside: list[str] = []
        self.context = context
        axe = axe_source()
        context.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                                "e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));")

        def handle(route: Route) -> None:
            url = route.request.url
            if not url.startswith(base):
                self.outside.append(url)
                route.abort()
            elif url == base + AXE_PATH:  # axe-core served from our own origin, so the CSP lets it run
                route.fulfill(body=axe, content_type="application/javascript")
            else:
                self.forward(route)

        context.route("**/*", handle)
        self.page: Page = context.new_page()

    def forward(self, route: Route) -> None:
        """A request to the site: answered by the server, under the CSP this test checks pages against."""
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def check(self, name: str) -> None:
        """axe-core on the current page (no serious or critical violation), no CSP violation, a screenshot."""
        self.page.wait_for_load_state("networkidle")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        self.page.add_script_tag(url=self.base + AXE_PATH)
        violations: list[dict[str, Any]] = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ("
            "{id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
        report = ARTIFACTS / "axe.jsonl"  # every page's findings, minor ones included, for the record
        with report.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"page": name, "url": self.page.url, "violations": violations}) + "\n")
        severe = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not severe, f"axe-core on {self.page.url}: {severe}"
        csp = self.page.evaluate("() => window.__csp")
        assert not csp, f"{self.page.url} breaks {CSP!r}: {csp}"
        assert not self.outside, f"{self.page.url} asked for assets from other origins: {self.outside}"


@pytest.fixture(scope="module")
def visit(browser: Browser, base_url: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield Visit(context, base_url)
    finally:
        context.close()


def _evidence_study(data_dir: Path) -> tuple[StudyRecord, str]:
    """A gene-related deep-learning study with an extracted fact whose offsets fit its text, and that span."""
    store = SqliteStore(data_dir)
    gene_related = {"DownSyndrome", "CorneliaDeLangeSyndrome", "NoonanSyndrome"}
    for study in store.studies():
        if study.retracted or not is_deep_learning_study(study) or \
                not any(c.concept_id in gene_related for c in study.conditions):
            continue
        for fact in study.conditions + study.metrics:
            evidence = fact.provenance.evidence
            if evidence is not None and highlight(evidence, study).offsets_verified and len(evidence.text) > 3:
                return study, evidence.text
    raise AssertionError("the ingested demo corpus holds no gene-related study with a verified evidence span")


def test_browser_home_shows_the_review_and_its_counts(visit: Visit, base_url: str) -> None:
    page = visit.open("/")
    expect(page.locator("h1")).to_contain_text("living evidence map")
    expect(page.get_by_role("heading", name="Four causes of atypical facial features")).to_be_visible()
    counted = httpx.get(f"{base_url}/v1/overview").json()["studies"]
    expect(page.locator(".counts li").first).to_contain_text(f"{counted} counted studies")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to main content"
    visit.check("home")


def test_browser_filters_the_studies_table_and_the_url_says_so(visit: Visit, base_url: str) -> None:
    page = visit.open("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Studies").click()
    expect(page).to_have_url(re.compile(r"/studies$"))
    page.get_by_label("Cause category").select_option("GeneRelated")
    expect(page).to_have_url(re.compile(r"cause=GeneRelated"))
    expected = httpx.get(f"{base_url}/v1/studies", params={"cause": "GeneRelated", "limit": 1}).json()["count"]
    expect(page.get_by_role("status")).to_contain_text(f"{expected} studies match")
    page.get_by_label("Deep learning only").check()
    expect(page).to_have_url(re.compile(r"deep_learning=true"))
    both = httpx.get(f"{base_url}/v1/studies", params={"cause": "GeneRelated", "deep_learning": True,
                                                        "limit": 1}).json()["count"]
    expect(page.get_by_role("status")).to_contain_text(f"{both} studies match")
    assert 0 < both <= expected
    visit.check("studies-filtered")


def test_browser_study_page_highlights_the_evidence_sentence(visit: Visit, demo_ingested_dir: Path) -> None:
    study, span = _evidence_study(demo_ingested_dir)
    page = visit.open("/studies?cause=GeneRelated")
    page.get_by_label("Text in title or abstract").fill(study.title[:60])
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=study.title, exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/studies/{re.escape(study.id)}$"))
    expect(page.locator("h1")).to_have_text(study.title)
    mark = page.locator("mark.evidence", has_text=span).first
    expect(mark).to_be_visible()
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == HIGHLIGHT_RGB
    sentence = mark.evaluate("m => m.closest('blockquote').textContent")
    assert span in sentence and len(sentence) > len(span), "the span is shown inside its sentence"
    visit.check("study")


def test_browser_gap_map_cell_lands_on_its_studies(visit: Visit, base_url: str) -> None:
    page = visit.open("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Gap map").click()
    visit.check("gap-map")
    cell = next(c for c in httpx.get(f"{base_url}/v1/gaps/map", params={"rows": "cause", "cols": "architecture"})
                .json()["data"] if c["row"] == "GeneRelated" and c["col"] == "ConvolutionalNeuralNetwork")
    link = page.locator("table.gapmap a[href*='row=GeneRelated'][href*='col=ConvolutionalNeuralNetwork']")
    expect(link).to_have_text(str(cell["study_count"]))
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/gap-map/cell\?"))
    hrefs = page.locator("table tbody a[href^='/studies/']").evaluate_all("links => links.map(a => a.pathname)")
    assert sorted(hrefs) == sorted(f"/studies/{sid}" for sid in cell["study_ids"])
    visit.check("gap-map-cell")


@pytest.mark.parametrize("path", [
    pytest.param("/conditions", id="conditions"),
    pytest.param("/conditions/DownSyndrome", id="condition"),
    pytest.param("/gaps", id="gaps"),
    pytest.param("/bias", id="bias"),
    pytest.param("/updates", id="updates"),
    pytest.param("/open-data", id="open-data"),
    pytest.param("/facekg/", id="ontology"),
    pytest.param("/studies/no-such-study", id="not-found"),
    pytest.param("/synthesis", id="synthesis"),
    pytest.param("/synthesis/model-vs-clinicians", id="synthesis-clinicians"),
    pytest.param("/synthesis/prisma", id="synthesis-prisma"),
    pytest.param("/synthesis/characteristics", id="synthesis-characteristics"),
    pytest.param("/synthesis/subgroups", id="synthesis-subgroups"),
])
def test_browser_every_page_passes_axe_and_the_csp(visit: Visit, path: str) -> None:
    page = visit.open(path)
    expect(page.locator("main h1")).to_be_visible()
    visit.check(path.strip("/").replace("/", "-") or "home")


def test_browser_pages_fit_a_phone_screen(browser: Browser, base_url: str, demo_ingested_dir: Path) -> None:
    study, _span = _evidence_study(demo_ingested_dir)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = Visit(context, base_url)
        for name, path in (("phone-home", "/"), ("phone-study", f"/studies/{study.id}"), ("phone-gap-map", "/gap-map")):
            page = phone.open(path)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than a phone screen"
            phone.check(name)
    finally:
        context.close()


def test_browser_api_docs_load_swagger_from_facekg_itself(browser: Browser, base_url: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda request: outside.append(request.url)
                if not request.url.startswith(base_url) else None)
        page.goto(f"{base_url}/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("facekg")
        assert not outside, f"/docs asked other origins for: {outside}"
    finally:
        context.close()
