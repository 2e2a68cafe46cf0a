"""Wait until a local Neo4j answers ``RETURN 1`` over Bolt, setting its password on first start.

Used by ``scripts/neo4j-local.sh start``; exits 0 when ready, 1 when the JVM died
or the timeout passed (the caller prints the console log).

A fresh server with auth enabled has user ``neo4j`` with password ``neo4j`` that
must be changed before anything else runs; the waiter does that with
``ALTER CURRENT USER SET PASSWORD`` on the ``system`` database, so the server
ends up with real authentication and a known password.

Polling uses ``verify_connectivity`` plus an auto-commit ``session.run``, never
``driver.execute_query``: the latter retries with back-off and would stretch the
timeout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import neo4j
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

INITIAL_PASSWORD = "neo4j"


def _alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); look at its state.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _driver(uri: str, user: str, password: str) -> neo4j.Driver:
    return neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=3.0,
                                      connection_acquisition_timeout=5.0, max_transaction_retry_time=0.0)


def _return_one(uri: str, user: str, password: str) -> None:
    with _driver(uri, user, password) as driver:
        driver.verify_connectivity()
        with driver.session(database="neo4j") as session:
            value = session.run("RETURN 1 AS one").single(strict=True)["one"]
            if value != 1:
                raise RuntimeError(f"RETURN 1 answered {value!r}")


def _set_password(uri: str, user: str, password: str) -> None:
    with _driver(uri, user, INITIAL_PASSWORD) as driver, driver.session(database="system") as session:
        session.run("ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                    old=INITIAL_PASSWORD, new=password).consume()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("uri")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--pid", type=int, default=None, help="server JVM pid: fail fast when it dies")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD", "facekg-test-pw"))
    args = parser.parse_args(argv)

    deadline = time.monotonic() + args.timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if not _alive(args.pid):
            print(f"neo4j_wait: server process {args.pid} exited", file=sys.stderr)
            return 1
        try:
            _return_one(args.uri, args.user, args.password)
            return 0
        except AuthError as exc:
            last_error = exc
            if args.password != INITIAL_PASSWORD:
                try:
                    _set_password(args.uri, args.user, args.password)
                    continue
                except (Neo4jError, ServiceUnavailable, SessionExpired, OSError) as set_exc:
                    last_error = set_exc
        except (ServiceUnavailable, SessionExpired, Neo4jError, OSError) as exc:
            last_error = exc
        time.sleep(0.5)
    print(f"neo4j_wait: no answer from {args.uri} within {args.timeout:.0f} s: {last_error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
