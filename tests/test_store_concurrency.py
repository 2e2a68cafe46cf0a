"""The embedded store across real processes: concurrent loads, kill -9 mid-write, readers during writes, bad files.

Every process here is a real one (the installed ``facekg`` command or ``python -c``) on
one data directory; nothing is simulated.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from facekg.settings import load_settings
from graph.sqlite_store import FILE_NAME, SqliteStore
from tests.store_fixtures import review_update, rich_study

FACEKG = str(Path(sys.executable).parent / "facekg")
REPO = Path(__file__).resolve().parents[1]


def facekg(args: list[str], data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"}
    return subprocess.Popen([FACEKG, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def python(script: str, *args: str) -> subprocess.Popen[str]:
    """A child Python process running ``script`` in the repository (it imports facekg like the CLI does)."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def records_file(path: Path, prefix: str, count: int) -> Path:
    lines = [rich_study(f"{prefix}-{i}", doi=f"10.1/{prefix}.{i}", review_update=None).model_dump_json()
             for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_concurrent_loads_of_different_files_keep_both(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    files = [records_file(tmp_path / f"{name}.jsonl", name, 150) for name in ("alpha", "beta")]
    loads = [facekg(["load", str(file), "--json"], data_dir) for file in files]
    results = [finished(load) for load in loads]
    assert [code for code, _out, _err in results] == [0, 0], results
    assert [json.loads(out)["created"] for _code, out, _err in results] == [150, 150]
    store = SqliteStore(data_dir)
    assert store.stats().studies == 300
    assert len(store.review_updates()) == 2
    assert {s.id.split("-")[0] for s in store.studies()} == {"alpha", "beta"}


# The child writes 300 studies in one update; the hook stops it inside the transaction
# (after every row is inserted, before COMMIT) or after the write returned.
KILLED_WRITER = """
    import sys, time
    import graph.sqlite_store as sq
    from tests.store_fixtures import review_update, rich_study

    where = sys.argv[2]
    if where == "inside":
        original = sq._drop_orphans
        def stop_here(conn, keys):
            original(conn, keys)
            print("inside", flush=True)
            time.sleep(600)
        sq._drop_orphans = stop_here
    store = sq.SqliteStore(sys.argv[1])
    store.write([rich_study(f"k-{i}", review_update="big") for i in range(300)],
                review_update("big", "2026-02-01T00:00:00+00:00"))
    print("committed", flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize(("where", "expected"), [
    pytest.param("inside", 0, id="inside-the-transaction-none"),
    pytest.param("after", 300, id="after-the-commit-all"),
])
def test_kill_9_mid_write_leaves_all_or_none(tmp_path: Path, where: str, expected: int) -> None:
    data_dir = tmp_path / "data"
    SqliteStore(data_dir).write([rich_study("before")], review_update())
    child = python(KILLED_WRITER, str(data_dir), where)
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    os.kill(child.pid, signal.SIGKILL)
    _, err = child.communicate(timeout=60)  # reaps the child and closes its pipes
    assert line == ("inside" if where == "inside" else "committed"), err
    store = SqliteStore(data_dir)
    studies = store.stats().studies
    assert studies == 1 + expected
    assert [u.id for u in store.review_updates()] == (["u1"] if expected == 0 else ["u1", "big"])
    conn = sqlite3.connect(data_dir / FILE_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


WRITER = """
    import sys
    from graph.sqlite_store import SqliteStore
    from tests.store_fixtures import review_update, rich_study

    store = SqliteStore(sys.argv[1])
    for n in range(int(sys.argv[2])):
        update = f"w{n:03d}"
        store.write([rich_study(f"{update}-{i}", metrics=3, review_update=update) for i in range(40)],
                    review_update(update, f"2026-01-01T00:00:{n:02d}+00:00"))
    print("done", flush=True)
"""


def test_a_reader_during_writes_sees_whole_updates_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    SqliteStore(data_dir).check()
    writer = python(WRITER, str(data_dir), "25")
    reader = SqliteStore(data_dir, create=False)
    seen = []
    while writer.poll() is None:
        stats = reader.stats()  # one read transaction: studies, results and updates from one state
        seen.append((stats.studies, stats.nodes.get("Result", 0), stats.review_updates))
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    final = reader.stats()
    seen.append((final.studies, final.nodes.get("Result", 0), final.review_updates))
    assert seen[-1] == (1000, 3000, 25)
    assert all(studies == 40 * updates and results == 3 * studies for studies, results, updates in seen), seen


def test_a_corrupt_store_file_is_a_clear_cli_error(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / FILE_NAME).write_bytes(b"this is not a database, it is a note\n" * 200)
    code, _out, err = finished(facekg(["stats"], data_dir))
    assert code == 1
    assert err.startswith("error: the embedded store facekg.sqlite3 cannot be read")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_corrupt_store_file_is_a_503_problem_without_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / FILE_NAME).write_bytes(b"\x00garbage" * 500)
    monkeypatch.setenv("FACEKG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FACEKG_BACKEND", "memory")
    with TestClient(create_app(load_settings())) as client:
        response = client.get("/v1/studies")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"]
    assert "cannot be reached or read" in response.json()["detail"]
    assert str(tmp_path) not in response.text


def test_reading_a_data_dir_that_does_not_exist_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir"
    code, _out, err = finished(facekg(["stats"], missing))
    assert code == 1
    assert "does not exist" in err and "FACEKG_DATA_DIR" in err
    assert not missing.exists()
    code, _out, err = finished(facekg(["load", str(records_file(tmp_path / "one.jsonl", "one", 1))], missing))
    assert code == 0, err
    assert (missing / FILE_NAME).exists()
