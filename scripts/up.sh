#!/usr/bin/env bash
# The main job: set up, migrate, build, train the seed run in the background if none exists, serve the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3000}"
export DATABASE_URL="${DATABASE_URL:-file:$PWD/data/mnist-lens.db}"

bash scripts/setup.sh
if [ "${SKIP_BUILD:-0}" != "1" ]; then
  echo "==> building the dashboard"
  npx next build > data/build.log 2>&1 || { cat data/build.log; exit 1; }
fi

mkdir -p data
echo "==> training the seed run in the background unless one exists (log: data/train.log)"
npm run --silent train -- --if-none >> data/train.log 2>&1 &
TRAINER=$!
trap 'kill -TERM "$TRAINER" 2>/dev/null || true; wait "$TRAINER" 2>/dev/null || true' EXIT INT TERM

echo "==> dashboard at http://localhost:${PORT} (Ctrl-C stops it; a running training is then marked cancelled)"
npx next start -p "$PORT"
