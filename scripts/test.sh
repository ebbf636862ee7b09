#!/usr/bin/env bash
# The test command: set up, build the app for the browser tests, run every test file (vitest).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v "${CHROMIUM_PATH:-/usr/bin/chromium}" > /dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "==> installing Debian's chromium for the browser tests"
    apt-get update -qq && apt-get install -y -qq chromium > /dev/null
  else
    echo "browser tests need Chromium: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
fi
DATABASE_URL="file:$PWD/.tmp/build.db" bash scripts/setup.sh > /dev/null
if [ "${SKIP_BUILD:-0}" != "1" ]; then
  echo "==> building the app (SKIP_BUILD=1 reuses the last build)"
  DATABASE_URL="file:$PWD/.tmp/build.db" npx next build > .tmp/build.log 2>&1 || { cat .tmp/build.log; exit 1; }
fi
exec npx vitest run "$@"
