#!/usr/bin/env bash
# Records demo/demo.bundle, what `./intuition demo` replays: a small shop running as real servers in
# network namespaces on one bridge, as containers of two Swarm stacks would:
#   stack "shop":  web (nginx x2: static files, /api proxied), api (x2), recommendations (fails ~20%
#                  of the time), worker (jobs from a Redis queue)
#   stack "data":  redis, postgres (a slow report query, a query on a missing table), mysql (MariaDB)
#   outside:       browsers on the internet, and the payment provider api.payments.example (external)
# The application is scripts/demo-app/app.py on real drivers. The bridge is captured with tcpdump and
# the bundle gets the containers' inventory, so the replay names services as a live agent would.
# Needs root, nginx, redis-server, PostgreSQL, MariaDB, python3-redis, python3-psycopg2,
# python3-pymysql, tcpdump and editcap. Usage: record-demo.sh [SECONDS] [OUT]   (default 60 s)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
out=${2:-$root/demo/demo.bundle}
DIR=$(mktemp -d /tmp/intuition-demo.XXXXXX)
chmod 755 "$DIR" # PostgreSQL runs as its own user beneath it
. "$root/scripts/lib/servers.sh"
BR=intu-demo
APP="$root/scripts/demo-app/app.py"
PY=/usr/bin/python3 # Debian's, where python3-redis, python3-psycopg2 and python3-pymysql are
# namespace  address      stack  service          image
HOSTS="
web1     10.78.0.11 shop web             nginx:1.22
web2     10.78.0.12 shop web             nginx:1.22
api1     10.78.0.21 shop api             shop/api:2.4.1
api2     10.78.0.22 shop api             shop/api:2.4.1
recs     10.78.0.31 shop recommendations shop/recommendations:0.9
worker   10.78.0.41 shop worker          shop/worker:2.4.1
redis    10.78.0.51 data redis           redis:7.0
pg       10.78.0.52 data postgres        postgres:15
mysql    10.78.0.53 data mysql           mariadb:10.11
pay      10.78.0.90 - - -
load     10.78.0.100 - - -
"

cleanup() {
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
  done
  sleep 1
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] || continue
    kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  while read -r ns _; do
    [ -n "$ns" ] && ip netns del "dm-$ns" 2>/dev/null || true
  done <<<"$HOSTS"
  ip link del "$BR" 2>/dev/null || true
  iptables -D FORWARD -i "$BR" -o "$BR" -j ACCEPT 2>/dev/null || true
}
trap cleanup EXIT

bg() { # name namespace command...: in the demo namespace dm-NAMESPACE
  ns_bg "$1" "dm-$2" "${@:3}"
}

echo "record-demo: building the shop in network namespaces (logs in $DIR)" >&2
# Docker's FORWARD policy drops bridged traffic when br_netfilter is on: let the demo bridge through.
iptables -I FORWARD -i "$BR" -o "$BR" -j ACCEPT 2>/dev/null || true
ip link add "$BR" type bridge
ip addr add 10.78.0.1/24 dev "$BR"
ip link set "$BR" up
while read -r ns ip _; do
  [ -n "$ns" ] || continue
  ip netns add "dm-$ns"
  ip link add "dmh-$ns" type veth peer name eth0 netns "dm-$ns"
  ip link set "dmh-$ns" master "$BR" up
  ip netns exec "dm-$ns" ip addr add "$ip/24" dev eth0
  ip netns exec "dm-$ns" ip link set eth0 up
  ip netns exec "dm-$ns" ip link set lo up
done <<<"$HOSTS"

bg redis redis redis-server --bind 10.78.0.51 --port 6379 --save '' --appendonly no --dir "$DIR" --protected-mode no

start_postgres dm-pg 10.78.0.52 5432
PGPASSWORD=pg-pw psql -q -X -h 10.78.0.52 -U app -d shop -c \
  "CREATE TABLE products (id int PRIMARY KEY, name text, price int, stock int);
   INSERT INTO products SELECT g, 'product-' || g, 100 + g * 7, 1000000 FROM generate_series(1, 5000) g" >/dev/null

start_mariadb dm-mysql 10.78.0.53 3306
mariadb --no-defaults --socket="$DIR/mysql.sock" -uroot -e \
  "CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, product INT, qty INT, status VARCHAR(16));"

