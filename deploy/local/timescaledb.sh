#!/usr/bin/env bash
# TimescaleDB for tests and local runs, without Docker.
#
# Debian 12 has no postgresql-17-timescaledb package; Debian 13 does. So the
# server runs from a minimal Debian 13 root made once with debootstrap and
# cached under NEXZO_CACHE_DIR. The root needs no /proc mount to run the
# server. `pg_ctlcluster stop` refuses without /proc, so `stop` signals the
# postmaster by the pid in postmaster.pid (SIGINT is PostgreSQL's fast
# shutdown), which is also how tests restart the database mid-stream.
#
# Two independent clusters share the root. `main` (NEXZO_PG_PORT) serves all
# tests. `chaos` (NEXZO_PG_CHAOS_PORT) serves only the test that stops the
# database mid-stream, so that stopping it never disturbs tests running in
# parallel. Both get the same settings, role, database and extension.
#
# Usage: timescaledb.sh start|stop|status|drop-test-databases [main|chaos]
set -euo pipefail
. "$(dirname "$0")/env.sh"

cluster=${2:-main}
case "$cluster" in
  main) port=$NEXZO_PG_PORT ;;
  chaos) port=$NEXZO_PG_CHAOS_PORT ;;
  *) echo "unknown cluster '$cluster': main or chaos" >&2; exit 2 ;;
esac
data_dir="$NEXZO_PG_ROOT/var/lib/postgresql/17/$cluster"
conf_dir="$NEXZO_PG_ROOT/etc/postgresql/17/$cluster"

make_root() {
  [ -f "$NEXZO_PG_ROOT/.nexzo-complete" ] && return 0
  need_command debootstrap debootstrap
  log "building the Debian $NEXZO_PG_SUITE root for PostgreSQL 17 + TimescaleDB (about a minute)"
  rm -rf "$NEXZO_PG_ROOT.partial"
  mkdir -p "$NEXZO_CACHE_DIR"
  debootstrap --variant=minbase \
    --include=postgresql-17,postgresql-17-timescaledb \
    "$NEXZO_PG_SUITE" "$NEXZO_PG_ROOT.partial" http://deb.debian.org/debian >&2
  rm -rf "$NEXZO_PG_ROOT"
  mv "$NEXZO_PG_ROOT.partial" "$NEXZO_PG_ROOT"
  touch "$NEXZO_PG_ROOT/.nexzo-complete"
}

# The package made `main`; `chaos` is made on first use. The port given here
# only seeds postgresql.conf, which configure overrides anyway.
make_cluster() {
  [ -f "$conf_dir/postgresql.conf" ] && return 0
  log "creating the PostgreSQL cluster '$cluster'"
  chroot "$NEXZO_PG_ROOT" pg_createcluster 17 "$cluster" -p "$port" >&2
}

# Settings are rewritten on every start so that a port change takes effect.
configure() {
  mkdir -p "$conf_dir/conf.d"
  cat >"$conf_dir/conf.d/nexzo.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
max_connections = 200
CONF
  cat >"$conf_dir/pg_hba.conf" <<HBA
local all postgres peer
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
HBA
}

running() {
  [ -f "$data_dir/postmaster.pid" ] && kill -0 "$(head -1 "$data_dir/postmaster.pid")" 2>/dev/null
}

start() {
  make_root
  make_cluster
  configure
  if ! running; then
    rm -f "$data_dir/postmaster.pid"
    mkdir -p "$NEXZO_PG_ROOT/var/run/postgresql"
    chroot "$NEXZO_PG_ROOT" chown postgres:postgres /var/run/postgresql
    chroot "$NEXZO_PG_ROOT" pg_ctlcluster 17 "$cluster" start >&2
  fi
  wait_for_port "$port" 60 || { log "PostgreSQL ($cluster) did not open port $port"; exit 1; }
  ensure_role
  log "TimescaleDB ($cluster) listening on 127.0.0.1:$port"
}

# The application role may create databases: each integration test makes its
# own database so that tests run in parallel without seeing each other.
ensure_role() {
  chroot "$NEXZO_PG_ROOT" su postgres -s /bin/sh -c "psql -q -p $port" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nexzo') THEN
    CREATE ROLE nexzo LOGIN CREATEDB PASSWORD 'nexzo-local';
  END IF;
  -- The query API's row-level-security role. The application role is a
  -- member so that the API may run as it locally and in tests (SET ROLE).
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nexzo_api') THEN
    CREATE ROLE nexzo_api NOLOGIN;
  END IF;
END \$\$;
GRANT nexzo_api TO nexzo;
SELECT 'CREATE DATABASE nexzo OWNER nexzo'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'nexzo') \gexec
\c nexzo
CREATE EXTENSION IF NOT EXISTS timescaledb;
SQL
  # The extension lives in template1 too, so that each test database has it
  # without superuser rights.
  chroot "$NEXZO_PG_ROOT" su postgres -s /bin/sh -c \
    "psql -q -p $port -d template1 -c 'CREATE EXTENSION IF NOT EXISTS timescaledb'" >/dev/null
}

# Each integration test makes its own database named nexzo_test_* and leaves
# it behind for inspection; this drops those of earlier runs. A database a
# client is using (a suite running from another clone) is left alone.
# TimescaleDB's per-database job scheduler does not count: the extension
# stops it when its database is dropped.
drop_test_databases() {
  running || { log "PostgreSQL ($cluster) is not running"; exit 1; }
  chroot "$NEXZO_PG_ROOT" su postgres -s /bin/sh -c "psql -q -p $port" >/dev/null <<SQL
SELECT format('DROP DATABASE %I', d.datname) FROM pg_database d
  WHERE d.datname LIKE 'nexzo\_test\_%'
    AND NOT EXISTS (SELECT FROM pg_stat_activity a
                    WHERE a.datname = d.datname AND a.backend_type = 'client backend') \gexec
SQL
}

stop() {
  running || return 0
  kill -INT "$(head -1 "$data_dir/postmaster.pid")"
  for _ in $(seq 1 100); do running || return 0; sleep 0.1; done
  log "PostgreSQL ($cluster) did not stop within 10 s"
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running && echo running || echo stopped ;;
  drop-test-databases) drop_test_databases ;;
  *) echo "usage: $0 start|stop|status|drop-test-databases [main|chaos]" >&2; exit 2 ;;
esac
