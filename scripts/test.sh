#!/usr/bin/env bash
# The test command: `scripts/test.sh [unit|postgres|integration|e2e|all] [vitest arguments…]` (all by default); only
# the browser project (e2e) waits for a production build, and SKIP_BUILD=1 reuses the last one; the postgres project
# (the data layer's and queue's tests again on PostgreSQL) needs a server (scripts/postgres-test-server.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
# Every test makes its own databases; none may touch the one the environment names.
unset DATABASE_URL

# The Prisma client and the Kysely row types are generated and git-ignored: make them when missing or older than the
# schema, so a unit run on a fresh clone works without paying for `prisma generate` every time.
generate_if_stale() {
  if [ ! -f generated/kysely/types.ts ] || [ prisma/schema.prisma -nt generated/kysely/types.ts ] ||
    [ ! -d generated/prisma-pg ] || [ prisma/postgresql/schema.prisma -nt generated/prisma-pg ]; then
    echo "==> generating the Prisma clients and row types"
    PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/nonexistent}" npm run --silent db:generate > /dev/null
  fi
}

ensure_chromium() {
  if command -v "${CHROMIUM_PATH:-/usr/bin/chromium}" > /dev/null 2>&1; then return; fi
  if [ "$(id -u)" = "0" ]; then
    echo "==> installing Debian's chromium for the browser tests"
    apt-get update -qq && apt-get install -y -qq chromium > /dev/null || return 1
  else
    echo "browser tests need Chromium: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)" >&2
    return 1
  fi
}

# Set up as a fresh clone needs it, then build the app the browser tests serve (unless SKIP_BUILD=1).
prepare_e2e() {
  ensure_chromium || return 1
  # The build reads no data (every page is dynamic); it gets a database of its own all the same.
  local build_db=".tmp/build-$$.db"
  DATABASE_URL="file:$PWD/$build_db" bash scripts/setup.sh > /dev/null || return 1
  if [ "${SKIP_BUILD:-0}" != "1" ]; then
    echo "==> building the app into ${NEXT_DIST_DIR:-.next} (SKIP_BUILD=1 reuses the last build)"
    DATABASE_URL="file:$PWD/$build_db" npx next build > ".tmp/build-$$.log" 2>&1 || { cat ".tmp/build-$$.log"; rm -f "$build_db"*; return 1; }
  fi
  rm -f "$build_db"* ".tmp/build-$$.log"
}

project="${1:-all}"
# The unit tests are two projects: unit-model's files need their modules afresh (vitest.config.ts), after the rest.
unit_projects=(--project unit --project unit-model)
case "$project" in
  unit | postgres | integration | e2e | all) if [ $# -gt 0 ]; then shift; fi ;;
  # `npm test -- test/tsne`: every project, filtered.
  *) project=all ;;
esac

case "$project" in
  unit)
    generate_if_stale
    exec npx vitest run "${unit_projects[@]}" "$@"
    ;;
  integration)
    generate_if_stale
    exec npx vitest run --project integration "$@"
    ;;
  postgres)
    generate_if_stale
    bash scripts/postgres-test-server.sh
    exec npx vitest run --project postgres "$@"
    ;;
  e2e)
    prepare_e2e
    exec npx vitest run --project e2e "$@"
    ;;
  all)
    # Every project runs even when one fails, so one run shows everything; the exit status says whether all passed.
    generate_if_stale
    failed=()
    summary=()
    for p in unit postgres integration e2e; do
      echo "==> $p tests"
      start=$SECONDS
      status=0
      if [ "$p" = e2e ]; then
        (prepare_e2e && npx vitest run --project e2e --passWithNoTests "$@") || status=$?
      elif [ "$p" = unit ]; then
        npx vitest run "${unit_projects[@]}" --passWithNoTests "$@" || status=$?
      elif [ "$p" = postgres ]; then
        (bash scripts/postgres-test-server.sh && npx vitest run --project postgres --passWithNoTests "$@") || status=$?
      else
        npx vitest run --project "$p" --passWithNoTests "$@" || status=$?
      fi
      summary+=("$p: $([ $status = 0 ] && echo passed || echo FAILED) in $((SECONDS - start)) s")
      [ $status = 0 ] || failed+=("$p")
    done
    printf '==> %s\n' "${summary[@]}"
    [ ${#failed[@]} = 0 ]
    ;;
esac
