#!/usr/bin/env bash
# Faults and hostile input against the real processes, each scenario bounded and checked:
#   server         the server killed (SIGKILL) under load from the agent pipeline, then started again
#   elasticsearch  the Elasticsearch node killed under load, then started again on the same data
#   docker         dockerd stopped under a live agent, then started again (root, Docker)
#   hostile        hostile traffic into a container a live agent captures (root, Docker): giant
#                  headers, an endless chunked body, a Content-Length of 2^40, a RESP bulk of 2^31,
#                  arrays a million deep, a PostgreSQL message of 2^31, 3,000 half-open connections
#   overload       8 batches of 16 MB at once against the server on its default 1 GB heap
#   names          100,000 distinct services, then the graph's answer time and the heap
#
#   scripts/chaos.sh [SCENARIO...]      (default: all; the Docker ones need root)
#
# Prints a table of what was tried, what held and the figures, also kept in target/chaos/results.md
# (docs/reliability.md is written from it). Every process started here is ended by its PID; every
# load stops by itself. Exit 1 when a check fails.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
. scripts/lib/proc.sh
JAVA=$JAVA_HOME/bin/java
out=$root/target/chaos
mkdir -p "$out"
server_jar=topology-server/target/intuition-server-exec.jar
bench_jar=benchmarks/target/benchmarks.jar
if [ ! -f "$server_jar" ] || [ ! -f agent/target/intuition-agent.jar ] || [ ! -f "$bench_jar" ] \
    || [ ! -f es-test-node/target/classes/dev/intuition/testsupport/es/node.classpath ]; then
  echo "chaos: building ..." >&2
  ./mvnw -q -B -ntp -DskipTests -pl agent,topology-server,benchmarks,es-test-node -am package \
    >"$out/build.log" 2>&1
fi
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(server elasticsearch docker hostile overload names)
token=chaos-$RANDOM$RANDOM
pids=()
docker_up=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$docker_up" ]; then scripts/docker-testbed.sh down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
results=()
failures=0
# row SCENARIO WHAT-WAS-DONE FIGURES LOST VERDICT
row() {
  results+=("| $1 | $2 | $3 | $4 | $5 |")
  echo "chaos: $1: $5 ($3; lost: $4)" >&2
  [ "$5" = held ] || failures=$((failures + 1))
}
start_server() { # start_server PORT LOG [ARGS...]: ./intuition server as a user runs it; sets $server
  local port=$1 log=$2
  shift 2
  INTUITION_TOKEN=$token ./intuition server --port "$port" "$@" >>"$log" 2>&1 &
  server=$!
  pids+=("$server")
  wait_http "http://127.0.0.1:$port/actuator/health" 180
}
edges() { # edges PORT: the number of edges in the live graph
  curl -s "http://127.0.0.1:$1/api/v1/graph?window=60s" | grep -o '"protocol":"[a-z0-9]*"' | wc -l
}
wait_for() { # wait_for SECONDS COMMAND...: true once COMMAND succeeds within SECONDS
  local deadline=$((SECONDS + $1))
  shift
  while [ $SECONDS -lt $deadline ]; do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}
has_edges() { [ "$(edges "$1")" -gt 0 ]; }
metric_is() { [ "$(metric "$1" "$2")" "$3" "$4" ]; } # metric_is PORT NAME -gt|-eq VALUE
health_is() { curl -s "http://127.0.0.1:$1/actuator/health" | grep -q "\"$2\""; }
graph_has() { curl -s "http://127.0.0.1:$1/api/v1/graph?window=60s" | grep -q "$2"; }
edge_busy() { # edge_busy PORT CLIENT SERVER: calls on the edge in the last 5 s
  [ "$(edge_calls "$1" "$2" "$3" 5s)" -gt 0 ]
}

scenario_server() {
  local port log=$out/server-kill.log
  port=$(free_port)
  : >"$log"
  start_server "$port" "$log"
  ./intuition replay --server "http://127.0.0.1:$port" --token "$token" --realtime --loop \
    demo/demo.bundle >"$out/server-kill-replay.log" 2>&1 &
  local replay=$!
  pids+=("$replay")
  wait_for 60 has_edges "$port" || { row server "..." "no traffic before the kill" "-" failed; return; }
  local before
  before=$(metric "$port" intuition_ingest_transactions_total)
  kill -9 "$server"
  wait "$server" 2>/dev/null || true
  sleep 5
  local t0=$SECONDS
  start_server "$port" "$log"
  if wait_for 60 has_edges "$port" && kill -0 "$replay" 2>/dev/null; then
    row server "SIGKILL to the server under the demo's traffic through \`replay --realtime\`; 5 s down; started again" \
      "$before calls counted before; live graph back $((SECONDS - t0)) s after the restart; the agent pipeline kept running and reconnected by itself" \
      "the killed server's in-memory history (documented: Elasticsearch keeps it)" held
  else
    row server "SIGKILL, restart" "graph not back within 60 s, or the replay died" "?" failed
  fi
  kill "$replay" "$server" 2>/dev/null || true
  wait "$replay" "$server" 2>/dev/null || true
}

