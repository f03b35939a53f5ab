# Process sampling and waiting, for scripts/soak.sh and scripts/chaos.sh. Sourced; needs JAVA_HOME.
#   heap_mb PID        the Java heap in use after a full GC (jcmd), in MB
#   rss_mb PID         resident memory, in MB
#   threads PID        threads of the process
#   fds PID            open file descriptors
#   wait_http URL [S]  waits up to S seconds (default 120) for a 2xx answer, else fails
#   metric PORT NAME   a Prometheus value of the server on PORT (integer part)
#   free_port          a TCP port nobody listens on
heap_mb() {
  "$JAVA_HOME/bin/jcmd" "$1" GC.run >/dev/null 2>&1 || true
  "$JAVA_HOME/bin/jcmd" "$1" GC.heap_info 2>/dev/null | awk '
    /garbage-first heap|def new generation|PSYoungGen|ParOldGen|tenured generation|total .* used/ {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); sum += v } }
    END { printf "%d\n", sum / 1024 }'
}
rss_mb() { awk '/^VmRSS:/ { printf "%d\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
wait_http() {
  local deadline=$((SECONDS + ${2:-120}))
  while [ $SECONDS -lt $deadline ]; do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.5
  done
  echo "${0##*/}: no answer from $1 within ${2:-120} s" >&2
  return 1
}
metric() {
  curl -s "http://127.0.0.1:$1/actuator/prometheus" | awk -v m="$2" '$1 == m { printf "%d\n", $2; f = 1 } END { if (!f) print 0 }'
}
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  echo "no free port" >&2
  return 1
}
