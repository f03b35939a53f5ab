#!/usr/bin/env bash
# Pairs `./intuition decode` with tshark on the same large generated HTTP keep-alive capture and prints
# both times, the transactions each produced, and the ratio.
# Usage: scripts/bench-vs-tshark.sh [CONNECTIONS] [REQUESTS_PER_CONNECTION]   (default 1000 x 250)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
connections=${1:-1000}
requests=${2:-250}
command -v tshark >/dev/null || { echo "bench: tshark is not installed (apt-get install tshark)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

./mvnw -q -B -ntp -DskipTests -pl benchmarks,agent -am package >/dev/null
./intuition decode --help >/dev/null
capture="$work/http-keepalive.pcap"
"$JAVA_HOME/bin/java" -cp benchmarks/target/benchmarks.jar dev.intuition.bench.CaptureGenerator \
  "$capture" "$connections" "$requests"
packets=$(( connections * (6 + 4 * requests) ))

seconds() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

# Each tool decodes twice; the faster run counts (the first warms the page cache for both).
best() { local a b; a=$(seconds "$@"); b=$(seconds "$@"); echo "if ($a < $b) $a else $b" | bc -l; }

ours=$(best bash -c "./intuition decode --quiet '$capture' > '$work/intuition.jsonl'")
theirs=$(best bash -c "tshark -n -r '$capture' -Y http.response -T fields -e tcp.stream \
  -e http.response.code -e http.time > '$work/tshark.tsv' 2>/dev/null")
n_ours=$(wc -l < "$work/intuition.jsonl")
n_theirs=$(wc -l < "$work/tshark.tsv")
printf 'capture: %d packets, %d HTTP transactions, %s\n' "$packets" $((connections * requests)) \
  "$(du -h "$capture" | cut -f1)"
printf 'intuition decode: %6.2f s  %8d transactions  %10.0f packets/s (JVM start included)\n' \
  "$ours" "$n_ours" "$(echo "$packets / $ours" | bc -l)"
printf 'tshark:           %6.2f s  %8d transactions  %10.0f packets/s\n' \
  "$theirs" "$n_theirs" "$(echo "$packets / $theirs" | bc -l)"
printf 'ratio: intuition is %.1fx faster than tshark\n' "$(echo "$theirs / $ours" | bc -l)"
statuses_ours=$(grep -o '"status":"[0-9]*"' "$work/intuition.jsonl" | tr -dc '0-9\n' | sort | uniq -c)
statuses_theirs=$(cut -f2 "$work/tshark.tsv" | sort | uniq -c)
echo "status codes (count code): $(echo $statuses_ours)"
if [ "$n_ours" != "$n_theirs" ] || [ "$statuses_ours" != "$statuses_theirs" ]; then
  echo "bench: the two did not produce the same transactions (tshark: $(echo $statuses_theirs))" >&2
  exit 1
fi