scenario_elasticsearch() {
  local esport port work=$out/es log=$out/es-outage.log
  esport=$(free_port)
  port=$(free_port)
  rm -rf "$work"
  mkdir -p "$work"
  local cp
  cp=es-test-node/target/classes:$(cat es-test-node/target/classes/dev/intuition/testsupport/es/node.classpath)
  start_es() {
    "$JAVA" -Xms256m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp "$cp" \
      dev.intuition.testsupport.es.ElasticsearchTestNode "$esport" "$work" >>"$work/node.log" 2>&1 &
    es=$!
    pids+=("$es")
    wait_http "http://127.0.0.1:$esport/_cluster/health?wait_for_status=yellow" 180
  }
  start_es
  : >"$log"
  start_server "$port" "$log" --intuition.storage.type=elasticsearch \
    --intuition.storage.elasticsearch.url="http://127.0.0.1:$esport"
  ./intuition replay --server "http://127.0.0.1:$port" --token "$token" --realtime --loop \
    demo/demo.bundle >"$out/es-replay.log" 2>&1 &
  local replay=$!
  pids+=("$replay")
  wait_for 120 metric_is "$port" intuition_store_written -gt 0 \
    || { row elasticsearch "..." "nothing written before the outage" "-" failed; return; }
  kill -9 "$es"
  wait "$es" 2>/dev/null || true
  sleep 15
  local during_edges health
  during_edges=$(edges "$port")
  health=$(curl -s "http://127.0.0.1:$port/actuator/health")
  local pending
  pending=$(metric "$port" intuition_store_pending)
  start_es
  wait_for 120 health_is "$port" UP || true
  wait_for 120 metric_is "$port" intuition_store_pending -eq 0 || true
  local written lost
  written=$(metric "$port" intuition_store_written)
  lost=$(metric "$port" intuition_store_lost)
  if [ "$during_edges" -gt 0 ] && grep -q DEGRADED <<<"$health" && [ "$lost" -eq 0 ] \
      && health_is "$port" UP; then
    row elasticsearch "SIGKILL to Elasticsearch under the demo's traffic; 15 s down; started again on its data" \
      "live graph kept $during_edges edges during the outage; health DEGRADED (HTTP 200) then UP; $pending documents waited in the buffer; $written written in all" \
      "$lost documents" held
  else
    row elasticsearch "SIGKILL to Elasticsearch, restart" "edges during: $during_edges; health: $health; lost $lost" "$lost" failed
  fi
  kill "$replay" "$server" "$es" 2>/dev/null || true
  wait "$replay" "$server" "$es" 2>/dev/null || true
}

needs_docker() {
  if [ "$(id -u)" != 0 ]; then
    row "$1" "skipped" "needs root (namespaces, capture, dockerd)" "-" failed
    return 1
  fi
  scripts/docker-testbed.sh up >"$out/testbed.log" 2>&1
  docker_up=1
  docker rm -f $(docker ps -aq --filter label=intuition.chaos=1) >/dev/null 2>&1 || true
  docker network rm chaos-net >/dev/null 2>&1 || true
  docker network create --label intuition.test=1 chaos-net >/dev/null
}

run_app() { # run_app NAME ALIAS COMMAND...: a container of the compose project "chaos"
  local name=$1 alias=$2
  shift 2
  docker run -d --name "$name" --network chaos-net --network-alias "$alias" \
    --label intuition.test=1 --label intuition.chaos=1 --label com.docker.compose.project=chaos \
    --label com.docker.compose.service="$alias" -v /usr:/usr:ro -v "$root/scripts/chaos:/chaos:ro" \
    -v "$out/signals:/sig" intuition-test-base "$@" >/dev/null
}

edge_calls() { # edge_calls PORT CLIENT SERVER WINDOW: calls on one edge in the window
  curl -s "http://127.0.0.1:$1/api/v1/edge?client=$2&server=$3&window=$4" \
    | grep -o '"calls":{[^}]*}' | head -1 | grep -o '"\(ok\|warning\|error\)":[0-9]*' \
    | awk -F: '{ s += $2 } END { print s + 0 }'
}

