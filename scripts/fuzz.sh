#!/usr/bin/env bash
# Fuzzes the packet decoder and the wire codec with Jazzer for about SECONDS (default 60): rounds of
# 30 s per fuzz test (jazzer-junit 0.24 takes the duration from the @FuzzTest annotation only); the
# generated corpus in .cifuzz-corpus carries over from round to round and from run to run. A finding
# fails the run and Jazzer stores the input under the module's src/test/resources, where it replays
# as a regression test.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
total=${1:-60}
# MODULE:CLASS#METHOD
targets=(packet-decoder:DecoderFuzzTest#tcpConversations packet-decoder:DecoderFuzzTest#captureFiles
  topology-server/wire:WireCodecTest#anyBytes)
rounds=$(( (total + 59) / 60 ))
./mvnw -B -q -ntp -pl packet-decoder,topology-server/wire -am install -DskipTests >/dev/null
for round in $(seq 1 "$rounds"); do
  for spec in "${targets[@]}"; do
    module=${spec%%:*}
    target=${spec#*:}
    echo "fuzz: round $round/$rounds, $target for 30s" >&2
    log=$(mktemp)
    if ! JAZZER_FUZZ=1 ./mvnw -B -q -ntp -pl "$module" surefire:test \
        -Dtest="$target" -Djazzer.instrument='dev.intuition.**' >"$log" 2>&1; then
      grep -v -E '^(INFO: Instrumented|WARNING: )' "$log" | tail -n 60 >&2
      echo "fuzz: FINDING in $target (the input is saved under $module/src/test/resources)" >&2
      rm -f "$log"
      exit 1
    fi
    grep -E '^Done [0-9]+ runs' "$log" | sed 's/^/fuzz:   /' >&2 || true
    rm -f "$log"
  done
done
echo "fuzz: no finding in $rounds round(s) of 30 s per fuzz test" >&2
