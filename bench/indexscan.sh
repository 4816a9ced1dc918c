#!/usr/bin/env bash
# How long the background CRC scan takes to index the whole bench/mkdata.sh data set from an empty index, at the
# default read rate (INDEX_MAX_BYTES_PER_SECOND, 32 MiB/s) or at RATE, with the packaged service. Prints the
# service's own "Background CRC scan done" line (seconds, bytes read, files left) and the wall time from the
# start of the process, then checks that every download of every folder reads nothing more for CRCs.
#
#   bench/indexscan.sh [--no-build]
#
# Environment: BENCH_DATA (default /tmp/benchdata, made with bench/mkdata.sh if missing; only read), SCAN_PORT
# (default 18093), RATE (bytes per second; default: the service's default), SVC_JVM_OPTS (default -Xmx256m).
# The folders must be older than INDEX_SCAN_MIN_AGE (1 minute), as a finished upload is. Talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
. bench/common.sh
parse_no_build 11 "$@"
PORT=${SCAN_PORT:-18093}
JVM_OPTS=${SVC_JVM_OPTS:--Xmx256m}
ROOT=${BENCH_DATA:-/tmp/benchdata}
[ -d "$ROOT/big" ] || bash bench/mkdata.sh "$ROOT"

JAR=target/quarkus-app/quarkus-run.jar
if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
    ./mvnw -B -q package -DskipTests
fi
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "indexscan.sh: port $PORT is in use (set SCAN_PORT)" >&2
    exit 1
fi

WORK=$(mktemp -d /tmp/indexscan-bench.XXXXXX)
PID=
trap '[ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }; rm -rf "$WORK"' EXIT
rate=()
[ -z "${RATE:-}" ] || rate=(--index_max_bytes_per_second "$RATE")

BYTES=$(find "$ROOT" -type f ! -name '.*' -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s}')
FILES=$(find "$ROOT" -type f ! -name '.*' -size +0 | wc -l)
: >"$WORK/service.log"
started=$(date +%s.%N)
# shellcheck disable=SC2086 # JVM_OPTS holds several options
java $JVM_OPTS -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -jar "$JAR" --folder_path "$ROOT" \
    --crc_index_dir "$WORK/index" --index_scan_interval 1h "${rate[@]}" >"$WORK/service.log" 2>&1 &
PID=$!
until grep -q 'Background CRC scan done' "$WORK/service.log"; do
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/service.log" >&2; exit 1; }
    sleep 0.5
done
ended=$(date +%s.%N)
printf 'data set %s: %d files, %d bytes (%s)\n' "$ROOT" "$FILES" "$BYTES" "$(uptime | sed 's/.*load/load/')"
grep -o 'Background CRC scan done.*' "$WORK/service.log"
printf 'wall time from the process start: %.1f s\n' "$(echo "$ended - $started" | bc)"

crc() { curl -sf "http://127.0.0.1:$PORT/q/metrics" | awk '/^archive_crc_bytes_read_total\{.*reason="request"/ {print $2}'; }
before=$(crc)
for dir in "$ROOT"/*/; do
    hash=$(basename "$dir")
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/archive/$hash/" || true
done
printf 'CRC bytes read by requests for a download of every folder after the scan: %s\n' \
    "$(echo "$(crc) - $before" | bc)"