start_agent() { # start_agent PORT LOG: the real agent, capturing the chaos containers
  ./intuition agent --server "http://127.0.0.1:$1" --token "$token" --watch intuition.chaos=1 \
    --report-interval 5 >"$2" 2>&1 &
  agent=$!
  pids+=("$agent")
}

scenario_docker() {
  needs_docker docker || return
  local port log=$out/docker-restart.log
  port=$(free_port)
  : >"$log"
  mkdir -p "$out/signals"
  start_server "$port" "$log"
  run_app chaos-web web python3 -m http.server 8000 --directory /usr/share
  run_app chaos-client client sh -c 'while true; do curl -s -o /dev/null http://web:8000/; sleep 0.2; done'
  start_agent "$port" "$out/docker-agent.log"
  wait_for 90 graph_has "$port" chaos_client \
    || { row docker "..." "no traffic captured before the restart" "-" failed; return; }
  scripts/docker-testbed.sh stop-daemon
  sleep 5
  local t0=$SECONDS
  scripts/docker-testbed.sh up >>"$out/testbed.log" 2>&1
  docker rm -f chaos-web chaos-client >/dev/null 2>&1 || true
  run_app chaos-web web python3 -m http.server 8000 --directory /usr/share
  run_app chaos-client client sh -c 'while true; do curl -s -o /dev/null http://web:8000/; sleep 0.2; done'
  if wait_for 90 edge_busy "$port" chaos_client chaos_web && kill -0 "$agent" 2>/dev/null && grep -q "lost the Docker API" "$out/docker-agent.log" \
      && grep -q "reconnected to the Docker API" "$out/docker-agent.log"; then
    row docker "dockerd stopped (its containers with it) under a live agent, 5 s down, started again, the containers run again" \
      "the agent said \"$(grep -m1 -o 'lost the Docker API[^;]*' "$out/docker-agent.log" | cut -c1-60)...\" and \"$(grep -m1 -o 'reconnected to the Docker API.*' "$out/docker-agent.log")\"; new calls captured $((SECONDS - t0)) s after dockerd was started again" \
      "calls while dockerd was down (no containers ran)" held
  else
    row docker "dockerd stop and start" "agent alive: $(kill -0 "$agent" 2>/dev/null && echo yes || echo no); log: $(tail -3 "$out/docker-agent.log" | tr '\n' ' ')" "?" failed
  fi
  kill "$agent" "$server" 2>/dev/null || true
  wait "$agent" "$server" 2>/dev/null || true
  docker rm -f chaos-web chaos-client >/dev/null 2>&1 || true
}

capturing_two() { # the hostile scenario's agent captures the victim and the client
  [ "$(grep 'status:' "$out/hostile-agent.log" 2>/dev/null | tail -1 | awk '{ print $2 }')" -ge 2 ] 2>/dev/null
}

scenario_hostile() {
  needs_docker hostile || return
  local port log=$out/hostile.log
  port=$(free_port)
  : >"$log"
  rm -rf "$out/signals"
  mkdir -p "$out/signals"
  start_server "$port" "$log"
  run_app chaos-victim victim sh -c 'python3 -m http.server 8000 --directory /usr/share >/dev/null 2>&1 &
    python3 /chaos/responder.py 8001 & python3 /chaos/responder.py 5432 &
    exec redis-server --protected-mode no --save "" --appendonly no'
  run_app chaos-client client sh -c 'while [ ! -e /sig/go ]; do sleep 0.1; done
    while [ ! -e /sig/stop ]; do curl -s -o /dev/null http://victim:8000/ && echo >> /sig/calls; sleep 0.05; done'
  start_agent "$port" "$out/hostile-agent.log"
  wait_for 60 capturing_two || true
  sleep 2
  touch "$out/signals/go"
  local max_rss=0 rss
  run_app chaos-hostile hostile python3 /chaos/hostile.py victim
  local t0=$SECONDS
  while [ $((SECONDS - t0)) -lt 240 ] && [ -n "$(docker ps -q --filter name=chaos-hostile)" ]; do
    rss=$(rss_mb "$agent")
    [ "$rss" -gt "$max_rss" ] && max_rss=$rss
    sleep 1
  done
  touch "$out/signals/stop"
  sleep 8 # the last calls are decoded and shipped
  local made counted status alive
  made=$(wc -l <"$out/signals/calls")
  counted=$(edge_calls "$port" chaos_client chaos_victim 10m)
  docker logs chaos-hostile >"$out/hostile-attacks.log" 2>&1 || true
  status=$(grep 'status:' "$out/hostile-agent.log" | tail -1)
  alive=$(kill -0 "$agent" 2>/dev/null && echo yes || echo no)
  local heap
  heap=$(heap_mb "$agent")
  if [ "$alive" = yes ] && [ "$max_rss" -le 300 ] && [ "$counted" -ge $((made * 9 / 10)) ] \
      && grep -q "hostile: done" "$out/hostile-attacks.log" && ! grep -q ": failed:" "$out/hostile-attacks.log"; then
    row hostile "into a captured container: $(grep -v done "$out/hostile-attacks.log" | tr '\n' ';' | sed 's/;$//; s/;/; /g')" \
      "agent alive, RSS at most $max_rss MB (limit in swarm-stack.yml: 300 MB), heap $heap MB of 128 after GC; a well-behaved client on another connection made $made calls meanwhile, $counted counted; agent: ${status#*status: }" \
      "$((made - counted)) calls of the well-behaved client, counted in the agent's status (drops, gaps)" held
  else
    row hostile "hostile traffic: $(tr '\n' ';' <"$out/hostile-attacks.log" | sed 's/;$//; s/;/; /g')" \
      "alive $alive, max RSS $max_rss MB, made $made, counted $counted; $status" "$((made - counted))" failed
  fi
  kill "$agent" "$server" 2>/dev/null || true
  wait "$agent" "$server" 2>/dev/null || true
  docker rm -f chaos-victim chaos-client chaos-hostile >/dev/null 2>&1 || true
}

