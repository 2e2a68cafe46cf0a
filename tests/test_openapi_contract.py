"""The OpenAPI document tells the truth: schemathesis drives every operation of the real app on the demo corpus.

Every response must match what the document declares for that operation: the
status code, the media type, the headers and the schema (errors included, as
``application/problem+json``); invalid input must be refused and valid input
accepted; no 5xx. Examples per operation are bounded so this stays around a
minute; the stateful run follows the document's links (list -> detail).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any, get_args

import hypothesis
import pytest
import schemathesis

from analysis.gaps import RULE_NAMES
from api.app import create_app
from api.routers.exports import ExportName
from api.routers.gaps import GapRuleName
from facekg.settings import Settings
from graph.exports import FORMATS
from graph.sqlite_store import SqliteStore
from review.service import add_reviewer
from review.workspace import Workspace

MAX_EXAMPLES = 12
OPERATIONS = 25  # every read operation the API documents; a new one must be added here on purpose

# schemathesis needs the schema when pytest collects; the app serves a data directory that the fixture below
# fills with the demo corpus before the first request (the store reads its file when the file changes).
DATA_DIR = Path(tempfile.mkdtemp(prefix="facekg-contract-"))
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)
# Low picture and universe limits: the 429 path is exercised, and a picture costs a second of CPU.
SETTINGS = Settings(data_dir=DATA_DIR, backend="memory", rate_pictures=4, rate_universe=2)
APP = create_app(SETTINGS)
schema = schemathesis.openapi.from_dict(APP.openapi())
# The review's operations (tag "review", writes among them) run on their own below, with a reviewer's key.
review_schema = schema.include(tag="review")
schema = schema.exclude(tag="review")
for each in (schema, review_schema):
    each.app = APP
    each.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
REVIEW_EXAMPLES = 6
REVIEWER_KEYS: dict[str, str] = {}  # role -> key, made by the fixture below through the review workspace


@pytest.fixture(scope="module", autouse=True)
def demo_corpus_served(demo_ingested_dir: Path) -> None:
    for path in demo_ingested_dir.iterdir():
        if path.is_file():
            shutil.copy2(path, DATA_DIR / path.name)
    workspace = Workspace.in_data_dir(DATA_DIR)
    for role in ("admin", "reviewer"):
        _reviewer, key = add_reviewer(workspace, f"Contract {role}", role=role)  # type: ignore[arg-type]
        REVIEWER_KEYS[role] = key


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    """``as_of`` and ``since`` are any string to the schema, but only an update id names an update
    (tests/test_as_of.py and test_changes_feeds.py check the 422 for the rest): a generated value is swapped
    for one of the demo's updates, picked by the value, in the single and the stateful runs alike."""
    updates = [update.id for update in SqliteStore(DATA_DIR, create=False).review_updates()]
    for name in ("as_of", "since"):
        if case.query and name in case.query:
            case.query[name] = updates[len(str(case.query[name])) % len(updates)]
    if case.query and "as_of" in case.query and "since" in case.query:
        case.query["since"] = case.query["as_of"]  # as of an update, the later ones are not known yet


@schema.parametrize()
@hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_answers_as_its_openapi_says(case: Any) -> None:
    case.call_and_validate()


@review_schema.parametrize()
@hypothesis.settings(max_examples=REVIEW_EXAMPLES, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_every_review_operation_answers_as_its_openapi_says_with_a_reviewers_key(case: Any) -> None:
    """Writes and reads of the review under a real key (admin for even examples, reviewer for odd): every
    401/403/404/409/422 must be the problem+json the document declares."""
    role = "admin" if len(str(case.path_parameters or "")) % 2 == 0 else "reviewer"
    case.call_and_validate(headers={"Authorization": f"Bearer {REVIEWER_KEYS[role]}"})


def test_the_stateful_run_follows_links_from_lists_to_details() -> None:
    machine = schema.as_state_machine()
    machine.run(settings=hypothesis.settings(max_examples=10, stateful_step_count=4, deadline=None, database=None,
                                             suppress_health_check=list(hypothesis.HealthCheck)))


def test_every_error_is_documented_as_problem_json_and_no_fastapi_default_remains() -> None:
    document = APP.openapi()
    operations = [(path, op) for path, item in document["paths"].items() for op in item.values()
                  if "review" not in op.get("tags", [])]
    assert len(operations) == OPERATIONS
    for path, operation in operations:
        errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
        assert {"413", "414", "422", "500"} <= set(errors), path
        for code, response in errors.items():
            if path == "/healthz" and code == "503":
                continue  # the health body says which part is down, as JSON
            assert list(response["content"]) == ["application/problem+json"], (path, code)
    assert "HTTPValidationError" not in document.get("components", {}).get("schemas", {})


def test_detail_operations_document_404_and_picture_operations_429() -> None:
    paths = APP.openapi()["paths"]
    for path in ("/v1/studies/{study_id}", "/v1/conditions/{condition_id}", "/v1/gaps/bias-reporting"):
        assert "404" in paths[path]["get"]["responses"], path
    for path in ("/v1/gaps/map", "/v1/gaps/evidence", "/v1/synthesis/prisma", "/v1/synthesis/meta-analysis"):
        assert "429" in paths[path]["get"]["responses"], path
        assert "Retry-After" in paths[path]["get"]["responses"]["429"]["headers"], path


def test_fixed_choices_are_enums_that_match_the_analysis_constants() -> None:
    assert set(get_args(GapRuleName)) == set(RULE_NAMES)
    assert set(get_args(ExportName)) == set(FORMATS)
    paths = APP.openapi()["paths"]

    def enum_of(path: str, name: str) -> set[str]:
        parameter = next(p for p in paths[path]["get"]["parameters"] if p["name"] == name)
        found = parameter["schema"]
        options = found.get("anyOf", [found])
        return {value for option in options for value in option.get("enum", [])}

    assert enum_of("/v1/gaps/map", "cols") == {"architecture", "metric"}
    assert enum_of("/v1/gaps/map", "format") == {"json", "svg", "png"}
    assert enum_of("/v1/gaps/evidence", "rule") == set(RULE_NAMES)
    assert enum_of("/v1/gaps/evidence", "universe") == {"protocol", "facial-phenotype"}
    assert enum_of("/v1/gaps/bias-reporting", "attribute") == {"sex", "age", "race_ethnicity", "skin_tone",
                                                                "geography"}
    assert enum_of("/v1/exports/{format}", "format") == set(FORMATS)
