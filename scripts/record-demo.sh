#!/usr/bin/env bash
# Records demo/demo.pcap, the capture `./intuition demo` shows: a small workload against the real servers
# of scripts/testbed.sh (nginx as the web front end, Redis as cache, PostgreSQL and MariaDB as
# databases), with failing calls and a slow query, captured by tcpdump. Needs root. ~20 s.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-15}
out=${2:-demo/demo.pcap}
H=10.77.0.2
scripts/testbed.sh up
trap 'kill "$tcpdump_pid" 2>/dev/null || true' EXIT
tcpdump -i intu-h -s 0 -U -n --immediate-mode -w "$out" 'tcp' 2>/dev/null &
tcpdump_pid=$!
sleep 1
export PGPASSWORD=pg-pw PGSSLMODE=disable
PGPASSWORD=pg-pw psql -q -X -h $H -U app -d shop -c \
  "CREATE TABLE IF NOT EXISTS products (id int PRIMARY KEY, name text, price int);
   INSERT INTO products SELECT g, 'product-' || g, g * 3 FROM generate_series(1, 500) g ON CONFLICT DO NOTHING" >/dev/null
mysql --no-defaults -h $H -P 13306 -u app -pmy-pw shop -e \
  "CREATE TABLE IF NOT EXISTS orders (id INT AUTO_INCREMENT PRIMARY KEY, product INT, qty INT)" 2>/dev/null

end=$(( $(date +%s) + seconds ))
web() { # a browser-like client on keep-alive connections: mostly fine, some 404 and 500
  while [ "$(date +%s)" -lt "$end" ]; do
    curl -s "http://$H/ok" "http://$H/hello.txt" "http://$H/missing" "http://$H/ok" \
      "http://$H/created" "http://$H/fail" "http://$H:8081/ok" >/dev/null || true
    sleep 0.1
  done
}
cache() { # a session cache: pipelined commands, an occasional wrong-type error
  while [ "$(date +%s)" -lt "$end" ]; do
    local s=$RANDOM
    printf '%s\r\n' "SET session:$s active" "GET session:$s" "INCR hits" "LPUSH recent $s" \
      "LTRIM recent 0 99" "INCR session:$s" | redis-cli -h $H -p 6379 --pipe >/dev/null 2>&1 || true
    redis-cli -h $H -p 6380 -a redis-pw --no-auth-warning MGET a b c >/dev/null 2>&1 || true
    sleep 0.1
  done
}
catalog() { # the product catalog in PostgreSQL: lookups, a slow report, a bad query
  local i=0
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    psql -q -X -h $H -U app -d shop -c "SELECT name, price FROM products WHERE id = $((i % 500 + 1))" >/dev/null
    if [ $((i % 10)) -eq 0 ]; then
      psql -q -X -h $H -U app -d shop -c "SELECT pg_sleep(0.25), count(*) FROM products" >/dev/null
    fi
    if [ $((i % 7)) -eq 0 ]; then
      psql -q -X -h $H -U app -d shop -c "SELECT * FROM product_reviews" >/dev/null 2>&1 || true
    fi
    sleep 0.1
  done
}
orders() { # orders in MariaDB: inserts, reads, a duplicate-key failure now and then
  local i=0
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    mysql --no-defaults -h $H -P 13306 -u app -pmy-pw shop -e \
      "INSERT INTO orders (product, qty) VALUES ($((i % 500 + 1)), $((i % 5 + 1))); SELECT COUNT(*) FROM orders" \
      >/dev/null 2>&1 || true
    if [ $((i % 6)) -eq 0 ]; then
      mysql --no-defaults -h $H -P 13306 -u app -pmy-pw shop -e "INSERT INTO orders (id) VALUES (1)" \
        >/dev/null 2>&1 || true
    fi
    sleep 0.15
  done
}
web & cache & catalog & orders &
wait %2 %3 %4 %5 2>/dev/null || wait
sleep 1
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
trap - EXIT
echo "record-demo: wrote $out ($(du -h "$out" | cut -f1))" >&2
