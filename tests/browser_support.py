"""The real server and a real browser for the website test: uvicorn in a subprocess, Debian's chromium.

``running_server`` starts ``facekg serve`` (the real CLI) on a free loopback port
over a data directory and waits for ``/healthz``. ``launch_chromium`` drives
``/usr/bin/chromium`` through Playwright with a fresh user-data directory and
the flags this machine's closed network needs. A missing browser or axe-core
fails the test with what to run; it never skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

# What a page must come to show is still asserted; on a shared 2-core machine (CI, benchmarks beside the
# suite) a navigation can take longer than Playwright's default 5 s to commit, so expectations wait up to 20 s.
EXPECT_TIMEOUT_MS = 20_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
NO_BROWSER = ("Debian's chromium is not installed, so the website cannot be tested in a browser. Install it with "
              "`make browser` (apt-get install -y chromium); browser downloads do not work on this machine.")
NO_AXE = f"axe-core is missing at {AXE}; run `make install` (npm ci) to fetch the website's npm packages."


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.fail(NO_BROWSER, pytrace=False)
    return found


def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(NO_AXE, pytrace=False)
    return AXE.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(data_dir: Path, log_path: Path, timeout: float = 60.0) -> Iterator[str]:
    """``facekg serve`` on a free port over ``data_dir``; yields its base URL and stops it afterwards."""
    with server_process(data_dir, log_path, timeout) as (base, _process):
        yield base


@contextmanager
def server_process(data_dir: Path, log_path: Path, timeout: float = 60.0,
                   extra_args: Sequence[str] = ()) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``facekg serve [extra_args]`` answering ``/healthz``: its base URL and process; stopped afterwards."""
    port = free_port()
    facekg = Path(sys.executable).parent / "facekg"
    env = {**os.environ, "FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"}
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen([str(facekg), "serve", "--host", "127.0.0.1", "--port", str(port),
                                    *extra_args], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    pytest.fail(f"facekg serve exited with {process.returncode}:\n{log_path.read_text()}",
                                pytrace=False)
                try:
                    if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"facekg serve did not answer /healthz within {timeout:.0f} s", pytrace=False)
                time.sleep(0.2)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
