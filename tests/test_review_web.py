"""The reviewers' website over HTTP, through the real app: sign-in sessions, CSRF, blind screening, consensus.

Forms are posted as a browser posts them (``application/x-www-form-urlencoded``,
the token read from the page), so a missing or wrong token, a forged or revoked
session, and the blind and consensus rules are checked on the real routes.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from api.app import create_app
from api.sessions import SECRET_FILE, SESSION_COOKIE, SESSION_MAX_AGE, SIGNIN_COOKIE, server_secret
from facekg.settings import Settings
from review.service import list_reviewers, revoke_reviewer
from review.workspace import Workspace
from tests.review_http import assessment, auth, filled, reviewers, writable_copy

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')
DOMAIN = re.compile(r'name="([a-z0-9-]+)\.judgement"')


@pytest.fixture
def site(demo_ingested_dir: Path, tmp_path: Path) -> Iterator[tuple[Settings, Path, dict[str, str]]]:
    data_dir = writable_copy(demo_ingested_dir, tmp_path / "data")
    keys = reviewers(data_dir, ("Admin", "admin"), ("AB", "reviewer"), ("CD", "reviewer"))
    yield Settings(data_dir=data_dir, backend="memory"), data_dir, keys


def browser(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), headers=HTML, follow_redirects=False)


def page_token(page: Response) -> str:
    """The CSRF token a page's forms post."""
    found = TOKEN.search(page.text)
    assert found, f"{page.url} has no CSRF field"
    return found.group(1)


def token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return page_token(page)


def judged(page: Response, judgement: str, support: Callable[[str], str]) -> dict[str, object]:
    """The risk-of-bias form on ``page`` posted with every domain judged ``judgement``, quoting ``support(domain)``."""
    body: dict[str, object] = {"csrf_token": page_token(page)}
    for domain in DOMAIN.findall(page.text):
        body[f"{domain}.judgement"], body[f"{domain}.support"] = judgement, support(domain)
    return body


def sign_in(client: TestClient, key: str) -> None:
    response = client.post("/review/sign-in", data={"csrf_token": token(client, "/review/sign-in"), "key": key,
                                                    "next": "/review"})
    assert response.status_code == 303 and response.headers["location"] == "/review", response.text
    assert client.cookies.get(SESSION_COOKIE)


def first_studies(client: TestClient, n: int) -> list[str]:
    return sorted(s["id"] for s in client.get("/v1/studies", params={"limit": 500}, headers=JSON).json()["data"])[:n]


def own_extraction_form(client: TestClient, key: str) -> tuple[str, Response]:
    """Sign in with ``key`` and open the first study's extraction form: the study and the page."""
    sign_in(client, key)
    study = first_studies(client, 1)[0]
    page = client.get(f"/review/studies/{study}/extraction")
    assert page.status_code == 200, page.text
    return study, page


def screen(client: TestClient, study_id: str, decision: str, reasons: tuple[str, ...] = ()) -> int:
    csrf = token(client, f"/review/studies/{study_id}")
    data = {"csrf_token": csrf, "stage": "title-abstract", "decision": decision, "reasons": list(reasons),
            "note": ""}
    return client.post(f"/review/studies/{study_id}/screening", data=data).status_code


def test_sign_in_sets_a_strict_http_only_session_and_sign_out_ends_it(site: tuple[Settings, Path, dict[str, str]],
                                                                      ) -> None:
    settings, data_dir, keys = site
    with browser(settings) as client:
        assert client.get("/review").headers["location"].startswith("/review/sign-in?next=")
        page = client.get("/review/sign-in")
        assert SIGNIN_COOKIE in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
        response = client.post("/review/sign-in", data={"csrf_token": page_token(page),
                                                        "key": keys["AB"], "next": "/review"})
        assert response.status_code == 303
        cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE + "="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=" in cookie
        assert "Secure" not in cookie  # plain http here; https sets it
        assert (data_dir / SECRET_FILE).stat().st_mode & 0o077 == 0
        queue = client.get("/review")
        assert queue.status_code == 200 and "Signed in as <strong>AB</strong>" in queue.text
        assert queue.headers["cache-control"] == "no-store"
        out = client.post("/review/sign-out", data={"csrf_token": page_token(queue)})
        assert out.status_code == 303
        assert client.get("/review").status_code == 303


def test_a_wrong_key_or_a_forged_cookie_does_not_sign_in(site: tuple[Settings, Path, dict[str, str]]) -> None:
    settings, _data_dir, keys = site
    with browser(settings) as client:
        wrong = client.post("/review/sign-in", data={"csrf_token": token(client, "/review/sign-in"),
                                                     "key": keys["AB"][:-3] + "xyz"})
        assert wrong.status_code == 401 and 'role="alert"' in wrong.text
        assert not client.cookies.get(SESSION_COOKIE)
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, '{"reviewer": "Admin", "key_id": "x", "csrf": "y"}')
        assert client.get("/review").status_code == 303


