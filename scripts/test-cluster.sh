#!/usr/bin/env bash
# The multi-host test (`npm run test:cluster`): three workers in three network namespaces drain 30 jobs from the local
# PostgreSQL over TCP, one SIGKILLed mid-job, and the dashboard served beside them (test/cluster/). As root: it adds
# namespaces and veth pairs, a pg_hba.conf line and listen addresses (one server restart each way), and undoes them
# all on exit, also after a failure or Ctrl-C. Not root, or no `ip netns`: three processes on 127.0.0.1 (it says so).
# Needs a production build of the app for the dashboard (built here unless SKIP_BUILD=1 and one exists).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
unset DATABASE_URL

restore() {
  npx tsx -e 'import("./test/cluster/network.ts").then(async (m) => {
    const undone = await m.restoreCluster();
    if (undone.length > 0) console.log(`==> cluster test: undone after an early exit: ${undone.join(", ")}`);
  })' || echo "==> cluster test: could not restore the network or PostgreSQL settings (.tmp/cluster-state.json)" >&2
}
trap restore EXIT

if [ "$(id -u)" != "0" ]; then
  echo "==> not root: no network namespaces, the three workers run as processes on 127.0.0.1"
  export CLUSTER_NO_NETNS=1
fi
bash scripts/postgres-test-server.sh
if [ ! -f generated/kysely/types.ts ] || [ ! -d generated/prisma-pg ]; then
  PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/nonexistent}" npm run --silent db:generate > /dev/null
fi
if [ "${SKIP_BUILD:-0}" != "1" ] || [ ! -f "${NEXT_DIST_DIR:-.next}/BUILD_ID" ]; then
  echo "==> building the app the dashboard serves (SKIP_BUILD=1 reuses the last build)"
  build_db=".tmp/build-cluster-$$.db"
  DATABASE_URL="file:$PWD/$build_db" bash scripts/setup.sh > /dev/null
  DATABASE_URL="file:$PWD/$build_db" npx next build > ".tmp/build-cluster-$$.log" 2>&1 || {
    cat ".tmp/build-cluster-$$.log"
    exit 1
  }
  rm -f "$build_db"* ".tmp/build-cluster-$$.log"
fi
start=$SECONDS
status=0
npx vitest run --config vitest.cluster.config.ts "$@" || status=$?
echo "==> cluster test: $([ $status = 0 ] && echo passed || echo FAILED) in $((SECONDS - start)) s"
exit $status
