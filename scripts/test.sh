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
mkdir -p .tmp
# The build reads no data (every page is dynamic); it gets a database of its own all the same.
export DATABASE_URL="file:$PWD/.tmp/build-$$.db"
bash scripts/setup.sh > /dev/null
if [ "${SKIP_BUILD:-0}" != "1" ]; then
  echo "==> building the app into ${NEXT_DIST_DIR:-.next} (SKIP_BUILD=1 reuses the last build)"
  npx next build > ".tmp/build-$$.log" 2>&1 || { cat ".tmp/build-$$.log"; exit 1; }
fi
rm -f ".tmp/build-$$.db"* ".tmp/build-$$.log"
unset DATABASE_URL
exec npx vitest run "$@"