def test_form_posts_without_or_with_a_wrong_csrf_token_are_refused(site: tuple[Settings, Path, dict[str, str]],
                                                                   ) -> None:
    settings, data_dir, keys = site
    with browser(settings) as client:
        no_token = client.post("/review/sign-in", data={"key": keys["AB"]})
        assert no_token.status_code == 403 and "CSRF" in no_token.text
        assert "<html" in no_token.text  # the 403 page, not a JSON body
        sign_in(client, keys["AB"])
        study = first_studies(client, 1)[0]
        for data in ({}, {"csrf_token": "not-the-token"}, {"csrf_token": ""}):
            refused = client.post(f"/review/studies/{study}/screening",
                                  data={**data, "stage": "title-abstract", "decision": "include"})
            assert refused.status_code == 403, data
        # another browser's valid token does not fit this session
        with browser(settings) as other:
            sign_in(other, keys["CD"])
            foreign = token(other, "/review")
        refused = client.post(f"/review/studies/{study}/screening",
                              data={"csrf_token": foreign, "stage": "title-abstract", "decision": "include"})
        assert refused.status_code == 403
        with Workspace.in_data_dir(data_dir).reading() as tx:
            assert tx.all("screening") == [], "nothing is stored from a refused form"
        assert screen(client, study, "include") == 303
        with Workspace.in_data_dir(data_dir).reading() as tx:
            assert [d["reviewer"] for d in tx.all("screening")] == ["AB"]


def test_a_revoked_key_ends_the_session(site: tuple[Settings, Path, dict[str, str]]) -> None:
    settings, data_dir, keys = site
    with browser(settings) as client:
        sign_in(client, keys["CD"])
        study = first_studies(client, 1)[0]
        csrf = token(client, f"/review/studies/{study}")
        revoke_reviewer(Workspace.in_data_dir(data_dir), "CD")
        assert client.get("/review").status_code == 303
        posted = client.post(f"/review/studies/{study}/screening",
                             data={"csrf_token": csrf, "stage": "title-abstract", "decision": "include"})
        assert posted.status_code == 401


def test_blind_screening_then_consensus_excludes_with_its_reason(site: tuple[Settings, Path, dict[str, str]]) -> None:
    settings, _data_dir, keys = site
    with browser(settings) as ab, browser(settings) as cd, browser(settings) as admin:
        sign_in(ab, keys["AB"])
        sign_in(cd, keys["CD"])
        sign_in(admin, keys["Admin"])
        studies = first_studies(ab, 4)
        for study in studies:
            assert screen(ab, study, "include") == 303
        before = cd.get(f"/review/studies/{studies[0]}").text
        assert "hidden (screening/title-abstract) until both have decided" in before
        assert "AB: include" not in before
        for study in studies[:3]:
            assert screen(cd, study, "include") == 303
        assert screen(cd, studies[3], "exclude", ("non-medical",)) == 303
        after = cd.get(f"/review/studies/{studies[0]}").text
        assert "AB: include at title-abstract" in after
        assert ab.get("/review/discrepancies").status_code == 403
        listing = admin.get("/review/discrepancies")
        assert listing.status_code == 200 and f"/review/studies/{studies[3]}/consensus" in listing.text
        assert f"/review/studies/{studies[0]}/consensus" not in listing.text
        assert 'class="agreement-n">4<' in listing.text
        counted = admin.get("/v1/counting", headers=JSON).json()["counted"]
        csrf = token(admin, f"/review/studies/{studies[3]}/consensus")
        resolved = admin.post(f"/review/studies/{studies[3]}/consensus",
                              data={"csrf_token": csrf, "stage": "title-abstract", "decision": "exclude",
                                    "reasons": "non-medical", "note": "a cosmetics study"})
        assert resolved.status_code == 303, resolved.text
        assert admin.get("/v1/counting", headers=JSON).json()["counted"] == counted - 1
        exclusions = ab.get("/exclusions").text
        row = re.search(rf'<tr data-study="{re.escape(studies[3])}">.*?</tr>', exclusions, re.S)
        assert row and "non-medical" in row.group(0) and "a cosmetics study" in row.group(0)
        assert "No open discrepancies" in admin.get("/review/discrepancies").text
        full_text = ab.get("/review", params={"stage": "full-text"}).text
        assert 'role="status">You decided 0 of 3 studies' in re.sub(r"\s+", " ", full_text)
        assert f"/review/studies/{studies[0]}?" in full_text and f"/review/studies/{studies[3]}?" not in full_text


