#!/usr/bin/env bash
# The UI at scale: starts the server (memory store) on a free port, feeds it synthetic traffic between
# SERVICES services over EDGES edges, and measures frames per second and WebSocket-update-to-paint
# time in headless Chromium (web-ui/e2e/bench.mjs).
# Usage: scripts/bench-ui.sh [SECONDS] [SERVICES] [EDGES]   (default 20 s, 300 services, 1000 edges)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
seconds=${1:-20}
services=${2:-300}
edges=${3:-1000}
port=18096
token=bench-$RANDOM$RANDOM
jar=topology-server/target/intuition-server-exec.jar
[ -f "$jar" ] || ./mvnw -q -B -DskipTests -pl topology-server -am package
[ -d web-ui/node_modules ] || (cd web-ui && npm install --no-audit --no-fund --loglevel=error)
mkdir -p target
INTUITION_TOKEN=$token "$JAVA_HOME/bin/java" -jar "$jar" --server.port=$port >target/bench-ui-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null && break
  if ! kill -0 $server 2>/dev/null; then
    echo "bench-ui: the server stopped before it was ready; its output, target/bench-ui-server.log:" >&2
    tail -20 target/bench-ui-server.log >&2
    exit 1
  fi
  sleep 0.5
done
(cd web-ui && node e2e/bench.mjs "http://127.0.0.1:$port/" "$token" "$seconds" "$services" "$edges")
