"""Two reviewers writing at the same moment lose nothing: real processes against a real ``facekg serve --workers 2``.

Each reviewer is its own client process posting 50 screening decisions (several versions of each of
the demo's studies), both starting at the same instant; the server runs two worker processes over
one data directory. Afterwards every write is in the audit trail, every record has all its versions,
the latest decision of each is the one posted last, and both workers answer the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx

from review.workspace import Workspace
from tests.browser_support import server_process
from tests.review_http import reviewers, writable_copy

WRITES = 50
STUDIES = 20  # so each reviewer writes two or three versions of every decision

CLIENT = """
    import json, sys, time
    import httpx

    base, key, plan, start = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), float(sys.argv[4])
    while time.time() < start:
        time.sleep(0.005)
    statuses, began = [], time.perf_counter()
    with httpx.Client(base_url=base, headers={"Authorization": "Bearer " + key}, timeout=120) as client:
        for study, decision in plan:
            body = {"stage": "title-abstract", "decision": decision}
            if decision == "exclude":
                body["reason"] = "non-human"
            statuses.append(client.post(f"/v1/studies/{study}/screening", json=body).status_code)
    print(json.dumps({"statuses": statuses, "seconds": time.perf_counter() - began}))
"""


def plan(studies: list[str], first: str) -> list[tuple[str, str]]:
    """50 decisions over the studies in turn, alternating include and exclude from ``first``."""
    other = "include" if first == "exclude" else "exclude"
    return [(studies[i % len(studies)], first if (i // len(studies)) % 2 == 0 else other) for i in range(WRITES)]


def test_two_reviewers_posting_at_the_same_moment_to_two_workers_lose_nothing(
        demo_data_dir: Path, tmp_path: Path) -> None:
    data_dir = writable_copy(demo_data_dir, tmp_path / "data")
    keys = reviewers(data_dir, ("AB", "reviewer"), ("CD", "reviewer"))
    began = time.perf_counter()
    with server_process(data_dir, tmp_path / "serve.log", timeout=120, extra_args=["--workers", "2"]) as (base, _):
        print(f"server up in {time.perf_counter() - began:.1f} s")
        listed = httpx.get(f"{base}/v1/studies", params={"limit": 500}).json()["data"]
        studies = sorted(s["id"] for s in listed)[:STUDIES]
        gaps = httpx.get(f"{base}/v1/gaps/bias-reporting")
        plans = {"AB": plan(studies, "exclude"), "CD": plan(studies, "include")}
        start = time.time() + 3
        clients = {name: subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(CLIENT), base, keys[name], json.dumps(plans[name]), str(start)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in plans}
        results = {name: process.communicate(timeout=300) for name, process in clients.items()}
        for name, (out, err) in results.items():
            assert clients[name].returncode == 0, err
            report = json.loads(out)
            assert report["statuses"] == [201] * WRITES, (name, out)
            print(f"{name}: {WRITES} decisions in {report['seconds']:.1f} s")

        # The audit trail has every write, by its author; each record has one version per write.
        audit = httpx.get(f"{base}/v1/audit", params={"kind": "screening", "limit": 1000}).json()
        assert audit["count"] == 2 * WRITES
        assert sorted(row["actor"] for row in audit["data"]) == ["AB"] * WRITES + ["CD"] * WRITES
        workspace = Workspace.in_data_dir(data_dir)
        for name in plans:
            for study in studies:
                posted = [decision for target, decision in plans[name] if target == study]
                assert workspace.versions("screening", f"{study}/title-abstract/{name}") == len(posted)
        # Writers of both processes interleaved (they really wrote at the same moment).
        actors = [row["actor"] for row in audit["data"]]
        assert sum(a != b for a, b in zip(actors, actors[1:], strict=False)) > 1

        # The latest decision of each reviewer is what each posted last; both workers answer alike.
        last = {name: {study: decision for study, decision in plans[name]} for name in plans}
        for study in studies[:3]:
            answers = [httpx.get(f"{base}/v1/studies/{study}/review").json() for _ in range(4)]
            assert all(answer == answers[0] for answer in answers)
            decided = {entry["reviewer"]: entry["decision"] for entry in answers[0]["entries"]["screening"]}
            assert decided == {name: last[name][study] for name in plans}
        agreement = [httpx.get(f"{base}/v1/agreement", params={"stage": "title-abstract"}).json() for _ in range(4)]
        assert {a["n"] for a in agreement} == {len(studies)}
        for _ in range(4):  # neither worker answers from the answer it kept before the writes
            assert httpx.get(f"{base}/v1/gaps/bias-reporting",
                             headers={"If-None-Match": gaps.headers["ETag"]}).status_code == 200
