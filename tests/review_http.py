"""What the review's HTTP tests share: a writable copy of the served demo data, reviewers, filled entries."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from review.models import FORM_SECTIONS
from review.service import add_reviewer
from review.workspace import Workspace


def writable_copy(source: Path, target: Path) -> Path:
    """A copy of a session data dir that a test may write to."""
    shutil.copytree(source, target)
    return target


def reviewers(data_dir: Path, *names: tuple[str, str]) -> dict[str, str]:
    """Add reviewers ``(name, role)`` to the data dir's workspace; name -> key."""
    workspace = Workspace.in_data_dir(data_dir)
    return {name: add_reviewer(workspace, name, role)[1] for name, role in names}  # type: ignore[arg-type]


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def filled(form: dict[str, Any], reject_first: bool = False) -> dict[str, Any]:
    """A pre-filled form with every field decided: proposals accepted (the first rejected when asked),
    fields the machine left empty edited to "not reported"; submitted."""
    rejected = False
    for section in FORM_SECTIONS:
        for field in form[section]:
            if field["machine"] is not None:
                if reject_first and not rejected:
                    field["verdict"], field["value"] = "rejected", None
                    rejected = True
                else:
                    field["verdict"], field["value"] = "accepted", field["machine"]
            elif section == "demographics":
                field["verdict"], field["value"] = "edited", {"attribute": _attribute(form, field), "reported": False}
            else:
                field["verdict"], field["value"] = "edited", {"name": _flag(field), "value": False}
    form["submitted"] = True
    return form


def _attribute(form: dict[str, Any], field: dict[str, Any]) -> str:
    from facekg.records import DEMOGRAPHIC_ATTRIBUTES, DemographicReport
    from review.extraction import field_key

    return next(a for a in DEMOGRAPHIC_ATTRIBUTES if field_key("demographics", DemographicReport(attribute=a))
                == field["key"])


def _flag(field: dict[str, Any]) -> str:
    from facekg.records import StudyFlag
    from review.extraction import FLAG_NAMES, field_key

    return next(n for n in FLAG_NAMES if field_key("flags", StudyFlag(name=n)) == field["key"])  # type: ignore[arg-type]


def assessment(tool: dict[str, Any], first_judgement: str = "low") -> dict[str, Any]:
    """A submitted assessment judging every domain of ``tool`` low (the first one ``first_judgement``)."""
    domains = []
    for index, domain in enumerate(tool["domains"]):
        judged: dict[str, Any] = {"domain": domain["id"], "judgement": first_judgement if index == 0 else "low",
                                  "support": f"quote supporting {domain['id']}"}
        if domain.get("applicability"):
            judged["applicability"] = "low"
        domains.append(judged)
    return {"domains": domains, "overall": first_judgement if tool["overall"] else None, "submitted": True}


def judge_by_consensus(client: Any, keys: dict[str, str], study_id: str, tool_id: str,
                       firsts: tuple[str, str], consensus: str) -> dict[str, Any]:
    """AB and CD judge ``study_id`` with ``tool_id`` (their first domains ``firsts``), then Admin resolves it
    (``consensus``); every write must succeed. Returns the tool."""
    tool: dict[str, Any] = client.get(f"/v1/rob/tools/{tool_id}").json()
    for reviewer, first in zip(("AB", "CD"), firsts, strict=True):
        response = client.put(f"/v1/studies/{study_id}/rob/{tool_id}", json=assessment(tool, first),
                              headers=auth(keys[reviewer]))
        assert response.status_code == 200, response.text
    response = client.put(f"/v1/studies/{study_id}/rob/{tool_id}/consensus", json=assessment(tool, consensus),
                          headers=auth(keys["Admin"]))
    assert response.status_code == 200, response.text
    return tool
