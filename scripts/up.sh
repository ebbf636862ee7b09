#!/usr/bin/env bash
# The main job: set up, migrate, build, start the job worker (it queues the seed run if the database has no run
# and no job), serve the dashboard and the admin page.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3000}"
export DATABASE_URL="${DATABASE_URL:-file:$PWD/data/mnist-lens.db}"
mkdir -p data

bash scripts/setup.sh

# The admin password: ADMIN_PASSWORD if set, else one generated on the first run into a git-ignored file only
# this user can read. Never a built-in default.
PASSWORD_FILE="data/admin-password.txt"
if [ -z "${ADMIN_PASSWORD:-}" ]; then
  if [ ! -s "$PASSWORD_FILE" ]; then
    (umask 077 && node -e 'process.stdout.write(require("node:crypto").randomBytes(18).toString("base64url") + "\n")' > "$PASSWORD_FILE")
    echo "==> generated an admin password"
  fi
  chmod 600 "$PASSWORD_FILE"
  ADMIN_PASSWORD="$(head -n 1 "$PASSWORD_FILE")"
  export ADMIN_PASSWORD
  echo "==> admin password: in $PWD/$PASSWORD_FILE (set ADMIN_PASSWORD to choose your own)"
else
  echo "==> admin password: from ADMIN_PASSWORD"
fi
# Fails here, naming the variable, if DATABASE_URL, TFJS_BACKEND or ADMIN_PASSWORD is invalid.
npm run --silent worker -- --check-env

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  echo "==> building the dashboard"
  npx next build > data/build.log 2>&1 || { cat data/build.log; exit 1; }
fi

echo "==> job worker in the background (log: data/worker.log); it queues the seed run unless runs or jobs exist"
# Its own session: Ctrl-C reaches only the server, and the worker gets exactly one SIGTERM on the way out
# (a second signal would make it stop its training at once instead of after the current batch).
setsid node --import tsx --conditions=react-server scripts/worker.ts --seed-if-empty >> data/worker.log 2>&1 &
WORKER=$!
stop_worker() {
  kill -TERM "$WORKER" 2>/dev/null || true
  wait "$WORKER" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

echo "==> dashboard at http://localhost:${PORT}, admin at http://localhost:${PORT}/admin"
echo "    (Ctrl-C stops both; a running job stops after its current batch and can be retried from /admin)"
# Our server (scripts/serve.ts) rather than `next start`: it tells the login limiter each client's socket address.
node --import tsx scripts/serve.ts -p "$PORT"
