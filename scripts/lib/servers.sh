# Real servers in network namespaces, for scripts/testbed.sh (the real-server tests) and
# scripts/record-demo.sh (the demo bundle). Sourced; the caller sets DIR (logs, data, PID files).
#   ns_bg NAME NAMESPACE COMMAND...   runs COMMAND in NAMESPACE; $DIR/NAME.log, $DIR/NAME.pid (its own PID)
#   wait_port HOST PORT [WHAT]        waits up to 15 s for a listener, else stops with an error
#   start_postgres NAMESPACE IP PORT  PostgreSQL in $DIR/pg: user app / pg-pw, database shop, SSL off
#   start_mariadb NAMESPACE IP PORT   MariaDB in $DIR/mysql, socket $DIR/mysql.sock: user app / my-pw,
#                                     database shop
# PID files the daemons write themselves end in .pidfile, so that only the .pid files are ours.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

ns_bg() {
  local name=$1 ns=$2
  shift 2
  ( exec ip netns exec "$ns" "$@" >"$DIR/$name.log" 2>&1 ) &
  echo $! >"$DIR/$name.pid"
}

wait_port() {
  for _ in $(seq 1 150); do
    if bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "${0##*/}: ${3:-a server} did not start listening on $1:$2 (logs in $DIR)" >&2
  exit 1
}

start_postgres() {
  local ns=$1 ip=$2 port=$3
  rm -rf "$DIR/pg" "$DIR/pgsock"
  mkdir -p "$DIR/pg" "$DIR/pgsock"
  echo "pg-admin-pw" >"$DIR/pgpass"
  chown postgres "$DIR/pg" "$DIR/pgsock" "$DIR/pgpass"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$DIR/pg" -U postgres --pwfile="$DIR/pgpass" \
    --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$DIR/pg/pg_hba.conf"
  ns_bg postgres "$ns" setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/postgres" \
    -D "$DIR/pg" -c listen_addresses="$ip" -c port="$port" -c unix_socket_directories="$DIR/pgsock" \
    -c ssl=off -c fsync=off -c log_min_messages=warning
  wait_port "$ip" "$port" PostgreSQL
  # Listening is not ready: until its start-up ends it answers "the database system is starting up".
  local ready=""
  for _ in $(seq 1 300); do
    if "$PG_BIN/pg_isready" -q -h "$DIR/pgsock" -p "$port" -t 1; then ready=1; break; fi
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "${0##*/}: PostgreSQL listens on $ip:$port but never accepted connections (logs in $DIR)" >&2
    exit 1
  fi
  runuser -u postgres -- "$PG_BIN/psql" -q -h "$DIR/pgsock" -p "$port" -U postgres -d postgres \
    -c "CREATE USER app PASSWORD 'pg-pw'" -c "CREATE DATABASE shop OWNER app" >/dev/null
}

start_mariadb() {
  local ns=$1 ip=$2 port=$3
  rm -rf "$DIR/mysql"
  mkdir -p "$DIR/mysql"
  mariadb-install-db --datadir="$DIR/mysql" --user=root --auth-root-authentication-method=socket \
    --skip-test-db >"$DIR/mariadb-install.log" 2>&1
  ns_bg mariadb "$ns" mariadbd --no-defaults --datadir="$DIR/mysql" --user=root \
    --bind-address="$ip" --port="$port" --socket="$DIR/mysql.sock" --pid-file="$DIR/mariadbd.pidfile" \
    --skip-log-bin --innodb-flush-log-at-trx-commit=0 --log-error="$DIR/mariadb-error.log"
  wait_port "$ip" "$port" MariaDB
  mariadb --no-defaults --socket="$DIR/mysql.sock" -uroot -e \
    "CREATE DATABASE shop; CREATE USER 'app'@'%' IDENTIFIED BY 'my-pw'; GRANT ALL ON shop.* TO 'app'@'%';"
}