def test_the_extraction_and_risk_of_bias_forms_save_through_the_service(
        site: tuple[Settings, Path, dict[str, str]]) -> None:
    settings, _data_dir, keys = site
    with browser(settings) as client:
        study, page = own_extraction_form(client, keys["AB"])
        names = sorted(set(re.findall(r'name="([^"]+)\.verdict"', page.text)))
        assert names, "the form shows the model's fields"
        data: dict[str, object] = {"csrf_token": page_token(page), "action": "draft"}
        bad = {**data, f"{names[0]}.verdict": "edited", f"{names[0]}.value": "{not json"}
        refused = client.post(f"/review/studies/{study}/extraction", data=bad)
        assert refused.status_code == 422 and names[0] in refused.text
        saved = client.post(f"/review/studies/{study}/extraction", data=data)
        assert saved.status_code == 303
        form = client.get(f"/v1/studies/{study}/extraction", headers={**JSON, **auth(keys["AB"])})
        assert form.json()["reviewer"] == "AB" and form.json()["submitted"] is False

        rob = client.get(f"/review/studies/{study}/rob/rob1")
        assert rob.status_code == 200
        domains = DOMAIN.findall(rob.text)
        body = {**judged(rob, "low", lambda domain: f"quote for {domain}"), "action": "submit", "overall": "low"}
        done = client.post(f"/review/studies/{study}/rob/rob1", data=body)
        assert done.status_code == 303, done.text
        shown = client.get(f"/v1/studies/{study}/review", headers={**JSON, **auth(keys["AB"])}).json()
        mine = [a for a in shown["entries"]["rob"] if a["reviewer"] == "AB"]
        assert mine and mine[0]["submitted"] and len(mine[0]["domains"]) == len(domains) == 7


def test_an_expired_session_needs_a_new_sign_in_and_https_sets_secure(
        site: tuple[Settings, Path, dict[str, str]]) -> None:
    settings, data_dir, keys = site
    with browser(settings) as client:
        sign_in(client, keys["AB"])
        secret = server_secret(data_dir)
        reviewer = next(r for r in list_reviewers(Workspace.in_data_dir(data_dir)) if r.id == "AB")

        class NineHoursAgo(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(time.time()) - SESSION_MAX_AGE - 3600

        old = URLSafeTimedSerializer(secret, salt="facekg-session", signer=NineHoursAgo)
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, old.dumps({"reviewer": "AB", "key_id": reviewer.key_id, "csrf": "x"}))
        assert client.get("/review").status_code == 303
        fresh = URLSafeTimedSerializer(secret, salt="facekg-session")
        client.cookies.set(SESSION_COOKIE, fresh.dumps({"reviewer": "AB", "key_id": reviewer.key_id, "csrf": "x"}))
        assert client.get("/review").status_code == 200, "the same cookie signed now is a valid session"
    with TestClient(create_app(settings), base_url="https://testserver", headers=HTML,
                    follow_redirects=False) as secure:
        page = secure.get("/review/sign-in")
        response = secure.post("/review/sign-in", data={"csrf_token": page_token(page),
                                                        "key": keys["AB"], "next": "//elsewhere.example/x"})
        assert response.status_code == 303 and response.headers["location"] == "/review", "no open redirect"
        cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE + "="))
        assert "Secure" in cookie


