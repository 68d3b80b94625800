#!/usr/bin/env bash
# Mosquitto for tests and local runs, without Docker.
#
# Runs Debian's mosquitto as a daemon on 127.0.0.1:NEXZO_MQTT_PORT with the
# configuration made from mosquitto.conf next to this script; see that file
# for why the queue, in-flight and size limits differ from the defaults.
# Everything the broker writes (configuration, persistence database, pid
# file, log) lives under NEXZO_RUN_DIR/mosquitto/.
#
# Usage: mosquitto.sh start|stop|status
set -euo pipefail
. "$(dirname "$0")/env.sh"

template="$(cd "$(dirname "$0")" && pwd)/mosquitto.conf"
run_dir="$NEXZO_RUN_DIR/mosquitto"
conf_file="$run_dir/mosquitto.conf"
pid_file="$run_dir/mosquitto.pid"

# Rewritten on every start so that a port change or an edited template takes
# effect. The broker runs as whoever starts it, so it can write run_dir.
configure() {
  mkdir -p "$run_dir"
  sed -e "s|@PORT@|$NEXZO_MQTT_PORT|g" \
    -e "s|@DIR@|$run_dir|g" \
    -e "s|@USER@|$(id -un)|g" \
    "$template" >"$conf_file"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

start() {
  need_command mosquitto mosquitto
  configure
  if ! running; then
    rm -f "$pid_file"
    # Before the log file opens, messages go to stderr; keep them together.
    mosquitto -c "$conf_file" -d 2>>"$run_dir/mosquitto.log"
  fi
  wait_for_port "$NEXZO_MQTT_PORT" 10 || {
    log "Mosquitto did not open port $NEXZO_MQTT_PORT; see $run_dir/mosquitto.log"
    exit 1
  }
  # Another program on the port would answer too.
  running || { log "port $NEXZO_MQTT_PORT answers, but not our broker"; exit 1; }
  log "Mosquitto listening on 127.0.0.1:$NEXZO_MQTT_PORT"
}

# SIGTERM is a clean stop: the broker writes its persistence database first,
# which can take a while when a deep backlog is queued.
stop() {
  running || return 0
  kill -TERM "$(cat "$pid_file")"
  for _ in $(seq 1 300); do running || return 0; sleep 0.1; done
  log "Mosquitto did not stop within 30 s"
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running && echo running || echo stopped ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
