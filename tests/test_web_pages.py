"""The website's pages through the real app (TestClient) on the demo corpus as ``make run`` loads it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.negotiation import choose
from api.web.evidence import highlight
from facekg.records import ConditionFact, Evidence, Provenance, ReviewUpdate, StudyRecord
from facekg.settings import Settings
from graph.sqlite_store import SqliteStore

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = ["/", "/studies", "/studies?cause=GeneRelated&deep_learning=true", "/conditions", "/conditions/DownSyndrome",
         "/gaps", "/gaps?universe=protocol&rule=no-study", "/gap-map", "/gap-map?rows=condition&cols=metric", "/bias",
         "/bias?condition=DownSyndrome&attribute=skin_tone", "/updates", "/open-data", "/facekg/",
         "/facekg/DownSyndrome"]


@pytest.fixture(scope="module")
def site(demo_ingested_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=demo_ingested_dir, backend="memory"))) as test_client:
        yield test_client


class _Audit(HTMLParser):
    """Collects what a strict CSP would block: style attributes and inline or foreign scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if "style" in named:
            self.problems.append(f"<{tag} style=...>")
        if any(name.startswith("on") for name in named):
            self.problems.append(f"<{tag}> with an inline event handler")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            if named.get("type") == "application/ld+json":
                self._in_jsonld = True
            elif not (named.get("src") or "").startswith("/static/"):
                self.problems.append(f"<script> not from /static: {named}")
        if tag == "link" and named.get("rel") == "stylesheet" and not (named.get("href") or "").startswith("/static/"):
            self.problems.append(f"stylesheet from elsewhere: {named.get('href')}")

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False


def _audit(html: str) -> _Audit:
    audit = _Audit()
    audit.feed(html)
    return audit


@pytest.mark.parametrize("path", [pytest.param(p, id=p) for p in PAGES])
def test_web_pages_render_without_inline_scripts_or_styles(site: TestClient, path: str) -> None:
    response = site.get(path, headers=HTML)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in response.text and '<main id="main"' in response.text
    assert not _audit(response.text).problems


def test_web_studies_filters_are_url_parameters_matching_the_api(site: TestClient) -> None:
    params = {"cause": "GeneRelated", "deep_learning": "true", "year_from": "2019", "limit": "100"}
    page = site.get("/studies", params=params, headers=HTML).text
    api = site.get("/v1/studies", params=params).json()
    shown = re.findall(r'<a href="/studies/([^"?]+)">', page)
    assert api["count"] > 0
    assert sorted(shown) == sorted(s["id"] for s in api["data"])
    assert f"{api['count']} studies match" in page or f"{api['count']} study matches" in page


def test_web_studies_sorts_and_pages(site: TestClient) -> None:
    first = re.findall(r'<a href="/studies/([^"?]+)">', site.get("/studies?sort=title&limit=25", headers=HTML).text)
    second = re.findall(r'<a href="/studies/([^"?]+)">',
                        site.get("/studies?sort=title&limit=25&offset=25", headers=HTML).text)
    titles = {s.id: s.title for s in map(StudyRecord.model_validate, site.get(
        "/v1/studies", params={"limit": 500}).json()["data"])}
    ordered = [titles[i].casefold() for i in first + second]
    assert len(first) == 25 and not set(first) & set(second)
    assert ordered == sorted(ordered)


