#!/usr/bin/env bash
# Makes sure the PostgreSQL server the tests use answers at TEST_POSTGRES_URL (default: role mnistlens on
# 127.0.0.1:5432). As root on Debian it installs, starts and configures one; otherwise it says what to do.
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${TEST_POSTGRES_URL:-postgresql://mnistlens:mnistlens@127.0.0.1:5432/postgres}"

answers() {
  node -e 'const c = new (require("pg").Client)({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));' "$URL"
}

if answers; then exit 0; fi
if [ -n "${TEST_POSTGRES_URL:-}" ] || [ "$(id -u)" != "0" ]; then
  echo "the PostgreSQL tests need a server at ${URL%%@*}@… (a role that may create databases):" >&2
  echo "  sudo apt-get install -y postgresql, then run this script as root, or set TEST_POSTGRES_URL" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster > /dev/null 2>&1; then
  echo "==> installing Debian's postgresql for the PostgreSQL tests"
  apt-get update -qq && apt-get install -y -qq postgresql > /dev/null
fi
version="$(ls /usr/lib/postgresql | sort -n | tail -n 1)"
if ! pg_lsclusters -h | grep -q .; then pg_createcluster "$version" main > /dev/null; fi
cluster="$(pg_lsclusters -h | head -n 1 | awk '{print $1" "$2}')"
pg_ctlcluster --skip-systemctl-redirect $cluster start 2> /dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'select 1'" > /dev/null 2>&1 && break
  sleep 0.5
done
su postgres -c "psql -qtAc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mnistlens') THEN CREATE ROLE mnistlens LOGIN SUPERUSER PASSWORD 'mnistlens'; END IF; END \\\$\\\$\"" > /dev/null
answers || { echo "PostgreSQL started but ${URL%%@*}@… does not answer" >&2; exit 1; }
echo "==> PostgreSQL $version answers for the tests"
