#!/usr/bin/env bash
# Installs dependencies (when missing or stale), generates the Prisma client and migrates the database.
set -euo pipefail
cd "$(dirname "$0")/.."

# Installed for this lock file? A stamp of the lock's hash says so; without one, the file times do (a git checkout or
# worktree makes the lock look newer than the install, so the stamp is what keeps `npm ci` from running again).
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp=node_modules/.mnist-lens-lock
if [ ! -d node_modules ] ||
  { [ -f "$stamp" ] && [ "$(cat "$stamp")" != "$lock_hash" ]; } ||
  { [ ! -f "$stamp" ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "==> installing npm dependencies (better-sqlite3 compiles from source: 1-2 minutes)"
  npm ci --no-audit --no-fund
fi
echo "$lock_hash" > "$stamp"
# Guards against any attempt to download a Prisma engine: the JS engine needs none.
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/nonexistent}"
echo "==> generating the Prisma clients (SQLite and PostgreSQL)"
npm run --silent db:generate > /dev/null
echo "==> migrating ${DATABASE_URL:-file:data/mnist-lens.db}"
npm run --silent db:migrate
