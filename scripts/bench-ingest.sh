#!/usr/bin/env bash
# Ingest over HTTP, and Elasticsearch bulk writes, measured on this machine:
#   1. the server (in-memory store) takes gzipped batches from IngestLoad for 20 s;
#   2. the same with storage in a real Elasticsearch node (es-test-node), then the time the writer
#      needs to drain its buffer gives the bulk write rate.
# Bounded: every load stops by itself; every process started here is ended by its PID.
# Usage: scripts/bench-ingest.sh [SECONDS]   (after ./mvnw install -DskipTests)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
. scripts/lib/proc.sh
JAVA=$JAVA_HOME/bin/java
seconds=${1:-20}
token=bench-token
work=$(mktemp -d /tmp/intuition-bench-ingest.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
server_jar=topology-server/target/intuition-server-exec.jar
bench_jar=benchmarks/target/benchmarks.jar
[ -f "$server_jar" ] && [ -f "$bench_jar" ] || { echo "build first: ./mvnw install -DskipTests" >&2; exit 1; }


echo "== ingest over HTTP, in-memory store (${seconds}s)"
"$JAVA" -Xmx1g -jar "$server_jar" --server.port=18081 --intuition.token=$token > "$work/server1.log" 2>&1 &
pids+=($!)
wait_http http://127.0.0.1:18081/actuator/health
"$JAVA" -cp "$bench_jar" dev.intuition.bench.IngestLoad http://127.0.0.1:18081 $token "$seconds" 2
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

echo "== Elasticsearch bulk writes (test node from es-test-node)"
cp=es-test-node/target/classes:$(cat es-test-node/target/classes/dev/intuition/testsupport/es/node.classpath)
"$JAVA" -Xms512m -Xmx512m --enable-native-access=ALL-UNNAMED -cp "$cp" \
  dev.intuition.testsupport.es.ElasticsearchTestNode 19201 "$work/es" > "$work/es.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:19201/_cluster/health?wait_for_status=yellow"
"$JAVA" -Xmx1g -jar "$server_jar" --server.port=18082 --intuition.token=$token \
  --intuition.storage.type=elasticsearch --intuition.storage.elasticsearch.url=http://127.0.0.1:19201 \
  --intuition.storage.elasticsearch.buffer-documents=2000000 > "$work/server2.log" 2>&1 &
pids+=($!)
wait_http http://127.0.0.1:18082/actuator/health
start=$(date +%s.%N)
"$JAVA" -cp "$bench_jar" dev.intuition.bench.IngestLoad http://127.0.0.1:18082 $token "$seconds" 2
for _ in $(seq 1 600); do
  [ "$(metric 18082 intuition_store_pending)" = 0 ] && break
  sleep 0.5
done
end=$(date +%s.%N)
written=$(metric 18082 intuition_store_written); lost=$(metric 18082 intuition_store_lost)
echo "elasticsearch: $written documents written, $lost lost, in $(echo "$end - $start" | bc) s ="\
  "$(echo "$written / ($end - $start)" | bc) documents/s (bulk of 2000, one node, same 2 cores)"
