#!/usr/bin/env bash
# Resume figures (README, "Resume and caching"): the time of a full download of a 1 GiB folder (4 x 256 MiB
# random files) and of a resume of its last 1 %, each with a cold CRC cache (the service just started) and a warm
# one (after a full download), with the packaged service and curl. Prints the median of ROUNDS runs of each.
#
#   bench/resume.sh [--no-build]
#
# Environment: BENCH_DATA (default /tmp/benchdata; its big/ is used when it holds part1..4.jpg of 256 MiB, else
# they are made under /tmp/resume-bench/big), RESUME_PORT (default 18090), SVC_JVM_OPTS (default -Xmx256m),
# ROUNDS (default 3). Talks to 127.0.0.1 only. The files are read once before measuring, so the page cache is
# warm throughout: "cold" is a cold CRC cache, not a cold disk.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=1
for arg in "$@"; do
    case $arg in
        --no-build) BUILD=0 ;;
        -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "resume.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done
PORT=${RESUME_PORT:-18090}
ROUNDS=${ROUNDS:-3}
JVM_OPTS=${SVC_JVM_OPTS:--Xmx256m}
PART=$((256 * 1024 * 1024))

have_data() {
    local dir=$1 i
    for i in 1 2 3 4; do
        [ "$(stat -c %s "$dir/part$i.jpg" 2>/dev/null || echo 0)" = "$PART" ] || return 1
    done
}
ROOT=${BENCH_DATA:-/tmp/benchdata}
if ! have_data "$ROOT/big"; then
    ROOT=/tmp/resume-bench
    mkdir -p "$ROOT/big"
    for i in 1 2 3 4; do
        f=$ROOT/big/part$i.jpg
        [ "$(stat -c %s "$f" 2>/dev/null || echo 0)" = "$PART" ] ||
            { head -c "$PART" /dev/urandom >"$f.part" && mv "$f.part" "$f"; }
    done
fi

JAR=target/quarkus-app/quarkus-run.jar
if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
    ./mvnw -B -q package -DskipTests
fi
command -v curl >/dev/null || { echo "resume.sh: curl is required" >&2; exit 1; }
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "resume.sh: port $PORT is in use (set RESUME_PORT)" >&2
    exit 1
fi

WORK=$(mktemp -d /tmp/resume-bench-run.XXXXXX)
PID=
stop() {
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
        PID=
    fi
}
trap 'stop; rm -rf "$WORK"' EXIT

start() {
    java $JVM_OPTS -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -jar "$JAR" \
        --folder_path "$ROOT" >"$WORK/service.log" 2>&1 &
    PID=$!
    local i
    for i in $(seq 1 300); do
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" && return 0
        kill -0 "$PID" 2>/dev/null || { cat "$WORK/service.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "resume.sh: the service did not become ready" >&2
    exit 1
}

URL=http://127.0.0.1:$PORT/archive/big/
crc_bytes() {
    curl -sf "http://127.0.0.1:$PORT/q/metrics" | awk '/^archive_crc_bytes_read_total/ {printf "%.0f", $2}'
}

# One timed GET: prints seconds; fails unless the status and the byte count are the expected ones.
timed() { # timed STATUS BYTES [curl args...]
    local status=$1 bytes=$2 out
    shift 2
    out=$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$@" "$URL")
    set -- $out
    if [ "$1" != "$status" ] || [ "$2" != "$bytes" ]; then
        echo "resume.sh: expected $status with $bytes bytes, got $1 with $2" >&2
        exit 1
    fi
    echo "$3"
}

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

cat "$ROOT"/big/part*.jpg >/dev/null # page cache warm for every run
start
LENGTH=$(curl -sfI "$URL" | tr -d '\r' | awk 'tolower($1) == "content-length:" {print $2}')
stop
TAIL=$((LENGTH / 100))
FROM=$((LENGTH - TAIL))

: >"$WORK/cold_full"; : >"$WORK/warm_full"; : >"$WORK/cold_resume"; : >"$WORK/warm_resume"
for round in $(seq 1 "$ROUNDS"); do
    start
    timed 200 "$LENGTH" >>"$WORK/cold_full"
    timed 200 "$LENGTH" >>"$WORK/warm_full"
    before=$(crc_bytes)
    timed 206 "$TAIL" -r "$FROM-" >>"$WORK/warm_resume"
    warm_crc=$(($(crc_bytes) - before))
    stop
    start
    before=$(crc_bytes)
    timed 206 "$TAIL" -r "$FROM-" >>"$WORK/cold_resume"
    cold_crc=$(($(crc_bytes) - before))
    if [ "$round" = 1 ]; then
        # The resumed bytes are the tail of the whole archive.
        whole=$(curl -sf "$URL" | tail -c "$TAIL" | sha256sum)
        part=$(curl -sf -r "$FROM-" "$URL" | sha256sum)
        [ "$whole" = "$part" ] || { echo "resume.sh: the resumed tail differs from the whole archive's" >&2; exit 1; }
    fi
    stop
done

printf 'archive-service resume figures: %s/big (4 x 256 MiB), archive %d bytes, last 1 %% = %d bytes, median of %d\n' \
    "$ROOT" "$LENGTH" "$TAIL" "$ROUNDS"
printf '%-34s %10s %10s\n' "" "cold CRC" "warm CRC"
printf '%-34s %9.3fs %9.3fs\n' "full download" "$(median <"$WORK/cold_full")" "$(median <"$WORK/warm_full")"
printf '%-34s %9.3fs %9.3fs\n' "resume of the last 1 % (curl -r)" "$(median <"$WORK/cold_resume")" \
    "$(median <"$WORK/warm_resume")"
printf 'CRC-32 bytes read by the last resume: cold %d, warm %d\n' "$cold_crc" "$warm_crc"
