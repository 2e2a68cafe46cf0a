"""Vendor the website's front-end packages from npm into ``api/web/static/vendor`` (no CDN, ever).

``package.json`` / ``package-lock.json`` pin the packages; this script runs
``npm ci`` when ``node_modules`` is missing or older than the lock file, then
copies the few files the pages serve and writes ``MANIFEST.json`` (package,
version, file, bytes, sha256) beside them. The Makefile runs it on ``make
install`` (and so on ``make run`` and ``make test``). axe-core is not served:
the browser test injects it from ``node_modules``.

    python scripts/vendor_assets.py            # npm ci if needed, then copy
    python scripts/vendor_assets.py --no-npm   # copy from an existing node_modules (Docker build)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "api" / "web" / "static" / "vendor"
# package -> files (relative to the package) that the website serves
SERVED: dict[str, tuple[str, ...]] = {
    "htmx.org": ("dist/htmx.min.js",),
    "swagger-ui-dist": ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"),
}


def npm_ci() -> None:
    """Install exactly what the lock file pins; install scripts stay off (no telemetry, no downloads)."""
    lock = ROOT / "package-lock.json"
    stamp = NODE_MODULES / ".package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("vendor_assets: npm is not installed; install Node.js and npm (Debian: apt-get install -y npm)")
    subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT,
                   check=True)


def copy_served() -> list[dict[str, object]]:
    VENDOR.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, object]] = []
    for package, files in SERVED.items():
        package_dir = NODE_MODULES / package
        version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
        for name in files:
            source = package_dir / name
            if not source.is_file():
                sys.exit(f"vendor_assets: {source} is missing; run `npm ci` (package {package} {version})")
            target = VENDOR / Path(name).name
            shutil.copyfile(source, target)
            data = target.read_bytes()
            manifest.append({"package": package, "version": version, "file": target.name, "bytes": len(data),
                             "sha256": hashlib.sha256(data).hexdigest()})
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-npm", action="store_true", help="do not run npm ci; copy from node_modules")
    args = parser.parse_args()
    if not args.no_npm:
        npm_ci()
    for entry in copy_served():
        print(f"vendored {entry['package']}@{entry['version']} {entry['file']} ({entry['bytes']:,} bytes)")


if __name__ == "__main__":
    main()