mkdir -p "$DIR/www/static" "$DIR/nginx-tmp"
printf '<!doctype html><title>Shop</title><script src="/static/app.js"></script>\n' >"$DIR/www/index.html"
for i in $(seq 1 400); do echo "function f$i(){return $i}"; done >"$DIR/www/static/app.js"
for n in 1 2; do
  cat >"$DIR/nginx$n.conf" <<CONF
user root;
worker_processes 1;
daemon off;
error_log $DIR/nginx$n-error.log warn;
pid $DIR/nginx$n-master.pidfile;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx-tmp; proxy_temp_path $DIR/nginx-tmp; fastcgi_temp_path $DIR/nginx-tmp;
  uwsgi_temp_path $DIR/nginx-tmp; scgi_temp_path $DIR/nginx-tmp;
  types { text/html html; application/javascript js; }
  upstream api { server 10.78.0.21:8080; server 10.78.0.22:8080; keepalive 8; }
  server {
    listen 10.78.0.1$n:80;
    root $DIR/www;
    location /api/ {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
  bg "nginx$n" "web$n" nginx -c "$DIR/nginx$n.conf"
done

bg payments pay "$PY" "$APP" payments 10.78.0.90
bg recommendations recs "$PY" "$APP" recommendations 10.78.0.31
bg api1 api1 "$PY" "$APP" api 10.78.0.21
bg api2 api2 "$PY" "$APP" api 10.78.0.22
bg worker worker "$PY" "$APP" worker
for a in 10.78.0.11:80 10.78.0.12:80 10.78.0.21:8080 10.78.0.22:8080 10.78.0.31:8080 10.78.0.90:80; do
  wait_port "${a%:*}" "${a#*:}"
done

echo "record-demo: recording ${seconds}s of traffic" >&2
tcpdump -i "$BR" -s 0 -U -n -w "$DIR/capture.pcap" 'tcp' 2>"$DIR/tcpdump.log" &
echo $! >"$DIR/tcpdump.pid"
sleep 1
ip netns exec dm-load "$PY" "$APP" load "$seconds" 14
sleep 2
kill "$(cat "$DIR/tcpdump.pid")"
sleep 1

echo "record-demo: writing $out" >&2
mkdir -p "$DIR/bundle"
editcap -F pcapng "$DIR/capture.pcap" "$DIR/bundle/capture.pcapng"
HOSTS="$HOSTS" python3 - "$DIR/bundle" "$seconds" <<'PY'
import hashlib, json, os, sys
out, seconds = sys.argv[1], sys.argv[2]
containers, counters = [], {}
for line in os.environ["HOSTS"].strip().splitlines():
    ns, ip, stack, service, image = line.split()
    if stack == "-":
        continue
    counters[service] = counters.get(service, 0) + 1
    slot = counters[service]
    full = f"{stack}_{service}"
    task = f"{full}.{slot}.{hashlib.sha256(ns.encode()).hexdigest()[:25]}"
    containers.append({
        "id": hashlib.sha256(task.encode()).hexdigest(),
        "name": task,
        "image": image,
        "labels": {"com.docker.stack.namespace": stack, "com.docker.swarm.service.name": full,
                   "com.docker.swarm.task.name": task},
        "pid": 0,
        "namespacePath": None,
        "addresses": {f"{stack}_default": ip},
        "networkMode": f"{stack}_default",
        "placement": {"service": full, "task": task, "group": stack},
    })
json.dump(containers, open(f"{out}/containers.json", "w"), indent=1)
json.dump([], open(f"{out}/services.json", "w"))
json.dump([{"index": 0, "container": None, "device": "intu-demo"}], open(f"{out}/interfaces.json", "w"))
json.dump({"version": 1, "host": "demo-host", "note": "recorded by scripts/record-demo.sh",
           "seconds": int(seconds)}, open(f"{out}/bundle.json", "w"), indent=1)
PY
rm -f "$out"
python3 -c "
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name in ['bundle.json', 'containers.json', 'services.json', 'interfaces.json', 'capture.pcapng']:
        z.write(sys.argv[2] + '/' + name, name)
" "$out" "$DIR/bundle"
ls -l "$out" >&2
