#!/usr/bin/env bash
# A test host for the real-server tests: network namespace "intuition-test" joined to the host by a veth
# pair (host side intu-h 10.77.0.1, namespace side intu-n 10.77.0.2), running real servers:
#   redis-server   10.77.0.2:6380  (password "redis-pw": a non-standard port, found by content)
#   redis-server   10.77.0.2:6379
#   PostgreSQL     10.77.0.2:5432  (user app / "pg-pw", database shop, SSL off)
#   MariaDB        10.77.0.2:13306 (user app / "my-pw", database shop: a non-standard port)
#   nginx          10.77.0.2:80 and :8081
# and a second namespace "intuition-test2" (intu-h2 10.77.1.1 / intu-n2 10.77.1.2) running
#   redis-server   10.77.1.2:6379
# so that captures of two namespaces at once can be tested.
# Usage: testbed.sh up | down | status. Needs root. "up" is idempotent; "down" stops only the processes
# it started (by the PIDs it recorded) and removes the namespace.
set -euo pipefail
NS=intuition-test
HOST_IF=intu-h
NS_IF=intu-n
HOST_IP=10.77.0.1
IP=10.77.0.2
DIR=${INTUITION_TESTBED_DIR:-/tmp/intuition-testbed}
. "$(dirname "${BASH_SOURCE[0]}")/lib/servers.sh"
NS2=intuition-test2
IP2=10.77.1.2
in_ns() { ip netns exec "$NS" "$@"; }

make_ns() { # name host-if ns-if host-ip ns-ip
  if ! ip netns list | grep -qw "$1"; then
    ip netns add "$1"
    ip link add "$2" type veth peer name "$3"
    ip link set "$3" netns "$1"
    ip addr add "$4/24" dev "$2"
    ip link set "$2" up
    ip netns exec "$1" ip addr add "$5/24" dev "$3"
    ip netns exec "$1" ip link set "$3" up
    ip netns exec "$1" ip link set lo up
  fi
}

start_bg() { # name command...: in the test namespace
  ns_bg "$1" "$NS" "${@:2}"
}

up() {
  mkdir -p "$DIR"
  make_ns "$NS" "$HOST_IF" "$NS_IF" "$HOST_IP" "$IP"
  make_ns "$NS2" intu-h2 intu-n2 10.77.1.1 "$IP2"

  if [ ! -s "$DIR/redis6379.pid" ] || ! kill -0 "$(cat "$DIR/redis6379.pid")" 2>/dev/null; then
    start_bg redis6379 redis-server --bind "$IP" --port 6379 --save '' --appendonly no \
      --dir "$DIR" --protected-mode no
    start_bg redis6380 redis-server --bind "$IP" --port 6380 --save '' --appendonly no \
      --dir "$DIR" --requirepass redis-pw --protected-mode no
  fi

  if [ ! -s "$DIR/redis2.pid" ] || ! kill -0 "$(cat "$DIR/redis2.pid")" 2>/dev/null; then
    ns_bg redis2 "$NS2" redis-server --bind "$IP2" --port 6379 --save '' --appendonly no \
      --dir "$DIR" --protected-mode no
  fi

  if [ ! -s "$DIR/postgres.pid" ] || ! kill -0 "$(cat "$DIR/postgres.pid")" 2>/dev/null; then
    start_postgres "$NS" "$IP" 5432
  fi

  if [ ! -s "$DIR/mariadb.pid" ] || ! kill -0 "$(cat "$DIR/mariadb.pid")" 2>/dev/null; then
    start_mariadb "$NS" "$IP" 13306
  fi

  if [ ! -s "$DIR/nginx.pid" ] || ! kill -0 "$(cat "$DIR/nginx.pid")" 2>/dev/null; then
    mkdir -p "$DIR/www" "$DIR/nginx-tmp"
    head -c 1048576 /dev/urandom > "$DIR/www/big.bin"
    for i in $(seq 1 3000); do echo "line $i of a text that compresses well"; done > "$DIR/www/text.txt"
    echo "hello" > "$DIR/www/hello.txt"
    cat > "$DIR/nginx.conf" <<CONF
user root;
worker_processes 1;
daemon off;
error_log $DIR/nginx-error.log warn;
pid $DIR/nginx-master.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx-tmp;
  proxy_temp_path $DIR/nginx-tmp;
  fastcgi_temp_path $DIR/nginx-tmp;
  uwsgi_temp_path $DIR/nginx-tmp;
  scgi_temp_path $DIR/nginx-tmp;
  gzip on;
  gzip_types text/plain;
  gzip_min_length 100;
  types { text/plain txt; application/octet-stream bin; }
  server {
    listen $IP:80;
    listen $IP:8081;
    root $DIR/www;
    keepalive_requests 10000;
    location = /ok { return 200 "ok\n"; }
    location = /created { return 201 "created\n"; }
    location = /fail { return 500 "failed\n"; }
    location = /unavailable { return 503 "busy\n"; }
    location = /moved { return 301 /ok; }
    location = /empty { return 204; }
    location = /echo { client_max_body_size 10m; return 200 "echo\n"; }
    location /upload/ { dav_methods PUT; create_full_put_path on; client_max_body_size 10m; }
  }
}
CONF
    start_bg nginx nginx -c "$DIR/nginx.conf"
  fi
  wait_port "$IP" 6379 "redis-server"
  wait_port "$IP" 6380 "redis-server (6380)"
  wait_port "$IP" 80 nginx
  wait_port "$IP2" 6379 "redis-server (second namespace)"
  echo "testbed: up ($NS, servers on $IP)" >&2
}

down() {
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] || continue
    case "$f" in *nginx-master.pid) continue ;; esac
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  for ns in "$NS" "$NS2"; do
    if ip netns list | grep -qw "$ns"; then
      ip netns del "$ns"
    fi
  done
  ip link del "$HOST_IF" 2>/dev/null || true
  ip link del intu-h2 2>/dev/null || true
  rm -rf "$DIR"
  echo "testbed: down" >&2
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) ip netns list | grep -E -w "$NS|$NS2" && ls "$DIR"/*.pid 2>/dev/null ;;
  *) echo "usage: testbed.sh up|down|status" >&2; exit 2 ;;
esac
