#!/usr/bin/env bash
# The whole test suite (the README's test command, also what CI runs):
#   1. unit tests and the Packetbeat capture corpus (any user, seconds);
#   2. as root: real Redis, PostgreSQL, MariaDB and nginx servers in network namespaces, driven by real
#      clients, captured with tcpdump and decoded (tests tagged "root"); a Docker daemon and Swarm
#      ("docker"); real Elasticsearch nodes the tests start from Maven Central jars
#      ("elasticsearch"); Netflix's Vizceral in headless Chromium ("browser");
#   3. a short fuzzing run of the decoder (Jazzer).
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

echo "== the README's main command: ./intuition demo" >&2
demo_out=$(./intuition demo)
for expected in "Intuition demo:" "10.77.0.2:5432" "p99 ms" "Failing requests"; do
  grep -q "$expected" <<<"$demo_out" || { echo "test: './intuition demo' did not show '$expected'" >&2; exit 1; }
done
echo "demo: ok ($(grep -c ' -> ' <<<"$demo_out") edges shown)" >&2

echo "== fuzzing the decoder for ${fuzz_seconds}s" >&2
scripts/fuzz.sh "$fuzz_seconds"