scenario_overload() {
  local port log=$out/overload.log
  port=$(free_port)
  : >"$log"
  start_server "$port" "$log"
  local report
  report=$("$JAVA" -Xmx2g -cp "$bench_jar" dev.intuition.bench.ServerLoad \
    "http://127.0.0.1:$port" "$token" maximal 8 15000000 2>&1 | tail -1)
  local sent counted busy heap per
  sent=$(sed -n 's/.*: \([0-9]*\) calls sent.*/\1/p' <<<"$report")
  per=$(sed -n 's/.*batches of \([0-9]*\) calls.*/\1/p' <<<"$report")
  counted=$(metric "$port" intuition_ingest_transactions_total)
  busy=$(metric "$port" intuition_ingest_overloaded_total)
  heap=$(heap_mb "$server")
  if kill -0 "$server" 2>/dev/null && ! grep -q OutOfMemoryError "$log" && [ "$counted" = "$sent" ]; then
    row overload "8 batches of about 15 MB of JSON ($per calls each) at once, gzipped, against the server on its default 1 GB heap; each 503 sent again after Retry-After" \
      "no OutOfMemoryError; $busy answers 503; $counted of $sent calls counted, each batch whole and once; heap $heap MB after GC" \
      "nothing" held
  else
    row overload "8 maximal batches at once" "$report; counted $counted; OOM: $(grep -c OutOfMemoryError "$log")" "?" failed
  fi
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}

scenario_names() {
  local port log=$out/names.log
  port=$(free_port)
  : >"$log"
  start_server "$port" "$log"
  local before
  before=$(heap_mb "$server")
  "$JAVA" -cp "$bench_jar" dev.intuition.bench.ServerLoad "http://127.0.0.1:$port" "$token" \
    names 100000 >"$out/names-load.log" 2>&1
  local times=() t
  for _ in $(seq 1 25); do
    t=$(curl -s -o "$out/names-graph.json" -w '%{time_total}' "http://127.0.0.1:$port/api/v1/graph")
    times+=("$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')")
  done
  local median nodes size after
  median=$(printf '%s\n' "${times[@]:5}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  nodes=$(grep -o '"kind":"' "$out/names-graph.json" | wc -l)
  size=$(( $(wc -c <"$out/names-graph.json") / 1024 ))
  after=$(heap_mb "$server")
  if [ "$median" -lt 100 ] && [ "$nodes" -le 2002 ]; then
    row names "100,000 calls between 100,000 distinct pairs of services, in 10 batches" \
      "graph of $nodes nodes ($size KB), answered in $median ms (median of 20, after 5 to warm up); heap $before -> $after MB after GC" \
      "nothing: the calls of services past the limit are counted under (other)" held
  else
    row names "100,000 distinct services" "median $median ms, $nodes nodes, heap $after MB" "-" failed
  fi
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}

for s in "${scenarios[@]}"; do
  case "$s" in
    server|elasticsearch|docker|hostile|overload|names) echo "== chaos: $s" >&2; "scenario_$s" ;;
    *) echo "usage: scripts/chaos.sh [server|elasticsearch|docker|hostile|overload|names ...]" >&2; exit 2 ;;
  esac
done

{
  echo "| scenario | what was done | what held, in figures | what was lost | verdict |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${results[@]}"
} | tee "$out/results.md"
[ "$failures" -eq 0 ]
