#!/usr/bin/env bash
# A Kafka-protocol broker for tests and local runs, without Docker or a JVM.
#
# tansu 0.6 speaks the Kafka protocol well enough for librdkafka clients to
# produce, consume and commit group offsets. Its storage engines are cargo
# features and the default build has none, so it is built with `libsql`,
# which keeps topics in one SQLite file that survives a broker restart.
# The build takes 12-17 minutes on two cores: the binary is cached under
# NEXZO_CACHE_DIR and built only when missing. To build ahead of time
# without waiting on it: `nohup deploy/local/kafka.sh build >/dev/null &`
# and follow NEXZO_RUN_DIR/kafka/build.log.
#
# Usage: kafka.sh build|start|stop|status
set -euo pipefail
. "$(dirname "$0")/env.sh"

tansu_root="$NEXZO_CACHE_DIR/tansu"
tansu_bin="$tansu_root/bin/tansu"
run_dir="$NEXZO_RUN_DIR/kafka"
pid_file="$run_dir/tansu.pid"

# Built into a side directory and moved into place only when complete, so a
# killed build never leaves a binary that looks cached. The target directory
# is kept between attempts so that a killed build resumes, and removed once
# the binary is in place. nice keeps the build from slowing tests and other
# builds that share the machine. Debian's own cargo is too old for tansu's
# Rust 2024 edition (1.85 or later is needed), so it is not installed here.
build() {
  [ -x "$tansu_bin" ] && return 0
  command -v cargo >/dev/null 2>&1 || {
    log "building tansu needs cargo from Rust 1.85 or later (rustup); none found"
    exit 1
  }
  mkdir -p "$run_dir" "$NEXZO_CACHE_DIR"
  log "building tansu 0.6 with libsql storage (12-17 minutes on 2 cores; log: $run_dir/build.log)"
  rm -rf "$tansu_root.partial"
  nice -n 19 cargo install tansu --version '^0.6' --features libsql --locked \
    --root "$tansu_root.partial" --target-dir "$NEXZO_CACHE_DIR/tansu-target" \
    >"$run_dir/build.log" 2>&1 || {
    log "tansu build failed; see $run_dir/build.log"
    exit 1
  }
  rm -rf "$tansu_root"
  mv "$tansu_root.partial" "$tansu_root"
  rm -rf "$NEXZO_CACHE_DIR/tansu-target"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# tansu resolves a relative SQLite URL against its working directory (an
# absolute path in the URL is made relative too), so it runs from run_dir.
# Clients are told the loopback address they reached it on, not tansu's
# default of localhost:9092.
start() {
  build
  mkdir -p "$run_dir"
  if ! running; then
    local url="tcp://127.0.0.1:$NEXZO_KAFKA_PORT"
    (
      cd "$run_dir"
      exec setsid "$tansu_bin" broker \
        --listener-url "$url" \
        --advertised-listener-url "$url" \
        --storage-engine sqlite://tansu.db \
        </dev/null >>tansu.log 2>&1
    ) &
    echo $! >"$pid_file"
  fi
  wait_for_port "$NEXZO_KAFKA_PORT" 30 || {
    log "tansu did not open port $NEXZO_KAFKA_PORT; see $run_dir/tansu.log"
    exit 1
  }
  log "Kafka (tansu) listening on 127.0.0.1:$NEXZO_KAFKA_PORT"
}

# tansu shuts down cleanly on SIGTERM.
stop() {
  running || return 0
  kill -TERM "$(cat "$pid_file")"
  for _ in $(seq 1 100); do running || { rm -f "$pid_file"; return 0; }; sleep 0.1; done
  log "tansu did not stop within 10 s"
  exit 1
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) running && echo running || echo stopped ;;
  *) echo "usage: $0 build|start|stop|status" >&2; exit 2 ;;
esac
