"""The website's synthesis section through the real app: each page shows the API's numbers and pictures."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import Settings
from tests.synthesis_site import write_synthesis_review

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = write_synthesis_review(tmp_path_factory.mktemp("synthesis-web"))
    with TestClient(create_app(Settings(data_dir=data_dir, backend="memory"))) as client:
        yield client


def page(site: TestClient, path: str, **params: str) -> str:
    response = site.get(path, params=params, headers=HTML)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return unescape(" ".join(response.text.split()))


def images(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def test_synthesis_section_is_in_the_main_navigation(site: TestClient) -> None:
    assert '<a href="/synthesis">Synthesis</a>' in page(site, "/")
    assert '<a href="/synthesis" aria-current="page">Synthesis</a>' in page(site, "/synthesis/prisma")


def test_synthesis_overview_lists_each_pooled_pair_with_the_apis_estimate(site: TestClient) -> None:
    html = page(site, "/synthesis")
    pooled = [o for o in site.get("/v1/synthesis/meta-analysis").json()["data"] if o["status"] == "pooled"]
    assert pooled
    for o in pooled:
        assert f"{o['estimate']:.3f} ({o['ci_low']:.3f}–{o['ci_high']:.3f})" in html
    assert "too-few-studies" in html  # thyroid eye disease: one study
    assert "review update <a href=\"/updates#update-u1\">u1</a>" in html


def test_synthesis_meta_analysis_page_shows_the_forest_plot_and_its_numbers(site: TestClient) -> None:
    html = page(site, "/synthesis/meta-analysis", condition="DownSyndrome", metric="sensitivity")
    answer = site.get("/v1/synthesis/meta-analysis", params={"condition": "DownSyndrome",
                                                             "metric": "sensitivity"}).json()
    forest = answer["forest"]
    assert f"<strong>{forest['pooled_estimate']:.3f}</strong>" in html
    assert f"I² {forest['i2']:.1f}%" in html
    assert html.count('<tr><th scope="row"><a href="/studies/auditc-') == 14
    (picture,) = images(html)
    svg = site.get(picture)
    assert svg.headers["content-type"] == "image/svg+xml"
    assert ET.fromstring(svg.content).tag == "{http://www.w3.org/2000/svg}svg"


def test_synthesis_meta_analysis_page_draws_the_sroc_of_the_bivariate_model(site: TestClient) -> None:
    html = page(site, "/synthesis/meta-analysis", condition="DownSyndrome", model="bivariate")
    assert "Sensitivity <strong>0.891</strong> (95% CI 0.808–0.941)" in html  # mada's AuditC output
    assert "specificity <strong>0.780</strong>" in html  # 1 - FPR 0.220
    (picture,) = images(html)
    assert "model=bivariate" in picture and ET.fromstring(site.get(picture).content) is not None


def test_synthesis_meta_analysis_page_says_why_it_does_not_pool(site: TestClient) -> None:
    html = page(site, "/synthesis/meta-analysis", condition="ThyroidEyeDisease", metric="specificity")
    assert "<code>too-few-studies</code>" in html and not images(html)
    assert '<a href="/studies/ted-1">' in html


def test_synthesis_model_vs_clinicians_page_says_when_there_are_no_pairs(site: TestClient) -> None:
    html = page(site, "/synthesis/model-vs-clinicians")
    assert "No study in this selection reports clinicians' figures" in html


def test_synthesis_prisma_page_shows_the_diagram_and_the_apis_counts(site: TestClient) -> None:
    html = page(site, "/synthesis/prisma")
    flow = site.get("/v1/synthesis/prisma").json()["cumulative"]
    assert f"Records identified from PubMed</th><td class=\"num\">{flow['identified_databases']}</td>" in html
    assert f"Total studies included in the review</th><td class=\"num\">{flow['total_studies']}</td>" in html
    (picture,) = images(html)
    text = " ".join(ET.fromstring(site.get(picture).content).itertext())
    assert "all updates" in text
    assert "review update u1" in " ".join(ET.fromstring(site.get(images(page(
        site, "/synthesis/prisma", update="u1"))[0]).content).itertext())


def test_synthesis_characteristics_page_counts_categories_and_links_its_downloads(site: TestClient) -> None:
    html = page(site, "/synthesis/characteristics", condition="DownSyndrome")
    assert "14 studies match" in html
    assert '<th scope="row">Down syndrome</th><td class="num">14</td><td class="num">100.0%</td>' in html
    link = re.search(r'<a href="([^"]+format=csv[^"]+table=counts)">', html)
    assert link is not None and "condition=DownSyndrome" in link.group(1)
    rows = list(csv.DictReader(io.StringIO(site.get(link.group(1)).text)))
    assert {r["category"] for r in rows if r["variable"] == "condition"} == {"Down syndrome"}


def test_synthesis_subgroups_page_flags_conditions_without_subgroup_results(site: TestClient) -> None:
    html = page(site, "/synthesis/subgroups")
    assert "No study reports results for two or more groups" in html
    assert "3 of 3 conditions with studies" in html  # Down syndrome, its parent genetic syndrome, TED
    assert '<a href="/conditions/DownSyndrome">Down syndrome</a> (14 studies)' in html


def test_synthesis_pages_send_empty_form_fields_on_to_the_tidy_permalink(site: TestClient) -> None:
    response = site.get("/synthesis/characteristics", params={"condition": "", "cause": "GeneRelated"},
                        headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/synthesis/characteristics?cause=GeneRelated"
