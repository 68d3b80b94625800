#!/usr/bin/env bash
# Starts and stops everything the tests need, without Docker: TimescaleDB
# (the shared `main` cluster and the `chaos` cluster that one test stops
# mid-stream), Mosquitto and the Kafka-protocol broker (whose first build
# takes 12-17 minutes on two cores; it is cached afterwards).
#
# `env` prints export lines for the variables the tests read:
#   eval "$(deploy/local/services.sh env)"
#
# Usage: services.sh up|down|status|env
set -euo pipefail
. "$(dirname "$0")/env.sh"

here="$(cd "$(dirname "$0")" && pwd)"

up() {
  "$here/timescaledb.sh" start main
  "$here/timescaledb.sh" start chaos
  "$here/mosquitto.sh" start
  "$here/kafka.sh" start
}

down() {
  "$here/kafka.sh" stop
  "$here/mosquitto.sh" stop
  "$here/timescaledb.sh" stop chaos
  "$here/timescaledb.sh" stop main
}

status() {
  printf 'timescaledb main   %s\n' "$("$here/timescaledb.sh" status main)"
  printf 'timescaledb chaos  %s\n' "$("$here/timescaledb.sh" status chaos)"
  printf 'mosquitto          %s\n' "$("$here/mosquitto.sh" status)"
  printf 'kafka              %s\n' "$("$here/kafka.sh" status)"
}

# The chaos test stops the database itself: it sends SIGINT (fast shutdown)
# to the pid on the first line of postmaster.pid in NEXZO_TEST_CHAOS_PGDATA,
# waits for that file to go, and runs NEXZO_TEST_CHAOS_START to bring the
# cluster back (a command line for `sh -c`). Values are shell-quoted so
# that `eval` is safe.
env_lines() {
  local chaos_pgdata="$NEXZO_PG_ROOT/var/lib/postgresql/17/chaos"
  local script
  script=$(printf '%q' "$here/timescaledb.sh")
  print_export NEXZO_TEST_DATABASE_URL "$NEXZO_TEST_DATABASE_URL"
  print_export NEXZO_TEST_CHAOS_DATABASE_URL "$NEXZO_TEST_CHAOS_DATABASE_URL"
  print_export NEXZO_TEST_CHAOS_PGDATA "$chaos_pgdata"
  print_export NEXZO_TEST_CHAOS_START "$script start chaos"
  print_export NEXZO_TEST_CHAOS_STOP "$script stop chaos"
  print_export NEXZO_TEST_MQTT_URL "$NEXZO_TEST_MQTT_URL"
  print_export NEXZO_TEST_KAFKA_BROKERS "127.0.0.1:$NEXZO_KAFKA_PORT"
}

print_export() {
  local value=$2
  printf 'export %s=%s\n' "$1" "${value@Q}"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) env_lines ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
