#!/usr/bin/env bash
# Installs dependencies (when missing or stale), generates the Prisma client and migrates the database.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing npm dependencies (better-sqlite3 compiles from source: 1-2 minutes)"
  npm ci --no-audit --no-fund
fi
# Guards against any attempt to download a Prisma engine: the JS engine needs none.
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/nonexistent}"
echo "==> generating the Prisma client"
npx prisma generate > /dev/null
echo "==> migrating ${DATABASE_URL:-file:data/mnist-lens.db}"
npx prisma migrate deploy
