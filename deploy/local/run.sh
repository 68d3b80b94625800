#!/usr/bin/env bash
# The main job on one machine: starts TimescaleDB and Mosquitto locally
# (installing them on first use), builds the pipeline and runs it in the
# foreground with the default configuration, which points at those services,
# with the query API in the same process on 127.0.0.1:8090.
# Ctrl-C drains and stops it; the services keep running
# (deploy/local/services.sh down stops them).
#
# Usage: deploy/local/run.sh [path/to/config.toml]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/env.sh"
cd "$root"

"$here/timescaledb.sh" start main
"$here/mosquitto.sh" start
# The first reading below is published with mosquitto_pub.
need_command mosquitto_pub mosquitto-clients
cargo build --release --locked --bin nexzo-telemetry

binary="${CARGO_TARGET_DIR:-$root/target}/release/nexzo-telemetry"
# Health, readiness and metrics on a fixed local port for a local run.
export NEXZO_RUNTIME__OPS_LISTEN="${NEXZO_RUNTIME__OPS_LISTEN:-127.0.0.1:9464}"
args=()
[ $# -gt 0 ] && args=(--config "$1")
"$binary" "${args[@]}" migrate
cat >&2 <<TEXT
[services] pipeline starting. Register a meter and publish a reading with:
  $binary meters put --meter m-1 --tenant t-1 --property p-1
  mosquitto_pub -p $NEXZO_MQTT_PORT -q 1 -t meters/m-1/readings \\
    -m '{"schema_version":1,"meter_id":"m-1","ts":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","energy_wh":1234}'
Readiness and metrics: http://$NEXZO_RUNTIME__OPS_LISTEN/readyz and /metrics
Query API: make a key with
  $binary api-keys create --tenant t-1 --name local --scope usage:read --scope meters:read
and call, for example,
  curl -H "Authorization: Bearer <key>" 'http://127.0.0.1:8090/v1/properties/p-1/latest-readings'
TEXT
exec "$binary" "${args[@]}" run --api
