"""The review session in a real browser: two reviewers and an admin, each in their own browser context.

Against ``facekg serve`` over a writable copy of the ingested demo corpus: AB
and CD sign in with their keys, screen the same studies blind (CD cannot see
AB's decisions until deciding too), AB submits an extraction form and a
Cochrane RoB 1 judgement, and the admin resolves the one discrepancy by
consensus. The excluded study then leaves the home page's count and appears in
the exclusion list with its reason. Every page passes axe-core and the strict
CSP (the same checks as ``tests/test_browser.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from facekg.records import DEMOGRAPHIC_ATTRIBUTES, DemographicReport, StudyFlag
from review.extraction import FLAG_NAMES, field_key
from tests.browser_support import ARTIFACTS, CHROMIUM_FLAGS, chromium_path, running_server
from tests.review_http import reviewers, writable_copy
from tests.test_browser import Visit

pytestmark = pytest.mark.browser

# The "not reported" value of each form field the machine left empty, by the field's key.
NOT_REPORTED: dict[str, dict[str, object]] = {
    **{field_key("demographics", DemographicReport(attribute=a)): {"attribute": a, "reported": False}
       for a in DEMOGRAPHIC_ATTRIBUTES},
    **{field_key("flags", StudyFlag(name=n)): {"name": n, "value": False} for n in FLAG_NAMES},  # type: ignore[arg-type]
}


class ReviewVisit(Visit):
    """:class:`tests.test_browser.Visit`'s checks, but requests go to the server as the browser sends them, so
    redirects and cookies behave as in real use; the pages keep the server's own CSP, which is the stricter one."""

    def forward(self, route: Route) -> None:
        route.continue_()


@pytest.fixture(scope="module")
def review_site(demo_ingested_dir: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    data_dir = writable_copy(demo_ingested_dir, tmp_path_factory.mktemp("review-site") / "data")
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"), ("CD", "reviewer"))
    with running_server(data_dir, data_dir.parent / "serve.log") as url:
        yield url, keys


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def sign_in(visit: ReviewVisit, key: str, name: str) -> Page:
    """Sign in from the keyboard: the key into its field, Enter."""
    page = visit.open("/review")
    expect(page).to_have_url(re.compile(r"/review/sign-in\?next="))
    visit.check(f"review-sign-in-{name}")
    page.get_by_label("API key").fill(key)
    page.get_by_label("API key").press("Enter")
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.get_by_role("navigation", name="Review")).to_contain_text(f"Signed in as {name}")
    return page


def screen(page: Page, base: str, study_id: str, decision: str, reason: str | None = None) -> None:
    page.goto(f"{base}/review/studies/{study_id}?stage=title-abstract")
    page.get_by_label("Include" if decision == "include" else "Exclude", exact=True).check()
    if reason:
        page.get_by_label(reason, exact=True).check()
    page.get_by_role("button", name="Save decision").click()
    expect(page).to_have_url(re.compile(r"/review\?stage=title-abstract$"))


def counted_on_home(page: Page, base: str) -> int:
    page.goto(base + "/")
    text = page.locator(".counts li").first.inner_text()
    found = re.search(r"(\d+)\s+counted studies", text)
    assert found, text
    return int(found.group(1))


