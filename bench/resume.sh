#!/usr/bin/env bash
# Resume figures (README, "Resume and caching"; issue 8): the time and the CRC-32 bytes read for a resume of the
# last 1 % of a 1 GiB folder (4 x 256 MiB random files) in four cases, with the packaged service and curl:
#   warm        the same process, after a full download
#   restart     a new process on the same CRC index directory (the first one stopped)
#   replica     a second process sharing the index directory while the first one runs
#   index off   a new process with CRC_INDEX_DIR empty (a cold start without the index)
# plus the full download with cold and warm CRCs. A new process answers its first request slower (classes load,
# nothing is compiled yet), so each new process first downloads a small other folder (names/, or seedlike/), and
# the restart case is also timed as the very first request of a new process. Prints the median of ROUNDS runs.
#
#   bench/resume.sh [--no-build]
#
# Environment: BENCH_DATA (default /tmp/benchdata; its big/ is used when it holds part1..4.jpg of 256 MiB, else
# they are made under /tmp/resume-bench/big), RESUME_PORT (default 18090; the replica uses the next port),
# SVC_JVM_OPTS (default -Xmx256m), ROUNDS (default 3). Talks to 127.0.0.1 only. The files are read once before
# measuring, so the page cache is warm throughout: "cold" is a cold CRC cache, not a cold disk. The background
# scan is off, so only requests read files for CRCs. The data set is only read.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
. bench/common.sh
parse_no_build 19 "$@"
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
declare -A PIDS=()
trap 'stop_all; rm -rf "$WORK"' EXIT

# start NAME PORT [service flags...]: starts a service whose pid is kept in PIDS[NAME].
start() {
    local name=$1 port=$2 pid i
    shift 2
    # shellcheck disable=SC2086 # JVM_OPTS holds several options
    java $JVM_OPTS -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" -jar "$JAR" \
        --folder_path "$ROOT" --index_scan_interval off "$@" >"$WORK/$name.log" 2>&1 &
    pid=$!
    PIDS[$name]=$pid
    for i in $(seq 1 300); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "resume.sh: the service did not become ready" >&2
    exit 1
}
stop() { # stop NAME
    if [ -n "${PIDS[$1]:-}" ]; then
        kill "${PIDS[$1]}" 2>/dev/null || true
        wait "${PIDS[$1]}" 2>/dev/null || true
        PIDS[$1]=
    fi
}
stop_all() { stop main; stop replica; }

URL=http://127.0.0.1:$PORT/archive/big/
REPLICA_PORT=$((PORT + 1))
# crc_bytes PORT: file bytes read for CRC-32s on behalf of requests.
crc_bytes() {
    curl -sf "http://127.0.0.1:$1/q/metrics" |
        awk '/^archive_crc_bytes_read_total\{.*reason="request"/ {printf "%.0f", $2}'
}

# One timed GET: prints seconds; fails unless the status and the byte count are the expected ones.
timed() { # timed PORT STATUS BYTES [curl args...]
    local port=$1 status=$2 bytes=$3 out
    shift 3
    out=$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$@" \
        "http://127.0.0.1:$port/archive/big/")
    read -r code size seconds <<<"$out"
    set -- "$code" "$size" "$seconds"
    if [ "$1" != "$status" ] || [ "$2" != "$bytes" ]; then
        echo "resume.sh: expected $status with $bytes bytes, got $1 with $2" >&2
        exit 1
    fi
    echo "$3"
}

# resume CASE PORT: times a resume of the last 1 % on that port; appends seconds and CRC bytes read.
resume() {
    local case=$1 port=$2 before
    before=$(crc_bytes "$port")
    timed "$port" 206 "$TAIL" -r "$FROM-" >>"$WORK/$case.time"
    echo $(($(crc_bytes "$port") - before)) >>"$WORK/$case.crc"
}

# The index file of big/ is written within a second of the CRCs being learned; then give a late second write
# (CRCs learned after the first one) time to land too.
await_index() { # await_index DIR
    local i
    for i in $(seq 1 100); do
        [ -s "$1/big.crcs" ] && { sleep 2; return 0; }
        sleep 0.1
    done
    echo "resume.sh: no index file in $1" >&2
    exit 1
}

# A first request of another folder, so that a new process's class loading is not timed as the resume.
WARMUP=
for candidate in names seedlike; do
    [ -d "$ROOT/$candidate" ] && { WARMUP=$candidate; break; }
done
warm_up() { # warm_up PORT
    [ -z "$WARMUP" ] || curl -sf -o /dev/null "http://127.0.0.1:$1/archive/$WARMUP/"
}

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

cat "$ROOT"/big/part*.jpg >/dev/null # page cache warm for every run
start main "$PORT" --crc_index_dir ""
LENGTH=$(curl -sfI "$URL" | tr -d '\r' | awk 'tolower($1) == "content-length:" {print $2}')
stop main
TAIL=$((LENGTH / 100))
FROM=$((LENGTH - TAIL))

CASES="warm restart restart_first replica off"
for c in cold_full warm_full $CASES; do : >"$WORK/$c.time"; : >"$WORK/$c.crc"; done
for round in $(seq 1 "$ROUNDS"); do
    INDEX=$WORK/index-$round
    start main "$PORT" --crc_index_dir "$INDEX"
    timed "$PORT" 200 "$LENGTH" >>"$WORK/cold_full.time"
    timed "$PORT" 200 "$LENGTH" >>"$WORK/warm_full.time"
    resume warm "$PORT"
    await_index "$INDEX"
    start replica "$REPLICA_PORT" --crc_index_dir "$INDEX"
    warm_up "$REPLICA_PORT"
    resume replica "$REPLICA_PORT"
    stop_all
    start main "$PORT" --crc_index_dir "$INDEX"
    resume restart_first "$PORT"
    stop main
    start main "$PORT" --crc_index_dir "$INDEX"
    warm_up "$PORT"
    resume restart "$PORT"
    if [ "$round" = 1 ]; then
        # The resumed bytes are the tail of the whole archive.
        whole=$(curl -sf "$URL" | tail -c "$TAIL" | sha256sum)
        part=$(curl -sf -r "$FROM-" "$URL" | sha256sum)
        [ "$whole" = "$part" ] || { echo "resume.sh: the resumed tail differs from the whole archive's" >&2; exit 1; }
    fi
    stop main
    start main "$PORT" --crc_index_dir ""
    warm_up "$PORT"
    resume off "$PORT"
    stop main
done

printf 'archive-service resume figures: %s/big (4 x 256 MiB), archive %d bytes, last 1 %% = %d bytes, median of %d\n' \
    "$ROOT" "$LENGTH" "$TAIL" "$ROUNDS"
printf 'full download: cold CRCs %.3fs, warm %.3fs\n' "$(median <"$WORK/cold_full.time")" \
    "$(median <"$WORK/warm_full.time")"
printf '%-48s %9s %16s\n' "resume of the last 1 % (curl -r)" "time" "CRC bytes read"
label() {
    case $1 in
        warm) echo "same process, warm" ;;
        restart) echo "after a restart (same index directory)" ;;
        restart_first) echo "the same, as the new JVM's first request" ;;
        replica) echo "second process sharing the index" ;;
        off) echo "index off (CRC_INDEX_DIR empty), fresh process" ;;
    esac
}
for c in $CASES; do
    printf '%-48s %8.3fs %16s\n' "$(label "$c")" "$(median <"$WORK/$c.time")" "$(median <"$WORK/$c.crc")"
done