def test_the_admin_resolves_extraction_and_risk_of_bias_through_the_pages(
        site: tuple[Settings, Path, dict[str, str]]) -> None:
    settings, _data_dir, keys = site
    with browser(settings) as admin:
        study = first_studies(admin, 1)[0]
        for name in ("AB", "CD"):  # the two independent entries, through the API
            headers = {**JSON, **auth(keys[name])}
            form = admin.get(f"/v1/studies/{study}/extraction", headers=headers).json()
            assert admin.put(f"/v1/studies/{study}/extraction", json=filled(form), headers=headers).status_code == 200
            tool = admin.get("/v1/rob/tools/rob1", headers=JSON).json()
            rob = assessment(tool, "high" if name == "AB" else "low")
            assert admin.put(f"/v1/studies/{study}/rob/rob1", json=rob, headers=headers).status_code == 200
        sign_in(admin, keys["Admin"])
        page = admin.get(f"/review/studies/{study}/extraction/consensus")
        assert page.status_code == 200 and "AB: accepted" in page.text and "CD: accepted" in page.text
        data: dict[str, object] = {"csrf_token": page_token(page), "action": "submit"}
        for name, value in re.findall(r'name="([^"]+)\.value"[^>]*>([^<]*)</textarea>', page.text):
            accepts = f'name="{name}.verdict" value="accepted"' in page.text
            data[f"{name}.verdict"] = "accepted" if accepts else "edited"
            data[f"{name}.value"] = value.replace("&#34;", '"')
        assert admin.post(f"/review/studies/{study}/extraction/consensus", data=data).status_code == 303
        record = admin.get(f"/v1/studies/{study}", headers=JSON).json()
        sources = {fact["provenance"]["source"] for fact in record["conditions"] + record["samples"]}
        assert "consensus" in sources and "extracted" not in sources, sources  # curated facts stay curated

        page = admin.get(f"/review/studies/{study}/rob/rob1/consensus")
        assert "AB: high" in page.text and "CD: low" in page.text
        body = {**judged(page, "high", lambda _domain: "the reviewers' quote"), "overall": "high"}
        assert admin.post(f"/review/studies/{study}/rob/rob1/consensus", data=body).status_code == 303
        summary = admin.get("/v1/rob/rob1/summary", headers=JSON).json()
        assert study in json.dumps(summary)
        listing = admin.get("/review/discrepancies").text
        assert "extraction:" in listing and listing.count("Extraction agreement per section") == 1
        assert "<title>Discrepancies and agreement · facekg living review</title>" in listing


def test_with_three_screeners_the_admin_names_the_pair_to_compare(site: tuple[Settings, Path, dict[str, str]]) -> None:
    settings, _data_dir, keys = site
    with browser(settings) as ab, browser(settings) as cd, browser(settings) as admin:
        for client, name in ((ab, "AB"), (cd, "CD"), (admin, "Admin")):
            sign_in(client, keys[name])
        studies = first_studies(ab, 2)
        for client, decisions in ((ab, ("include", "include")), (cd, ("include", "exclude")),
                                  (admin, ("exclude", "exclude"))):
            for study, decision in zip(studies, decisions, strict=True):
                assert screen(client, study, decision, ("non-human",) if decision == "exclude" else ()) == 303
        ambiguous = admin.get("/review/discrepancies")
        assert ambiguous.status_code == 200 and "3 reviewers took part" in ambiguous.text
        chosen = admin.get("/review/discrepancies", params={"first": "AB", "second": "CD"})
        assert 'class="agreement-n">2<' in chosen.text and "50.0%" in chosen.text


def test_workers_starting_together_share_one_session_secret(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        secrets_seen = pool.map(server_secret, [tmp_path] * 8)
    assert len(set(secrets_seen)) == 1 and len(secrets_seen[0]) >= 32
    assert sorted(p.name for p in tmp_path.iterdir()) == [SECRET_FILE], "no draft file is left behind"


def test_an_edit_is_made_in_typed_inputs_and_a_wrong_value_is_refused_naming_its_field(
        site: tuple[Settings, Path, dict[str, str]]) -> None:
    settings, _data_dir, keys = site
    with browser(settings) as client:
        study, page = own_extraction_form(client, keys["CD"])
        sex = next(name for name in re.findall(r'name="(demographics\.[^"]+)\.verdict"', page.text)
                   if f'name="{name}.value.attribute"' in page.text
                   and re.search(rf'name="{re.escape(name)}\.value\.attribute">\s*(<option[^>]*>[^<]*</option>)*?'
                                 r'<option value="sex" selected', page.text))
        assert f'name="{sex}.value.reported"' in page.text and f'name="{sex}.value.values"' in page.text
        edit = {"csrf_token": page_token(page), "action": "draft", f"{sex}.verdict": "edited",
                f"{sex}.value.attribute": "sex", f"{sex}.value.reported": "true", f"{sex}.value.values": "female, male"}
        saved = client.post(f"/review/studies/{study}/extraction", data=edit)
        assert saved.status_code == 303, saved.text[-1500:]
        form = client.get(f"/v1/studies/{study}/extraction", headers={**JSON, **auth(keys["CD"])}).json()
        (field,) = [f for f in form["demographics"] if f"demographics.{f['key']}" == sex]
        assert field["verdict"] == "edited"
        assert field["value"]["reported"] is True and field["value"]["values"] == ["female", "male"]

        page = client.get(f"/review/studies/{study}/extraction")
        assert re.search(rf'name="{re.escape(sex)}\.value\.values" value="female, male"', page.text)
        wrong = {**edit, f"{sex}.value.reported": "perhaps"}
        refused = client.post(f"/review/studies/{study}/extraction", data=wrong)
        assert refused.status_code == 422 and "reported" in refused.text
