#!/usr/bin/env bash
# Installs Debian's chromium for the browser test, once: quiet and quick when it is already there.
# Browser downloads (playwright install, puppeteer) do not work on this project's machines; Debian's package does.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing; install it with: sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "installing Debian's chromium for the browser test (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null
