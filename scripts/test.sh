#!/usr/bin/env bash
# The whole test suite (the README's test command, also what CI runs):
#   1. unit tests and the Packetbeat capture corpus (any user, seconds);
#   2. as root: real Redis, PostgreSQL, MariaDB and nginx servers in network namespaces, driven by real
#      clients, captured with tcpdump and decoded (tests tagged "root"); a Docker daemon and Swarm
#      ("docker"); real Elasticsearch nodes the tests start from Maven Central jars
#      ("elasticsearch"); Netflix's Vizceral in headless Chromium ("browser");
#   3. swarm-stack.yml deployed with docker stack deploy on the test daemon's Swarm (swarm-smoke.sh);
#      ./intuition demo, with the browser tests of the UI against it and the UI benchmark;
#   4. a short soak (scripts/soak.sh: heap, RSS, threads and files stay flat under mixed traffic) and
#      the faults and hostile traffic of scripts/chaos.sh against the real processes;
#   5. a short fuzzing run of the decoder (Jazzer).
# Not root: step 2 cannot run and the script says so and fails, because a skipped test is not a pass.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
export INTUITION_SHARED=${INTUITION_SHARED:-$root/../shared}
fuzz_seconds=${FUZZ_SECONDS:-60}

if [ "$(id -u)" != 0 ]; then
  echo "test: the real-server tests need root (network namespaces, tcpdump): run as root" >&2
  exit 1
fi
scripts/install-test-deps.sh
echo "== npm packages of the browser tests" >&2
(cd topology-server/src/test/vizceral && npm ci --no-audit --no-fund --loglevel=error)

echo "== unit, corpus and real-server tests" >&2
./mvnw -B -ntp install -Dintuition.groups.excluded=none

echo "== docker stack deploy of swarm-stack.yml on the test Swarm" >&2
scripts/swarm-smoke.sh

echo "== the README's main command: ./intuition demo, and the browser tests of the UI against it" >&2
demo_port=18095
demo_token=demo-test-$RANDOM$RANDOM
demo_log=$(mktemp)
INTUITION_TOKEN=$demo_token ./intuition demo --port "$demo_port" >"$demo_log" 2>&1 &
demo_pid=$!
demo_ok=""
for _ in $(seq 1 120); do
  graph=$(curl -s "http://127.0.0.1:$demo_port/api/v1/graph?window=60s" || true)
  if grep -q '"shop_api"' <<<"$graph" && grep -q '"data_postgres"' <<<"$graph" \
      && grep -q 'api.payments.example' <<<"$graph" && curl -s "http://127.0.0.1:$demo_port/" | grep -q '<canvas'; then
    demo_ok=1
    break
  fi
  sleep 1
done
if [ -z "$demo_ok" ] || ! grep -q "open http://localhost:$demo_port" "$demo_log"; then
  kill "$demo_pid" 2>/dev/null || true
  cat "$demo_log" >&2
  echo "test: './intuition demo' did not serve the shop's live graph and the UI" >&2
  exit 1
fi
echo "demo: ok (the UI and a live graph with the shop's services)" >&2
# Browser tests (playwright-core driving /usr/bin/chromium); screenshots in web-ui/target/e2e.
ui_rc=0
(cd web-ui && node e2e/ui.e2e.mjs "http://127.0.0.1:$demo_port" "$demo_token" target/e2e) || ui_rc=$?
kill "$demo_pid" 2>/dev/null || true
wait "$demo_pid" 2>/dev/null || true
rm -f "$demo_log"
if [ "$ui_rc" != 0 ]; then
  echo "test: the browser tests of the UI failed (screenshots in web-ui/target/e2e)" >&2
  exit 1
fi

echo "== the UI at scale: 300 services, 1000 edges in headless Chromium" >&2
scripts/bench-ui.sh 10

echo "== the server at scale, a small run of scripts/bench-scale.sh (40 hosts, 800 containers)" >&2
scale=$(scripts/bench-scale.sh 25 40 20 100 600 20000 | tail -1)
echo "$scale" >&2
case "$scale" in
  "scale: 800 containers, "*" req/s simulated, server "*" cores, heap "*" MB, graph fresh "*" s, graph query "*" ms, es "*) ;;
  *) echo "test: bench-scale did not print its scale line" >&2; exit 1 ;;
esac

echo "== soak: ${SOAK_SECONDS:-180} s of mixed traffic, sampled every 30 s (30 minutes for the record)" >&2
scripts/soak.sh "${SOAK_SECONDS:-180}" 30

echo "== faults and hostile traffic against the real processes" >&2
scripts/chaos.sh

echo "== fuzzing the decoder for ${fuzz_seconds}s" >&2
scripts/fuzz.sh "$fuzz_seconds"
