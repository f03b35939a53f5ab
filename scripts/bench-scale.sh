#!/usr/bin/env bash
# The server at cluster scale: ScaleLoad simulates AGENTS hosts of CONTAINERS containers each (by
# default 800 x 20 = 16,000 containers in 350 services over 3,500 service edges, 3 endpoints each,
# 1.6 million requests/s) sending wire version 2 (summaries per second and edge, endpoint summaries
# per 10 seconds, samples) to one server (in-memory
# store, 1 GB heap); ScaleProbe times the graph query and the graph's freshness meanwhile. The server's
# CPU is read from /proc; its heap is what is in use after a full GC at the end of the measured time. Both loads stop by themselves; every process started here is ended by PID.
# The generator shares the machine with the server: when it cannot keep up, the rate it reached is
# what the last line says ("req/s simulated"), and "late" batches are counted.
# Usage: scripts/bench-scale.sh [SECONDS] [AGENTS] [CONTAINERS_PER_AGENT] [SERVICES] [EDGES] [REQ_PER_S]
#        (after ./mvnw install -DskipTests)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
. scripts/lib/proc.sh
JAVA=$JAVA_HOME/bin/java
seconds=${1:-60}
agents=${2:-800}
per_agent=${3:-20}
services=${4:-350}
edges=${5:-3500}
rps=${6:-1600000}
token=bench-token
port=18083
work=$(mktemp -d /tmp/intuition-bench-scale.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
server_jar=topology-server/target/intuition-server-exec.jar
bench_jar=benchmarks/target/benchmarks.jar
[ -f "$server_jar" ] && [ -f "$bench_jar" ] || { echo "build first: ./mvnw install -DskipTests" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

"$JAVA" -Xmx1g ${SERVER_JAVA_OPTS:-} -jar "$server_jar" --server.port=$port --intuition.token=$token > "$work/server.log" 2>&1 &
server=$!
pids+=($server)
wait_http http://127.0.0.1:$port/actuator/health
echo "bench-scale: $agents agents x $per_agent containers, $services services, $edges edges, $rps req/s, ${seconds}s (server log: $work/server.log)" >&2
"$JAVA" -Xmx2g -cp "$bench_jar" dev.intuition.bench.ScaleLoad http://127.0.0.1:$port $token "$seconds" \
  "$agents" "$per_agent" "$services" "$edges" "$rps" > "$work/load.out" &
load=$!
pids+=($load)
sleep 10 # the first seconds fill the rings and the JIT warms up: measured from here
t0=$(date +%s.%N); c0=$(cpu_ticks $server)
measure=$((seconds - 15))
"$JAVA" -cp "$bench_jar" dev.intuition.bench.ScaleProbe http://127.0.0.1:$port "$measure" > "$work/probe.out"
t1=$(date +%s.%N); c1=$(cpu_ticks $server)
live=$(heap_mb $server) # the heap in use after a full GC: what the server holds, not its garbage
wait $load
hz=$(getconf CLK_TCK)
cores=$(echo "scale=2; ($c1 - $c0) / $hz / ($t1 - $t0)" | bc)
read -r _ sent_rps summaries samples bytes late failed endpoint_summaries < "$work/load.out"
read -r _ fresh95 freshmax query95 querymax heap probes < "$work/probe.out"
echo "load: ${summaries} summaries/s, ${endpoint_summaries} endpoint summaries/s, ${samples} samples/s, ${bytes} gzip bytes/s; $late late batches, $failed failed" >&2
echo "probe: graph fresh p95 ${fresh95} s (max ${freshmax}), /api/v1/graph p95 ${query95} ms (max ${querymax}), heap in use up to ${heap} MB, ${live} MB after a full GC, over $probes probes" >&2
echo "scale: $((agents * per_agent)) containers, ${sent_rps} req/s simulated, server ${cores} cores, heap ${live} MB, graph fresh ${fresh95} s, graph query ${query95} ms, es - docs/s"
