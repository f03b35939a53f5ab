#!/usr/bin/env bash
# Soak: mixed traffic through the real agent pipeline into the server for a while, sampling the
# server's and the pipeline's heap (after a full GC), RSS, threads and open files; they must stay flat.
#
#   scripts/soak.sh [SECONDS] [SAMPLE_SECONDS]      (default 1800 and 60: 30 minutes, a sample a minute)
#
# The traffic: three `intuition replay --realtime --loop` of the bundled demo (real nginx, Redis,
# PostgreSQL and MariaDB calls: decoded, named and shipped as an agent does, with times moved to now,
# so the graph, the notices and the minute roll-ups work as in production), a load of gzipped
# batches (benchmarks' IngestLoad, a slice of every sample period), readers of the REST API every
# second, and viewers of the stream connecting, reading and leaving (scripts/lib/StreamViewer.java).
# The server runs as `./intuition server` runs it (a 1 GB heap). Flat means: after the first sample,
# threads grow by at most 3, open files by at most 10, heap after GC and RSS by at most 25 % (plus
# 16 and 32 MB of slack) over the highest of the first third. The samples and the verdict are
# printed and kept in target/soak/. Every process started here is ended by its PID; the load stops by
# itself. Exit 0 when flat, 1 otherwise.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
. scripts/lib/proc.sh
duration=${1:-1800}
sample=${2:-60}
case "$duration$sample" in *[!0-9]*) echo "usage: scripts/soak.sh [SECONDS] [SAMPLE_SECONDS]" >&2; exit 2 ;; esac
out=target/soak
mkdir -p "$out"
rm -f "$out"/*.log
server_jar=topology-server/target/intuition-server-exec.jar
bench_jar=benchmarks/target/benchmarks.jar
if [ ! -f "$server_jar" ] || [ ! -f agent/target/intuition-agent.jar ] || [ ! -f "$bench_jar" ]; then
  echo "soak: building ..." >&2
  ./mvnw -q -B -ntp -DskipTests -pl agent,topology-server,benchmarks -am package >"$out/build.log" 2>&1
fi
port=$(free_port)
token=soak-$RANDOM$RANDOM
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

INTUITION_TOKEN=$token ./intuition server --port "$port" >"$out/server.log" 2>&1 &
server=$!
pids+=("$server")
wait_http "http://127.0.0.1:$port/actuator/health"
agents=()
for i in 1 2 3; do
  ./intuition replay --server "http://127.0.0.1:$port" --token "$token" --realtime --loop \
    demo/demo.bundle >"$out/replay-$i.log" 2>&1 &
  pids+=($!)
  agents+=($!)
done
end=$((SECONDS + duration))
# Readers of the API, every second, until the end.
(
  while [ $SECONDS -lt $end ]; do
    for q in "graph?window=60s" "graph?window=15m" "transactions?outcome=error&limit=50" \
        "transactions?order=slowest&limit=20" "services/shop_api" "notices?limit=20" "info"; do
      curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/$q" || true
    done
    sleep 1
  done
) &
pids+=($!)
# Viewers of the stream: three at a time, each for 20 s, then others.
"$JAVA_HOME/bin/java" scripts/lib/StreamViewer.java "ws://127.0.0.1:$port/ws/graph" "$duration" 3 20 \
  >"$out/viewers.log" 2>&1 &
pids+=($!)

printf "%8s %10s %8s %8s %5s | %10s %8s %8s %5s\n" seconds "server:heap" rss threads fds \
  "agent:heap" rss threads fds | tee "$out/samples.txt"
declare -a s_heap s_rss s_thr s_fds a_heap a_rss a_thr a_fds
started=$SECONDS
while :; do
  # A burst of batches in each period, so that ingest, buffers and graph churn are exercised.
  "$JAVA_HOME/bin/java" -Xmx256m -cp "$bench_jar" dev.intuition.bench.IngestLoad \
    "http://127.0.0.1:$port" "$token" $(( sample > 20 ? 10 : sample / 2 > 0 ? sample / 2 : 1 )) 1 \
    >>"$out/ingest-load.log" 2>&1 || true
  while [ $(( (SECONDS - started) % sample )) -ne 0 ] && [ $SECONDS -lt $end ]; do sleep 1; done
  kill -0 "$server" 2>/dev/null || { echo "soak: the server died" >&2; tail -30 "$out/server.log" >&2; exit 1; }
  a=${agents[0]}
  kill -0 "$a" 2>/dev/null || { echo "soak: the replay agent died" >&2; tail -30 "$out/replay-1.log" >&2; exit 1; }
  s_heap+=("$(heap_mb "$server")"); s_rss+=("$(rss_mb "$server")")
  s_thr+=("$(threads "$server")"); s_fds+=("$(fds "$server")")
  a_heap+=("$(heap_mb "$a")"); a_rss+=("$(rss_mb "$a")")
  a_thr+=("$(threads "$a")"); a_fds+=("$(fds "$a")")
  i=$((${#s_heap[@]} - 1))
  printf "%8d %10s %8s %8s %5s | %10s %8s %8s %5s\n" $((SECONDS - started)) "${s_heap[$i]}" \
    "${s_rss[$i]}" "${s_thr[$i]}" "${s_fds[$i]}" "${a_heap[$i]}" "${a_rss[$i]}" "${a_thr[$i]}" \
    "${a_fds[$i]}" | tee -a "$out/samples.txt"
  [ $SECONDS -ge $end ] && break
  sleep 1
done

calls=$(metric "$port" intuition_ingest_transactions_total)
refused=$(metric "$port" intuition_ingest_refused_total)
n=${#s_heap[@]}
if [ "$n" -lt 3 ]; then
  echo "soak: too few samples ($n) to judge; run longer or sample more often" >&2
  exit 1
fi
verdict=flat
problems=()
# judge NAME VALUES... : the last value against the highest of the first third (after the first).
judge() {
  local what=$1 pct=$2 slack=$3
  shift 3
  local values=("$@") third=$(( (${#values[@]} + 2) / 3 )) base=0 last=${values[-1]} i
  for ((i = 1; i <= third && i < ${#values[@]}; i++)); do
    [ "${values[$i]}" -gt "$base" ] && base=${values[$i]}
  done
  local allowed=$(( base + base * pct / 100 + slack ))
  if [ "$last" -gt "$allowed" ]; then
    problems+=("$what grew from $base to $last (allowed $allowed)")
  fi
}
judge "server heap MB" 25 16 "${s_heap[@]}"
judge "server RSS MB" 25 32 "${s_rss[@]}"
judge "server threads" 0 3 "${s_thr[@]}"
judge "server fds" 0 10 "${s_fds[@]}"
judge "agent heap MB" 25 16 "${a_heap[@]}"
judge "agent RSS MB" 25 32 "${a_rss[@]}"
judge "agent threads" 0 3 "${a_thr[@]}"
judge "agent fds" 0 10 "${a_fds[@]}"
[ "$calls" -gt 0 ] || problems+=("the server counted no calls")
[ "$refused" -eq 0 ] || problems+=("$refused batches were refused")
[ ${#problems[@]} -eq 0 ] || verdict="NOT flat: $(IFS=';'; echo "${problems[*]}")"
summary="soak: $duration s, $n samples, $calls calls counted, $refused batches refused;"
summary+=" server heap ${s_heap[1]} -> ${s_heap[-1]} MB, RSS ${s_rss[1]} -> ${s_rss[-1]} MB,"
summary+=" threads ${s_thr[1]} -> ${s_thr[-1]}, fds ${s_fds[1]} -> ${s_fds[-1]};"
summary+=" agent heap ${a_heap[1]} -> ${a_heap[-1]} MB, RSS ${a_rss[1]} -> ${a_rss[-1]} MB,"
summary+=" threads ${a_thr[1]} -> ${a_thr[-1]}, fds ${a_fds[1]} -> ${a_fds[-1]}: $verdict"
echo "$summary" | tee "$out/verdict.txt"
[ "$verdict" = flat ]
