#!/usr/bin/env bash
# Measures the agent under HTTP load through a captured container (root, Docker):
#   1. ~5k requests/s for 30 s: agent CPU (% of one core) and peak RSS;
#   2. ~20k requests/s for 20 s: packets the kernel dropped before the agent read them;
#   3. a flood at wrk's full speed for 10 s, captured by the agent, then by tcpdump -w /dev/null in the
#      same namespace: packets/s captured and dropped by each.
# nginx runs in a container of the image from scripts/docker-testbed.sh; wrk runs on the host.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
command -v wrk >/dev/null || { echo "bench-agent: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
scripts/docker-testbed.sh up
work=$(mktemp -d)
cleanup() {
  [ -n "${agent:-}" ] && kill "$agent" 2>/dev/null || true
  docker rm -f bench-web >/dev/null 2>&1 || true
  cp "$work/agent.log" /tmp/bench-agent.log 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/nginx.conf" <<'CONF'
user root; worker_processes 1; daemon off; error_log /dev/stderr warn; pid /tmp/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path /tmp; proxy_temp_path /tmp; fastcgi_temp_path /tmp;
  uwsgi_temp_path /tmp; scgi_temp_path /tmp;
  server { listen 80; keepalive_requests 10000000; location / { return 200 "ok\n"; } }
}
CONF
echo 'function delay() return 1 end' > "$work/paced.lua"
docker run -d --name bench-web --label intuition.test=1 --label intuition.bench=1 \
  -v /usr:/usr:ro -v "$work:/conf:ro" intuition-test-base nginx -c /conf/nginx.conf >/dev/null
ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' bench-web)
pid=$(docker inspect -f '{{.State.Pid}}' bench-web)

./intuition agent --stdout --watch intuition.bench=1 --report-interval 1 >/dev/null 2>"$work/agent.log" &
agent=$!
for _ in $(seq 1 100); do grep -q "1 namespaces captured" "$work/agent.log" 2>/dev/null && break; sleep 0.2; done
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$agent/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$agent/status"; }
status() { grep "^status:" "$work/agent.log" | tail -n 1; }
field() { status | sed -n "s/.* \([0-9]*\) $1.*/\1/p"; }

run() { # label seconds wrk-args...
  local label=$1 seconds=$2; shift 2
  local c0 t0 c1 t1 peak=0 r p0 d0 p1 d1 tx0 tx1 reqs
  sleep 1.5
  p0=$(field "packets,"); d0=$(field "dropped by"); tx0=$(field transactions)
  c0=$(cpu); t0=$(date +%s.%N)
  ( while sleep 0.5; do rss_kb; done ) > "$work/rss" &
  local sampler=$!
  wrk -t1 "$@" -d "${seconds}s" "http://$ip/" > "$work/wrk.txt"
  c1=$(cpu); t1=$(date +%s.%N)
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  sleep 4 # counters are reported once a second
  p1=$(field "packets,"); d1=$(field "dropped by"); tx1=$(field transactions)
  peak=$(sort -n "$work/rss" | tail -n 1)
  reqs=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  total_reqs=$(( ${total_reqs:-0} + reqs )); total_tx=$(( ${total_tx:-0} + tx1 - tx0 ))
  printf '%-28s %8.0f req/s  agent CPU %5.1f%% of one core  peak RSS %4d MB  packets %8d  kernel drops %d  transactions %d of %d requests\n' \
    "$label" "$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")" \
    "$(echo "($c1 - $c0) / $hz / ($t1 - $t0) * 100" | bc -l)" $((peak / 1024)) \
    $((p1 - p0)) $((d1 - d0)) $((tx1 - tx0)) "$reqs"
}

run "about 5k requests/s" 30 -c6 -s "$work/paced.lua"
run "about 20k requests/s" 20 -c38 -s "$work/paced.lua"
run "flood (agent capturing)" 10 -c8
echo "all loads together: $total_tx transactions decoded for $total_reqs requests sent (counters are reported once a second, so single windows can differ)"
kill "$agent"; wait "$agent" 2>/dev/null || true; agent=
nsenter -t "$pid" -n tcpdump -i eth0 -s 65535 -w /dev/null 2>"$work/tcpdump.txt" &
td=$!
sleep 1.5
wrk -t1 -c8 -d10s "http://$ip/" > "$work/wrk.txt"
sleep 1
kill -INT "$td"; wait "$td" 2>/dev/null || true
printf '%-28s %8.0f req/s  tcpdump -w /dev/null: %s, %s\n' "flood (tcpdump capturing)" \
  "$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")" \
  "$(grep 'packets captured' "$work/tcpdump.txt")" "$(grep 'dropped by kernel' "$work/tcpdump.txt")"