def test_browser_two_reviewers_screen_blind_extract_judge_and_the_admin_resolves(
        browser: Browser, review_site: tuple[str, dict[str, str]]) -> None:
    base, keys = review_site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(3)]
    try:
        ab, cd, admin = (ReviewVisit(context, base) for context in contexts)
        counted_before = counted_on_home(admin.page, base)

        # AB signs in and screens the top three studies of the active-learning queue.
        page = sign_in(ab, keys["AB"], "AB")
        visit_queue = page.locator("ol.queue a")
        expect(visit_queue.first).to_be_visible()
        ab.check("review-queue")
        studies = [href.rsplit("/", 1)[1].split("?")[0]
                   for href in visit_queue.evaluate_all("links => links.slice(0, 3).map(a => a.pathname)")]
        assert len(studies) == 3
        page.goto(f"{base}/review/studies/{studies[0]}?stage=title-abstract")
        ab.check("review-study")
        for study in studies:
            screen(page, base, study, "include")
        expect(page.locator("ol.queue a[href*='" + studies[0] + "']")).to_have_count(0)

        # CD is blind to AB's decisions until deciding too; CD excludes the third.
        cd_page = sign_in(cd, keys["CD"], "CD")
        cd_page.goto(f"{base}/review/studies/{studies[0]}")
        expect(cd_page.locator(".blind")).to_contain_text("hidden (screening/title-abstract) until both have decided")
        expect(cd_page.get_by_text("AB: include")).to_have_count(0)
        for study in studies[:2]:
            screen(cd_page, base, study, "include")
        screen(cd_page, base, studies[2], "exclude", "non medical")
        cd_page.goto(f"{base}/review/studies/{studies[0]}")
        expect(cd_page.get_by_text("AB: include at title-abstract")).to_be_visible()

        # AB's extraction: accept each machine proposal, "not reported" for the fields it left empty; submit.
        page.goto(f"{base}/review/studies/{studies[0]}/extraction")
        ab.check("review-extraction")
        for fieldset in page.locator("fieldset.form-field").all():
            accept = fieldset.get_by_label("Accept", exact=True)
            if accept.count():
                accept.check()
            else:  # the page starts the edit from "not reported"; the test checks that value is what is stored
                fieldset.get_by_label("Edit", exact=True).check()
                key = fieldset.get_attribute("data-key") or ""
                for name, value in NOT_REPORTED[key].items():  # typed inputs, e.g. "Reported": no
                    shown = fieldset.locator(f"[name$='.value.{name}']").input_value()
                    assert shown == (str(value).lower() if isinstance(value, bool) else str(value)), (key, name)
        page.get_by_role("button", name="Submit form").click()
        expect(page.get_by_role("status")).to_have_text("Saved and submitted.")

        # AB's risk-of-bias judgement with Cochrane RoB 1: every domain low, with a supporting quote.
        page.goto(f"{base}/review/studies/{studies[0]}/rob/rob1")
        ab.check("review-rob")
        for judgement in page.locator("select[name$='.judgement']").all():
            judgement.select_option("low")
        for support in page.locator("textarea[name$='.support']").all():
            support.fill("the study reports it")
        page.get_by_label("Overall judgement").select_option("low")
        page.get_by_role("button", name="Submit assessment").click()
        expect(page.get_by_role("status")).to_have_text("Saved and submitted.")
        review = httpx.get(f"{base}/v1/studies/{studies[0]}/review",
                           headers={"Authorization": f"Bearer {keys['AB']}"}).json()["entries"]
        (form,) = [f for f in review["extraction"] if f["reviewer"] == "AB"]
        unproposed = [f for f in form["demographics"] if f["machine"] is None]
        assert form["submitted"] and unproposed
        assert all(f["verdict"] == "edited" and f["value"]["reported"] is False for f in unproposed)
        assert [a["tool"] for a in review["rob"] if a["reviewer"] == "AB" and a["submitted"]] == ["rob1"]

        # The admin sees agreement and the one discrepancy, and resolves it by consensus.
        admin_page = sign_in(admin, keys["Admin"], "Admin")
        admin_page.get_by_role("link", name="Discrepancies and agreement").click()
        expect(admin_page.locator(".agreement-n")).to_have_text("3")
        expect(admin_page.locator(".kappa")).not_to_be_empty()
        admin.check("review-discrepancies")
        rows = admin_page.locator("table.discrepancies tbody tr")
        expect(rows).to_have_count(1)
        rows.first.get_by_role("link").click()
        expect(admin_page).to_have_url(re.compile(rf"/review/studies/{re.escape(studies[2])}/consensus"))
        expect(admin_page.get_by_text("CD: exclude")).to_be_visible()
        admin.check("review-consensus")
        admin_page.get_by_label("Exclude", exact=True).check()
        admin_page.get_by_label("non medical", exact=True).check()
        admin_page.get_by_label("Note (why, in your words)").fill("cosmetic imaging, no medical question")
        admin_page.get_by_role("button", name="Record consensus").click()
        expect(admin_page.get_by_role("status")).to_have_text("No open discrepancies at this stage.")

        # The excluded study leaves the public count and is listed with its reason.
        assert counted_on_home(admin_page, base) == counted_before - 1
        admin_page.goto(f"{base}/exclusions")
        row = admin_page.locator(f"tr[data-study='{studies[2]}']")
        expect(row).to_contain_text("non-medical")
        expect(row).to_contain_text("cosmetic imaging, no medical question")
        admin.check("review-exclusions")
        admin_page.goto(f"{base}/review/discrepancies")
        admin_page.get_by_role("button", name="Sign out").click()
        expect(admin_page).to_have_url(re.compile(r"/review/sign-in$"))
        admin_page.goto(f"{base}/review")
        expect(admin_page).to_have_url(re.compile(r"/review/sign-in\?next="))
    finally:
        for context in contexts:
            context.close()