def test_web_studies_empty_form_fields_redirect_to_the_tidy_permalink(site: TestClient) -> None:
    response = site.get("/studies?q=&condition=&cause=GeneRelated&year_from=", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/studies?cause=GeneRelated"


def test_web_studies_htmx_request_gets_the_permalink_to_push(site: TestClient) -> None:
    response = site.get("/studies?q=&cause=GeneRelated", headers={**HTML, "HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["hx-push-url"] == "/studies?cause=GeneRelated"


def test_web_bad_filter_is_a_422_page_naming_the_parameter(site: TestClient) -> None:
    page = site.get("/studies?year_from=19x9", headers=HTML)
    api = site.get("/studies?year_from=19x9")
    assert page.status_code == 422 and "year_from" in page.text and page.headers["content-type"].startswith("text/html")
    assert api.status_code == 422 and api.json()["parameter"] == "year_from"


@pytest.mark.parametrize("path", ["/studies/no-such-study", "/conditions/NoSuchCondition", "/v1/studies/no-such-study",
                                  "/facekg/NoSuchTerm", "/no/such/page"])
def test_web_unknown_ids_are_html_for_browsers_and_problem_json_for_the_api(site: TestClient, path: str) -> None:
    page = site.get(path, headers=HTML)
    machine = site.get(path, headers={"Accept": "application/json"})
    plain = site.get(path)
    assert page.status_code == machine.status_code == plain.status_code == 404
    assert page.headers["content-type"].startswith("text/html") and "<h1>" in page.text
    for response in (machine, plain):
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 404


def test_web_study_page_highlights_each_evidence_span_in_its_sentence(site: TestClient,
                                                                      demo_ingested_dir: Path) -> None:
    store = SqliteStore(demo_ingested_dir)
    study = next(s for s in store.studies() if any(c.provenance.evidence for c in s.conditions))
    page = site.get(f"/studies/{study.id}", headers=HTML).text
    for fact in study.conditions:
        if fact.provenance.evidence is not None:
            shown = highlight(fact.provenance.evidence, study)
            assert shown.offsets_verified
            escaped = shown.span.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert f'<mark class="evidence">{escaped}</mark>' in page


def test_web_study_page_embeds_schema_org_json_ld(site: TestClient) -> None:
    study = StudyRecord.model_validate(site.get("/v1/studies", params={"limit": 1}).json()["data"][0])
    blocks = _audit(site.get(f"/studies/{study.id}", headers=HTML).text).jsonld
    data = json.loads("".join(blocks))
    assert data["@type"] == "ScholarlyArticle" and data["name"] == study.title
    assert data["@id"] == f"https://w3id.org/facekg/study/{study.id}"
    assert {c["name"] for c in data["about"]} == {c.name for c in study.conditions}
    if study.doi:
        assert f"https://doi.org/{study.doi}" in data["sameAs"]


def test_web_condition_page_embeds_medical_condition_json_ld_with_its_studies(site: TestClient) -> None:
    detail = site.get("/v1/conditions/DownSyndrome").json()
    data = json.loads("".join(_audit(site.get("/conditions/DownSyndrome", headers=HTML).text).jsonld))
    assert data["@type"] == "MedicalCondition" and data["name"] == detail["label"]
    assert sorted(s["@id"].rsplit("/", 1)[1] for s in data["subjectOf"]) == sorted(detail["study_ids"])
    assert {f"https://w3id.org/facekg/{c}" for c in detail["cause_categories"]} == \
        {c["@id"] for c in data["fkg:inCauseCategory"]}


def test_web_user_text_is_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> & <b>bold</b>"
    store = SqliteStore(tmp_path)
    text = f"Faces {hostile}"
    study = StudyRecord(id="x-1", title=text, abstract=f"We studied {hostile}.", authors=[hostile], conditions=[
        ConditionFact(name=hostile, provenance=Provenance(source="extracted", evidence=Evidence(
            text=hostile, start=6, end=6 + len(hostile), sentence=text)))], review_update="u1")
    store.write([study], ReviewUpdate(id="u1", created_at="2026-01-01T00:00:00+00:00", source=hostile))
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        for path in ("/studies/x-1", "/studies", "/updates", "/conditions"):
            page = client.get(path, headers=HTML).text
            assert "<script>alert(1)</script>" not in page, path
        page = client.get("/studies/x-1", headers=HTML).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        jsonld = "".join(_audit(page).jsonld)
        assert "</script>" not in jsonld and json.loads(jsonld)["name"] == text


def test_web_gap_map_cell_page_lists_exactly_the_cells_studies(site: TestClient) -> None:
    cells = site.get("/v1/gaps/map", params={"rows": "condition", "cols": "metric"}).json()["data"]
    cell = max(cells, key=lambda c: c["study_count"])
    page = site.get("/gap-map/cell", params={"rows": "condition", "cols": "metric", "row": cell["row"],
                                             "col": cell["col"]}, headers=HTML).text
    assert sorted(re.findall(r'<a href="/studies/([^"?]+)">', page)) == sorted(cell["study_ids"])
    assert site.get("/gap-map/cell", params={"row": "Nope", "col": "Nope"}, headers=HTML).status_code == 404


def test_web_gap_map_links_every_non_empty_cell(site: TestClient) -> None:
    cells = site.get("/v1/gaps/map", params={"rows": "cause", "cols": "architecture"}).json()["data"]
    page = site.get("/gap-map?rows=cause&cols=architecture", headers=HTML).text
    links = re.findall(r'href="/gap-map/cell\?[^"]*row=([^&"]+)&amp;col=([^&"]+)"', page)
    assert sorted(links) == sorted((c["row"], c["col"]) for c in cells if c["study_count"])
    assert 'src="/v1/gaps/map?rows=cause&amp;cols=architecture&amp;format=svg"' in page


def test_web_home_counts_agree_with_the_api(site: TestClient) -> None:
    overview = site.get("/v1/overview").json()
    assert overview["studies"] == site.get("/v1/studies", params={"limit": 1}).json()["count"]
    assert overview["retracted_studies"] == 1
    assert sum(y["studies"] for y in overview["by_year"]) == overview["studies"]
    assert [c["in_framework"] for c in overview["by_cause"]][:4] == [True] * 4
    page = site.get("/", headers=HTML).text
    assert f"<strong>{overview['studies']}</strong> counted studies" in page


def test_web_updates_page_lists_every_review_update(site: TestClient) -> None:
    updates = site.get("/v1/updates").json()["data"]
    page = site.get("/updates", headers=HTML).text
    assert len(updates) == 2
    for update in updates:
        assert f'id="update-{update["id"]}"' in page


def test_web_docs_serve_swagger_from_the_vendored_assets(site: TestClient) -> None:
    page = site.get("/docs").text
    assert '<script src="/static/vendor/swagger-ui-bundle.js">' in page and "cdn" not in page.lower()
    for asset in ("/static/vendor/swagger-ui-bundle.js", "/static/vendor/swagger-ui.css", "/static/vendor/htmx.min.js",
                  "/static/site.css", "/static/swagger-init.js"):
        assert site.get(asset).status_code == 200, asset
    assert site.get("/redoc").status_code == 404


@pytest.mark.parametrize(("accept", "media_type"), [
    pytest.param(None, "text/turtle", id="no-accept"),
    pytest.param("*/*", "text/turtle", id="anything"),
    pytest.param("text/turtle", "text/turtle", id="turtle"),
    pytest.param("application/ld+json", "application/ld+json", id="json-ld"),
    pytest.param(HTML["Accept"], "text/html", id="browser"),
])
def test_web_ontology_namespace_negotiates_the_format(site: TestClient, accept: str | None, media_type: str) -> None:
    for path in ("/facekg/", "/facekg/RettSyndrome"):
        response = site.get(path, headers={"Accept": accept} if accept else {})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
    term = site.get("/facekg/RettSyndrome", headers={"Accept": "text/turtle"}).text
    assert "Rett syndrome" in term and "NoonanSyndrome" not in term


def test_web_study_iri_redirects_to_the_page_or_the_json(site: TestClient) -> None:
    study_id = site.get("/v1/studies", params={"limit": 1}).json()["data"][0]["id"]
    page = site.get(f"/facekg/study/{study_id}", headers=HTML, follow_redirects=False)
    data = site.get(f"/facekg/study/{study_id}", follow_redirects=False)
    assert page.headers["location"] == f"/studies/{study_id}"
    assert data.headers["location"] == f"/v1/studies/{study_id}"


@pytest.mark.parametrize(("accept", "offers", "chosen"), [
    pytest.param(None, ["application/json", "text/html"], "application/json", id="none"),
    pytest.param("*/*", ["application/json", "text/html"], "application/json", id="wildcard"),
    pytest.param("text/html,*/*;q=0.8", ["application/json", "text/html"], "text/html", id="browser"),
    pytest.param("application/json, text/html;q=0.5", ["application/json", "text/html"], "application/json",
                 id="quality"),
    pytest.param("text/*", ["text/turtle", "application/ld+json"], "text/turtle", id="type-wildcard"),
    pytest.param("image/png", ["text/turtle", "text/html"], "text/turtle", id="nothing-acceptable"),
])
def test_web_negotiation_picks_the_best_offer(accept: str | None, offers: list[str], chosen: str) -> None:
    assert choose(accept, offers) == chosen


def test_web_cors_allows_only_the_configured_origins(demo_data_dir: Path) -> None:
    settings = Settings(data_dir=demo_data_dir, cors_origins="https://review.example.org")
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/v1/gaps/map", headers={"Origin": "https://review.example.org"})
        other = client.get("/v1/gaps/map", headers={"Origin": "https://elsewhere.example.org"})
        preflight = client.options("/v1/overview", headers={"Origin": "https://review.example.org",
                                                            "Access-Control-Request-Method": "GET"})
    assert allowed.headers["access-control-allow-origin"] == "https://review.example.org"
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200
    with TestClient(create_app(Settings(data_dir=demo_data_dir))) as closed:
        assert "access-control-allow-origin" not in closed.get(
            "/v1/overview", headers={"Origin": "https://review.example.org"}).headers


def test_web_cors_setting_rejects_what_is_not_an_origin() -> None:
    from facekg.errors import ConfigError
    from facekg.settings import load_settings

    with pytest.raises(ConfigError, match="FACEKG_CORS_ORIGINS.*not an origin"):
        load_settings(cors_origins="https://review.example.org/path")


def test_web_highlight_falls_back_to_the_stored_sentence_when_offsets_do_not_fit() -> None:
    study = StudyRecord(id="s", title="Title", abstract="Changed abstract.")
    evidence = Evidence(text="Noonan syndrome", start=40, end=55, sentence="Children with Noonan syndrome were seen.")
    shown = highlight(evidence, study)
    assert (shown.before, shown.span, shown.after) == ("Children with ", "Noonan syndrome", " were seen.")
    assert not shown.offsets_verified


def test_web_highlight_cuts_the_sentence_around_verified_offsets() -> None:
    study = StudyRecord(id="s", title="A title", abstract="First sentence. We saw Rett syndrome in girls. Last one.")
    start = len("A title\n") + study.abstract.index("Rett")  # type: ignore[union-attr]
    shown = highlight(Evidence(text="Rett syndrome", start=start, end=start + 13), study)
    assert (shown.before, shown.span, shown.after) == ("We saw ", "Rett syndrome", " in girls.")
    assert shown.offsets_verified
