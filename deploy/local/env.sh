# Shared settings for the no-Docker local services. Sourced, never run.
#
# Everything slow to make (the Debian 13 root that carries PostgreSQL 17 with
# TimescaleDB, the Kafka-protocol broker binary) lives under NEXZO_CACHE_DIR,
# outside any clone, so a fresh clone on the same machine reuses it. Data,
# logs and pid files live under NEXZO_RUN_DIR and are thrown away freely.
#
# The ports are not the services' usual ones so that the scripts never collide
# with a PostgreSQL, Mosquitto or Kafka the machine already runs.

: "${NEXZO_CACHE_DIR:=/var/cache/nexzo}"
: "${NEXZO_RUN_DIR:=/var/tmp/nexzo}"
: "${NEXZO_PG_PORT:=55432}"
# A second cluster, for the one test that stops the database mid-stream.
: "${NEXZO_PG_CHAOS_PORT:=55433}"
: "${NEXZO_MQTT_PORT:=11883}"
: "${NEXZO_KAFKA_PORT:=19092}"

# The Debian suite whose postgresql-17-timescaledb package we run.
NEXZO_PG_SUITE=trixie
NEXZO_PG_ROOT="$NEXZO_CACHE_DIR/$NEXZO_PG_SUITE-postgresql-17"

# The URL the tests and the default configuration use. The password is a
# local-only development secret; real deployments set NEXZO_DATABASE__URL.
: "${NEXZO_TEST_DATABASE_URL:=postgres://nexzo:nexzo-local@127.0.0.1:$NEXZO_PG_PORT/nexzo}"
: "${NEXZO_TEST_CHAOS_DATABASE_URL:=postgres://nexzo:nexzo-local@127.0.0.1:$NEXZO_PG_CHAOS_PORT/nexzo}"
: "${NEXZO_TEST_MQTT_URL:=mqtt://127.0.0.1:$NEXZO_MQTT_PORT}"
export NEXZO_CACHE_DIR NEXZO_RUN_DIR NEXZO_PG_PORT NEXZO_PG_CHAOS_PORT NEXZO_MQTT_PORT
export NEXZO_KAFKA_PORT
export NEXZO_TEST_DATABASE_URL NEXZO_TEST_CHAOS_DATABASE_URL NEXZO_TEST_MQTT_URL

log() { printf '[services] %s\n' "$*" >&2; }

# Installs Debian packages only when a command is missing; `apt-get update`
# runs at most once per script run.
need_command() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if [ -z "${_NEXZO_APT_UPDATED:-}" ]; then
    apt-get update -qq
    _NEXZO_APT_UPDATED=1
  fi
  log "installing $pkg"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
}

# Waits up to $2 seconds for a TCP port on loopback to accept connections.
wait_for_port() {
  local port=$1 seconds=$2
  for _ in $(seq 1 $((seconds * 10))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
