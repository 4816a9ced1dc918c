#!/usr/bin/env bash
# Benchmarks archive-service against nginx (sendfile of the very same ZIP bytes, prebuilt) and a peer streaming
# ZIP server (zipstream-ng). See bench/README.md. Only talks to 127.0.0.1; every load is bounded in time.
#
#   bench/run.sh [--quick] [--only a,b,c,d,e,f,g,h,i] [--rounds N] [--no-build]
#
# Environment: BENCH_DATA (data dir, default /tmp/benchdata), W64K_ROOT (figure g's root, default /tmp/bench-w64k),
# SVC_PORT/NGX_PORT/PEER_PORT/BASE_PORT (18080/18081/18082/18083), SVC_JAVA (default java), SVC_JVM_OPTS (default
# -Xmx256m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1 --add-opens=java.base/sun.nio.fs=ALL-UNNAMED, as the README runs it), SVC_ARGS (extra service flags), BENCH_KEEP=1 keeps the temp dir with logs. BASE_JAR, BASE_JAVA and/or
# BASE_JVM_OPTS add a second service ("base", e.g. the previous commit's jar) measured in the same rounds.
# FRESH_COPY=0 serves BENCH_DATA itself instead of this run's copy of it (see bench/freshcopy.py); a drop of the page
# cache during the run (vm.drop_caches, by whoever runs the machine) is noted in the report.
set -euo pipefail
shopt -s inherit_errexit

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    cat <<'EOF'
Figures:
  a  one download of big/ (1 GiB), CRC cache warm: MiB/s
  b  first download of big/ after a service restart (cold CRC cache, warm page cache): MiB/s (service, nginx)
  c  seedlike/ with 32 concurrent connections (wrk -t2 -c32): MiB/s, and server CPU s per GiB served
  d  time to first byte of many/ (4000 files): ms
  e  time to first byte of huge/ (5 GiB sparse file), service restarted before each round (cold CRC): ms
  f  1000 concurrent slow downloads (50 KiB/s each, 15 s, bench/slowclients.py) of seedlike/, fresh server,
     service -Xmx256m: errors, peak RSS (VmHWM), time to first byte of a new request during the storm
  g  w64k/ (65,536 files of 100 bytes in 64 folders, bench/mkw64k.sh): HEAD and Range p50/p99 while 8 segmented
     downloads (aria2c -x 8) run, the full download (CRCs cached; planned by it, and again with the plan reused)
     against tar cf - and bsdtar of the same folder, time to first byte, peak RSS
  h  aria2c -x 8 -s 8 of big/ (service, nginx), checked byte for byte against a single download: MiB/s
  i  the first 8 s of load after a start (wrk -t2 -c32 on seedlike/, no warm-up): MiB/s and CPU s per GiB
EOF
}

ARGS="$*"
QUICK=0
BUILD=1
ONLY=a,b,c,d,e,f,g,h,i
ROUNDS=
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1 ;;
        --no-build) BUILD=0 ;;
        --only) ONLY=${2:?--only needs a list, e.g. a,c}; shift ;;
        --only=*) ONLY=${1#--only=} ;;
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
        --rounds=*) ROUNDS=${1#--rounds=} ;;
        -h | --help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ $ONLY =~ ^[a-i](,[a-i])*$ ]] || { echo "run.sh: --only takes letters a-i separated by commas" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BENCH_DATA=${BENCH_DATA:-/tmp/benchdata}
SVC_PORT=${SVC_PORT:-18080}
NGX_PORT=${NGX_PORT:-18081}
PEER_PORT=${PEER_PORT:-18082}
BASE_PORT=${BASE_PORT:-18083}
W64K_ROOT=${W64K_ROOT:-/tmp/bench-w64k}
SVC_JAVA=${SVC_JAVA:-java}
SVC_JVM_OPTS=${SVC_JVM_OPTS:--Xmx256m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1 --add-opens=java.base/sun.nio.fs=ALL-UNNAMED}
SVC_ARGS=${SVC_ARGS:-}
JAR=$REPO/target/quarkus-app/quarkus-run.jar
# "base": a second service measured in the same rounds (before/after a change), when any BASE_* is given.
BASE=0
if [ -n "${BASE_JAR:-}${BASE_JAVA:-}${BASE_JVM_OPTS:-}" ]; then BASE=1; fi
BASE_JAR=${BASE_JAR:-$JAR}
BASE_JAVA=${BASE_JAVA:-$SVC_JAVA}
BASE_JVM_OPTS=${BASE_JVM_OPTS:-$SVC_JVM_OPTS}
SERVICES=svc
[ "$BASE" = 1 ] && SERVICES="svc base"
SERVERS="$SERVICES ngx peer"
OUT=$HERE/out
if [ "$QUICK" = 1 ]; then
    ROUNDS=${ROUNDS:-2}; WRK_SECS=3; STORM_N=200; STORM_SECS=6
else
    ROUNDS=${ROUNDS:-5}; WRK_SECS=8; STORM_N=1000; STORM_SECS=15
fi
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds takes a positive number" >&2; exit 2; }
WRK_CONNS=32
STORM_RATE=51200 # bytes/s per slow client (50 KiB/s)
START_EPOCH=$(date +%s)
COMMAND="bench/run.sh${ARGS:+ $ARGS}"

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
want() { [[ ",$ONLY," == *",$1,"* ]]; }

# ---------------------------------------------------------------------------------------------------- tools
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
peer_python() {
    # Debian's python3-zipstream-ng lives in the system python, which may not be the first python3 on PATH.
    local py
    for py in /usr/bin/python3 "$(command -v python3 || true)"; do
        [ -n "$py" ] && [ -x "$py" ] && "$py" -c 'import zipstream.server' 2>/dev/null && { echo "$py"; return 0; }
    done
    return 1
}
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v wrk >/dev/null || missing+=(wrk)
if want g || want h; then command -v aria2c >/dev/null || missing+=(aria2); fi
if want g; then command -v bsdtar >/dev/null || missing+=(libarchive-tools); fi
command -v pgrep >/dev/null || missing+=(procps)
[ -n "$NGINX" ] || missing+=(nginx)
peer_python >/dev/null || missing+=(python3-zipstream-ng)
command -v "$SVC_JAVA" >/dev/null || missing+=(openjdk-17-jdk-headless)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} with apt-get"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
PY=$(peer_python) || die "python3-zipstream-ng is not importable"
CLK_TCK=$(getconf CLK_TCK)

# 1000 slow clients plus the servers' own sockets: raise the open-file limit (inherited by the servers).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((STORM_N * 2 + 512)) ]; then
    log "warning: ulimit -n is $(ulimit -n); figure f may fail for lack of file descriptors"
fi

# ---------------------------------------------------------------------------------------------------- data, build
log "data set in $BENCH_DATA"
"$HERE/mkdata.sh" "$BENCH_DATA" >/dev/null
if want g; then log "w64k/ in $W64K_ROOT"; "$HERE/mkw64k.sh" "$W64K_ROOT"; fi
mkdir -p "$OUT"

if [ "$BUILD" = 1 ]; then
    log "building the service (./mvnw -B -q package -DskipTests)"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests)
fi
[ -f "$JAR" ] || die "$JAR is missing: build first or drop --no-build"

WORK=$(mktemp -d /tmp/bench.XXXXXX)
# The archives nginx sends: this run's own (the data set is shared by other runs and never written to).
PRE=$WORK/prebuilt
mkdir -p "$WORK/res" "$WORK/nginx" "$PRE"
SVC_PID='' BASE_PID='' NGX_PID='' PEER_PID='' STORM_PID='' LOAD_PIDS=''

stop_pid() { # pid: TERM, wait up to 10 s, then KILL
    local pid=$1 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    [ -n "$STORM_PID" ] && { pkill -P "$STORM_PID" 2>/dev/null || true; stop_pid "$STORM_PID"; }
    stop_load
    stop_pid "$SVC_PID"; stop_pid "$BASE_PID"; stop_pid "$NGX_PID"; stop_pid "$PEER_PID"
    cp "$WORK/service.log" "$OUT/service.log" 2>/dev/null || true
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        log "logs and the data set's copy kept in $WORK"
    elif [ $rc -ne 0 ]; then
        rm -rf "$WORK/data"
        log "logs kept in $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; }
wait_port() { # port pid name log: up to 60 s for any HTTP answer
    local i
    for i in $(seq 1 240); do
        kill -0 "$2" 2>/dev/null || { tail -n 20 "$4" >&2 || true; die "$3 exited while starting"; }
        port_busy "$1" && return 0
        sleep 0.25
    done
    die "$3 did not answer on port $1 within 60 s"
}

launch_service() { # port java jvm-options jar log: starts one service on $SVC_ROOT, prints its pid
    port_busy "$1" && die "port $1 is taken"
    # cwd = temp dir, so the repository's .env is not read; the flag sets the folder anyway.
    # shellcheck disable=SC2086
    (cd "$WORK" && exec "$2" $3 -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$1" \
        -jar "$4" --folder_path "$SVC_ROOT" $SVC_ARGS >>"$5" 2>&1) &
    echo $!
}
start_service() {
    SVC_PID=$(launch_service "$SVC_PORT" "$SVC_JAVA" "$SVC_JVM_OPTS" "$JAR" "$WORK/service.log")
    wait_port "$SVC_PORT" "$SVC_PID" service "$WORK/service.log"
}
start_base() {
    BASE_PID=$(launch_service "$BASE_PORT" "$BASE_JAVA" "$BASE_JVM_OPTS" "$BASE_JAR" "$WORK/base.log")
    wait_port "$BASE_PORT" "$BASE_PID" base "$WORK/base.log"
}
start_nginx() {
    port_busy "$NGX_PORT" && die "port $NGX_PORT is taken"
    local n=$WORK/nginx user_line=
    [ "$(id -u)" -eq 0 ] && user_line="user root;"
    cat >"$n/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
worker_rlimit_nofile 65536;
$user_line
pid $n/nginx.pid;
error_log $n/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types { application/zip zip; }
    default_type application/octet-stream;
    client_body_temp_path $n/client_body;
    proxy_temp_path $n/proxy;
    fastcgi_temp_path $n/fastcgi;
    uwsgi_temp_path $n/uwsgi;
    scgi_temp_path $n/scgi;
    server {
        listen 127.0.0.1:$NGX_PORT backlog=4096;
        root $PRE;
    }
}
EOF
    "$NGINX" -p "$n/" -c "$n/nginx.conf" -e "$n/error.log" >>"$n/stdout.log" 2>&1 &
    NGX_PID=$!
    wait_port "$NGX_PORT" "$NGX_PID" nginx "$n/error.log"
}
start_peer() {
    port_busy "$PEER_PORT" && die "port $PEER_PORT is taken"
    "$PY" -m zipstream.server --bind 127.0.0.1 --directory "$DATA" "$PEER_PORT" >>"$WORK/peer.log" 2>&1 &
    PEER_PID=$!
    wait_port "$PEER_PORT" "$PEER_PID" zipstream-ng "$WORK/peer.log"
}
restart() { # server
    case $1 in
        svc) stop_pid "$SVC_PID"; start_service ;;
        base) stop_pid "$BASE_PID"; start_base ;;
        ngx) stop_pid "$NGX_PID"; start_nginx ;;
        peer) stop_pid "$PEER_PID"; start_peer ;;
    esac
}
server_pids() { # server: the processes whose CPU and memory count
    case $1 in
        svc) echo "$SVC_PID" ;;
        base) echo "$BASE_PID" ;;
        ngx) echo "$NGX_PID" "$(pgrep -P "$NGX_PID" || true)" ;;
        peer) echo "$PEER_PID" ;;
    esac
}
cpu_ticks() { # pids...: utime+stime summed
    local p
    for p in "$@"; do sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'; done | awk '{s += $1} END {print s + 0}'
}
status_kb() { # field pids...: a /proc/PID/status field (kB) summed
    local f=$1 p; shift
    for p in "$@"; do awk -v f="$f:" '$1 == f {print $2}' "/proc/$p/status"; done | awk '{s += $1} END {print s + 0}'
}

# REQ: curl arguments for one download of a folder from a server.
req() { # server folder
    case $1 in
        svc) REQ=("http://127.0.0.1:$SVC_PORT/archive/$2/") ;;
        base) REQ=("http://127.0.0.1:$BASE_PORT/archive/$2/") ;;
        ngx) REQ=("http://127.0.0.1:$NGX_PORT/$2.zip") ;;
        peer) REQ=(--data "files=$2" "http://127.0.0.1:$PEER_PORT/") ;;
    esac
}
dl() { # server folder -> "size seconds"; whole body to /dev/null
    local out code size t
    req "$1" "$2"
    out=$(curl -s -o /dev/null --max-time 120 -w '%{http_code} %{size_download} %{time_total}' "${REQ[@]}") || true
    read -r code size t <<<"$out"
    [ "$code" = 200 ] || { log "$1 $2: download failed (HTTP ${code:-none})"; return 1; }
    echo "$size $t"
}
dl_secs() { # server folder -> seconds of one download
    local out
    out=$(dl "$1" "$2") || { echo nan; return 0; }
    awk '{printf "%.3f\n", $2}' <<<"$out"
}
mibs() { # server folder -> MiB/s of one download
    local out size t
    out=$(dl "$1" "$2") || { echo nan; return 0; }
    read -r size t <<<"$out"
    awk -v b="$size" -v t="$t" 'BEGIN {printf "%.1f\n", b / t / 1048576}'
}
ttfb_ms() { # server folder [max seconds] -> ms to the first body byte; reads one byte, then hangs up
    local out code t
    req "$1" "$2"
    out=$( { curl -sN -o - --max-time "${3:-120}" -w '%{stderr}%{http_code} %{time_starttransfer}\n' "${REQ[@]}" \
        | head -c 1 >/dev/null; } 2>&1) || true
    read -r code t <<<"$out"
    [ "$code" = 200 ] || { log "$1 $2: time to first byte: HTTP ${code:-none}"; echo nan; return 0; }
    awk -v t="$t" 'BEGIN {printf "%.1f\n", t * 1000}'
}
record() { echo "$3" >>"$WORK/res/$1.$2"; } # key server value
measure() { # key server command...: runs the command (failing the run if it fails) and records what it prints
    local v
    v=$("${@:3}")
    record "$1" "$2" "$v"
}
median() { # file -> median of its numbers ("-" if none)
    [ -s "$1" ] || { echo -; return; }
    { grep -v nan "$1" || true; } | sort -g | awk '{a[NR] = $1} END {
        if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

prebuilt=" "
prebuild() { # folder: the service's archive, saved once for nginx (and warms the service's CRC cache)
    local f=$1 len
    [[ $prebuilt == *" $f "* ]] && return 0
    log "prebuilding $f.zip for nginx from the service"
    curl -sSf --max-time 900 "http://127.0.0.1:$SVC_PORT/archive/$f/" \
        | dd of="$PRE/$f.zip.part" bs=1M iflag=fullblock conv=sparse status=none
    len=$(curl -sSfI "http://127.0.0.1:$SVC_PORT/archive/$f/" | tr -d '\r' | awk -F': ' 'tolower($1) == "content-length" {print $2}')
    [ "$(stat -c %s "$PRE/$f.zip.part")" = "$len" ] || die "prebuilt $f.zip has the wrong size"
    mv "$PRE/$f.zip.part" "$PRE/$f.zip"
    prebuilt="$prebuilt$f "
}
warm() { # folder: one unmeasured download from each server
    local s
    for s in $SERVERS; do dl "$s" "$1" >/dev/null || true; done
}
note() { echo "- $*" >>"$WORK/notes"; log "$*"; }
load_note() { # figure: the machine's load when a figure starts (the machine may be shared)
    echo "$1: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/loads"
    cache_drop_check "figure $1 began"
}
cache_drops() { awk '$1 == "drop_pagecache" {print $2}' /proc/vmstat 2>/dev/null || true; }
cache_drop_check() { # when: notes that someone dropped the page cache (vm.drop_caches) since the copy began or the last check
    local now
    now=$(cache_drops)
    [ "$now" = "$CACHE_DROPS" ] && return 0
    note "the page cache was dropped (vm.drop_caches, not by this script) before $1 (since the data set's copy began, or the previous figure): files read back since are in readahead's small pieces, which cost sendfile more CPU per GiB than freshly written files"
    CACHE_DROPS=$now
}
declare -A OOMS=([svc]=0 [base]=0)
PROBE=names # the folder whose HEAD tells that a service still answers
ensure_svc() { # figure [folder]: restart a service that stopped answering (e.g. after an OutOfMemoryError)
    local code ooms s port logf
    for s in $SERVICES; do
        if [ "$s" = svc ]; then port=$SVC_PORT logf=$WORK/service.log; else port=$BASE_PORT logf=$WORK/base.log; fi
        code=$(curl -s -o /dev/null -I --max-time 10 -w '%{http_code}' "http://127.0.0.1:$port/archive/$PROBE/") || true
        ooms=$(grep -c OutOfMemoryError "$logf" || true)
        if [ "$ooms" -gt "${OOMS[$s]}" ]; then
            # a JVM past an OutOfMemoryError is in no known state (and may burn CPU in GC): start afresh
            note "figure $1: $s logged OutOfMemoryError ($((ooms - OOMS[$s])) lines), HEAD answer ${code:-none}; restarted it"
            OOMS[$s]=$ooms
        elif [ "$code" = 200 ]; then
            continue
        else
            note "figure $1: $s did not answer a HEAD within 10 s (HTTP ${code:-none}); restarted it"
        fi
        restart "$s"
        if [ -n "${2:-}" ]; then dl "$s" "$2" >/dev/null || true; fi
    done
}

# A background load: N loops of one segmented download each (aria2c -x 8 -s 8), until stop_load.
start_load() { # server folder n
    local i url
    req "$1" "$2"
    url=${REQ[${#REQ[@]} - 1]}
    for i in $(seq 1 "$3"); do
        mkdir -p "$WORK/load/$i"
        (while :; do
            aria2c -q -x 8 -s 8 -k 1M --file-allocation=none --allow-overwrite=true --auto-file-renaming=false \
                --max-tries=1 -d "$WORK/load/$i" -o load.zip "$url" >/dev/null 2>&1 || sleep 0.1
        done) &
        LOAD_PIDS="$LOAD_PIDS $!"
    done
}
stop_load() {
    local p
    for p in $LOAD_PIDS; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    LOAD_PIDS=''
    # An aria2c told to stop may still be writing its control file: try again until it has gone.
    local tries
    for tries in 1 2 3 4 5 6 7 8 9 10; do rm -rf "$WORK/load" 2>/dev/null && break; sleep 0.3; done
}
percentile() { # file p -> the p-th percentile (nearest rank) of its numbers
    sort -g "$1" | awk -v p="$2" '{a[NR] = $1} END {if (NR == 0) print "nan"; else {r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; printf "%.1f\n", a[r]}}'
}
# wrk with 32 connections for N seconds against a server; records MiB/s and CPU s per GiB under key and key_cpu.
wrk_run() { # key server seconds
    local key=$1 s=$2 secs=$3 url method='' body='' pids t0 t1 line bytes us errs
    req "$s" seedlike
    url=${REQ[${#REQ[@]} - 1]}
    [ "$s" = peer ] && method=POST body=files=seedlike
    pids=$(server_pids "$s")
    # shellcheck disable=SC2086
    t0=$(cpu_ticks $pids)
    WRK_METHOD=$method WRK_BODY=$body timeout $((secs + 60)) \
        wrk -t2 -c"$WRK_CONNS" -d"${secs}s" --timeout 30s -s "$HERE/wrk-report.lua" "$url" >"$WORK/wrk.out"
    # shellcheck disable=SC2086
    t1=$(cpu_ticks $pids)
    line=$(grep '^BENCH ' "$WORK/wrk.out") || { cat "$WORK/wrk.out" >&2; die "wrk printed no result"; }
    bytes=$(sed 's/.*bytes=\([0-9]*\).*/\1/' <<<"$line")
    us=$(sed 's/.*duration_us=\([0-9]*\).*/\1/' <<<"$line")
    errs=$(sed 's/.*errors=\([0-9]*\) status_errors=\([0-9]*\).*/\1 \2/' <<<"$line" | awk '{print $1 + $2}')
    record "$key" "$s" "$(awk -v b="$bytes" -v us="$us" 'BEGIN {printf "%.1f\n", b / (us / 1e6) / 1048576}')"
    record "${key}_cpu" "$s" "$(awk -v t="$((t1 - t0))" -v hz="$CLK_TCK" -v b="$bytes" \
        'BEGIN {if (b == 0) print "nan"; else printf "%.3f\n", (t / hz) / (b / 1073741824)}')"
    record "${key}_err" "$s" "$errs"
}

# ---------------------------------------------------------------------------------------------------- servers
# The servers read this run's own copy of the data set, written now in 1 MiB writes as nginx's prebuilt archives
# are: a data set written before a drop of the page cache (or an eviction) is read back in readahead's small
# pieces, and sendfile pays per piece (bench/freshcopy.py; bench/README.md, eleventh part). Same bytes, same
# mtimes, same archives.
DATA=$BENCH_DATA
CACHE_DROPS=$(cache_drops) # what cache_drop_check compares with
if [ "${FRESH_COPY:-1}" != 0 ]; then
    DATA=$WORK/data
    log "copying the data set to $DATA (1 MiB writes)"
    "$HERE/freshcopy.py" "$BENCH_DATA" "$DATA"
fi
SVC_ROOT=$DATA
log "starting service on $SVC_PORT ($SVC_JAVA $SVC_JVM_OPTS)$([ "$BASE" = 1 ] && echo ", base on $BASE_PORT ($BASE_JAVA $BASE_JVM_OPTS, $BASE_JAR)"), nginx on $NGX_PORT, zipstream-ng on $PEER_PORT"
start_service
[ "$BASE" = 1 ] && start_base
if want a || want b || want h; then prebuild big; fi
if want c || want f || want i; then prebuild seedlike; fi
if want d; then prebuild many; fi
if want e; then prebuild huge; fi
start_nginx
start_peer

# ---------------------------------------------------------------------------------------------------- figures
if want a; then
    log "a: big/ (1 GiB), warm CRC cache, $ROUNDS rounds"
    load_note a
    ensure_svc a big
    warm big
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVERS; do measure a "$s" mibs "$s" big; done
        ensure_svc a big
    done
fi

if want b; then
    log "b: first download of big/ after a restart, $ROUNDS rounds"
    load_note b
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVICES; do
            restart "$s"
            measure b "$s" mibs "$s" big
        done
        measure b ngx mibs ngx big
        ensure_svc b
    done
fi

if want c; then
    log "c: seedlike/ x $WRK_CONNS connections, wrk ${WRK_SECS}s, $ROUNDS rounds"
    load_note c
    ensure_svc c seedlike
    warm seedlike
    # A JVM compiles its hot paths in its first seconds under load; a service in production is past that.
    # One unmeasured wrk run per server, so every server is measured warm (figure i measures the cold start).
    for s in $SERVERS; do
        req "$s" seedlike
        method='' body=''
        [ "$s" = peer ] && method=POST body=files=seedlike
        WRK_METHOD=$method WRK_BODY=$body timeout 60 wrk -t2 -c"$WRK_CONNS" -d3s --timeout 30s \
            -s "$HERE/wrk-report.lua" "${REQ[${#REQ[@]} - 1]}" >/dev/null 2>&1 || true
    done
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVERS; do
            wrk_run c "$s" "$WRK_SECS"
            if [ "$s" = svc ] || [ "$s" = base ]; then ensure_svc c seedlike; fi
        done
    done
fi

if want i; then
    log "i: the first ${WRK_SECS}s of load after a start: seedlike/ x $WRK_CONNS, no warm-up, $ROUNDS rounds"
    load_note i
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVICES ngx; do
            restart "$s"
            wrk_run i "$s" "$WRK_SECS"
        done
    done
fi

if want d; then
    log "d: time to first byte of many/ (4000 files), $ROUNDS rounds"
    load_note d
    ensure_svc d many
    warm many
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVERS; do measure d "$s" ttfb_ms "$s" many 60; done
        ensure_svc d many
    done
fi

if want e; then
    log "e: time to first byte of huge/ (5 GiB sparse), cold CRC cache, $ROUNDS rounds"
    load_note e
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVICES; do restart "$s"; done
        for s in $SERVERS; do measure e "$s" ttfb_ms "$s" huge 300; done
        ensure_svc e
    done
fi

aria_big() { # server -> MiB/s of aria2c -x 8 -s 8 downloading big/; fails the run unless byte for byte the archive
    local t0 t1 size
    req "$1" big
    rm -f "$WORK/aria/big.zip"
    mkdir -p "$WORK/aria"
    t0=$(date +%s.%N)
    aria2c -q -x 8 -s 8 -k 1M --file-allocation=none --allow-overwrite=true --auto-file-renaming=false \
        --max-tries=1 -d "$WORK/aria" -o big.zip "${REQ[${#REQ[@]} - 1]}" >"$WORK/aria.log" 2>&1 \
        || { cat "$WORK/aria.log" >&2; die "aria2c from $1 failed"; }
    t1=$(date +%s.%N)
    cmp -s "$WORK/aria/big.zip" "$PRE/big.zip" || die "aria2c's big.zip from $1 differs from a single download's"
    size=$(stat -c %s "$WORK/aria/big.zip")
    rm -f "$WORK/aria/big.zip"
    awk -v b="$size" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.1f\n", b / (t1 - t0) / 1048576}'
}
if want h; then
    log "h: aria2c -x 8 -s 8 of big/, checked byte for byte, $ROUNDS rounds"
    load_note h
    ensure_svc h big
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVICES ngx; do measure h "$s" aria_big "$s"; done
        ensure_svc h big
    done
fi

timed() { # command... -> seconds it took (its output to /dev/null through a pipe: GNU tar skips reading for /dev/null)
    local t0 t1
    t0=$(date +%s.%N)
    "$@" | cat >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}'
}
w64k_round() { # service: one round of figure g
    local s=$1 url i deadline
    req "$s" w64k
    url=${REQ[${#REQ[@]} - 1]}
    # The plan of the last request has expired (the default PLAN_CACHE_SECONDS is 4): this download plans the
    # folder, as a first click does; the next one, within the plan's lifetime (a retry, a resume), reuses it.
    sleep 5
    measure g_full "$s" dl_secs "$s" w64k
    measure g_full_cached "$s" dl_secs "$s" w64k
    measure g_ttfb "$s" ttfb_ms "$s" w64k 60
    : >"$WORK/head.ms"; : >"$WORK/range.ms"
    start_load "$s" w64k "$G_LOAD"
    sleep 1
    # G_SAMPLES of each, or as many as fit in 30 s; a request not answered within 10 s counts as 10,000 ms.
    deadline=$(($(date +%s) + 30))
    for i in $(seq 1 "$G_SAMPLES"); do
        [ "$(date +%s)" -lt "$deadline" ] || break
        { curl -s -o /dev/null -I --max-time 10 -w '%{time_total}\n' "$url" || true; } \
            | awk '{printf "%.1f\n", $1 * 1000}' >>"$WORK/head.ms"
        # a span in the middle, as a segment or a remote-zip reader asks: time to its first byte
        { curl -s -o /dev/null -r "$((i * 97531))-$((i * 97531 + 65535))" --max-time 10 \
            -w '%{time_starttransfer}\n' "$url" || true; } | awk '{printf "%.1f\n", ($1 > 0 ? $1 : 10) * 1000}' >>"$WORK/range.ms"
    done
    stop_load
    record g_head50 "$s" "$(percentile "$WORK/head.ms" 50)"
    record g_head99 "$s" "$(percentile "$WORK/head.ms" 99)"
    record g_range50 "$s" "$(percentile "$WORK/range.ms" 50)"
    record g_range99 "$s" "$(percentile "$WORK/range.ms" 99)"
    # shellcheck disable=SC2046
    record g_rss "$s" "$(awk -v k="$(status_kb VmHWM $(server_pids "$s"))" 'BEGIN {printf "%.0f\n", k / 1024}')"
}
if want g; then
    G_LOAD=8
    G_SAMPLES=$([ "$QUICK" = 1 ] && echo 20 || echo 50)
    log "g: w64k/ (65,536 files), HEAD and Range under $G_LOAD segmented downloads, full download vs tar, $ROUNDS rounds"
    load_note g
    SVC_ROOT=$W64K_ROOT PROBE=w64k
    for s in $SERVICES; do restart "$s"; dl "$s" w64k >/dev/null; done # the CRCs cached, as in production
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVICES; do w64k_round "$s"; done
        measure g_full tar timed tar cf - -C "$W64K_ROOT" w64k
        measure g_full bsdtar timed bsdtar --format zip --options zip:compression=store -cf - -C "$W64K_ROOT" w64k
        for t in tar bsdtar; do record g_full_cached "$t" "$(tail -n 1 "$WORK/res/g_full.$t")"; done
        ensure_svc g w64k
    done
    SVC_ROOT=$DATA PROBE=names
    for s in $SERVICES; do restart "$s"; done
fi

storm() { # server: STORM_N slow downloads of seedlike/ against a fresh server (bench/slowclients.py)
    local s=$1 i rss max_rss=0 probes=() line url data=()
    restart "$s"
    dl "$s" seedlike >/dev/null # warm (CRC cache of the service)
    req "$s" seedlike
    url=${REQ[${#REQ[@]} - 1]}
    [ "$s" = peer ] && data=(--data files=seedlike)
    timeout $((STORM_SECS + 60)) "$PY" "$HERE/slowclients.py" --url "$url" "${data[@]}" --clients "$STORM_N" \
        --rate "$STORM_RATE" --seconds "$STORM_SECS" >"$WORK/storm.out" 2>"$WORK/storm.err" &
    STORM_PID=$!
    # A new request's time to first byte at about 1/3, 1/2 and 2/3 of the storm; RSS sampled every 0.5 s.
    for i in $(seq 1 $((STORM_SECS * 2 + 240))); do
        kill -0 "$STORM_PID" 2>/dev/null || break
        # shellcheck disable=SC2046
        rss=$(status_kb VmRSS $(server_pids "$s"))
        [ "$rss" -gt "$max_rss" ] && max_rss=$rss
        if [ "$i" -eq $((STORM_SECS * 2 / 3)) ] || [ "$i" -eq "$STORM_SECS" ] || [ "$i" -eq $((STORM_SECS * 4 / 3)) ]; then
            probes+=("$(ttfb_ms "$s" seedlike "$STORM_SECS")")
        fi
        sleep 0.5
    done
    wait "$STORM_PID" || log "  slowclients.py exited with $?"
    STORM_PID=
    line=$(grep '^SLOW ' "$WORK/storm.out") || line="SLOW errors=$STORM_N mean_kib_s=0 min_kib_s=0"
    # shellcheck disable=SC2046
    hwm=$(status_kb VmHWM $(server_pids "$s"))
    [ "$hwm" -gt "$max_rss" ] && max_rss=$hwm
    field() { sed -n "s/.* $1=\([0-9.na]*\).*/\1/p" <<<"$line"; }
    record f_err "$s" "$(field errors)"
    record f_rss "$s" "$(awk -v k="$max_rss" 'BEGIN {printf "%.0f\n", k / 1024}')"
    record f_ttfb "$s" "$(printf '%s\n' "${probes[@]:-nan}" >"$WORK/probes" && median "$WORK/probes")"
    record f_kbs "$s" "$(field mean_kib_s)"
    record f_minkbs "$s" "$(field min_kib_s)"
    if [ "$s" = svc ] || [ "$s" = base ]; then ensure_svc f; fi
    log "  $s: $line $(cat "$WORK/storm.err"); peak RSS $((max_rss / 1024)) MiB; probes ${probes[*]:-none} ms"
}
if want f; then
    log "f: $STORM_N slow downloads ($STORM_RATE B/s each, ${STORM_SECS}s) of seedlike/, $ROUNDS rounds"
    load_note f
    for _ in $(seq 1 "$ROUNDS"); do
        for s in $SERVERS; do storm "$s"; done
    done
fi

# ---------------------------------------------------------------------------------------------------- report
ELAPSED=$(($(date +%s) - START_EPOCH))
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "-" || b == "-" || a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f\n", a / b}'; }
med() { median "$WORK/res/$1.$2"; } # key server
row() { # key label: service [base service/base] nginx zipstream-ng service/nginx peer/nginx
    local sv bv nv pv
    sv=$(med "$1" svc); bv=$(med "$1" base); nv=$(med "$1" ngx); pv=$(med "$1" peer)
    [ "$sv$bv$nv$pv" = "----" ] && return 0
    if [ "$BASE" = 1 ]; then
        printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$sv" "$bv" "$(ratio "$sv" "$bv")" "$nv" "$pv" \
            "$(ratio "$sv" "$nv")" "$(ratio "$pv" "$nv")"
    else
        printf '| %s | %s | %s | %s | %s | %s |\n' "$2" "$sv" "$nv" "$pv" "$(ratio "$sv" "$nv")" "$(ratio "$pv" "$nv")"
    fi
}
grow() { # key label: figure g's rows: service [base service/base] tar bsdtar service/tar
    local sv bv tv zv
    sv=$(med "$1" svc); bv=$(med "$1" base); tv=$(med "$1" tar); zv=$(med "$1" bsdtar)
    [ "$sv$bv" = "--" ] && return 0
    if [ "$BASE" = 1 ]; then
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$sv" "$bv" "$(ratio "$sv" "$bv")" "$tv" "$zv" "$(ratio "$sv" "$tv")"
    else
        printf '| %s | %s | %s | %s | %s |\n' "$2" "$sv" "$tv" "$zv" "$(ratio "$sv" "$tv")"
    fi
}
raw() { # key: every round's values
    local s
    for s in svc base ngx peer tar bsdtar; do
        [ -s "$WORK/res/$1.$s" ] && printf '%s %s: %s\n' "$1" "$s" "$(paste -sd' ' "$WORK/res/$1.$s")"
    done
    return 0
}
cache_drop_check "the run ended"
git_rev=$(git -C "$REPO" log -1 --format=%h -- src pom.xml 2>/dev/null || echo unknown)
git -C "$REPO" diff --quiet HEAD -- src pom.xml 2>/dev/null || git_rev="$git_rev+dirty"
{
    echo "# archive-service benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`$COMMAND\`; rounds: $ROUNDS; run time: ${ELAPSED} s"
    echo "- service: $git_rev, JVM options \`$SVC_JVM_OPTS\`$([ -n "$SVC_ARGS" ] && echo ", flags \`$SVC_ARGS\`"); $("$SVC_JAVA" -version 2>&1 | head -n 1)"
    [ "$BASE" = 1 ] && echo "- base: \`$BASE_JAR\`, JVM options \`$BASE_JVM_OPTS\`; $("$BASE_JAVA" -version 2>&1 | head -n 1)"
    if [ "$DATA" = "$BENCH_DATA" ]; then echo "- data: \`$BENCH_DATA\` in place (FRESH_COPY=0)"; else echo "- data: a copy of \`$BENCH_DATA\` written at the run's start (bench/freshcopy.py)"; fi
    echo "- machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
    echo "- peers: $("$NGINX" -v 2>&1 | sed 's/.*: //'), zipstream-ng $("$PY" -c 'import importlib.metadata as m; print(m.version("zipstream-ng"))' 2>/dev/null || echo '?'), $(curl --version | head -n 1 | cut -d' ' -f1-2), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
    echo
    echo "Medians over the rounds. Ratios are service/nginx and peer/nginx: above 1 is better for MiB/s, worse for ms, MiB, CPU and errors."
    echo
    if [ "$BASE" = 1 ]; then
        echo "| figure | service | base | service/base | nginx | zipstream-ng | service/nginx | peer/nginx |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    else
        echo "| figure | service | nginx | zipstream-ng | service/nginx | peer/nginx |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    fi
    row a "a. big/ 1 GiB, one download, warm CRC (MiB/s)"
    row b "b. big/ first download after start, cold CRC (MiB/s)"
    row c "c. seedlike/ x$WRK_CONNS, wrk ${WRK_SECS}s (MiB/s)"
    row c_cpu "c. server CPU per GiB served (s/GiB)"
    row c_err "c. wrk errors (socket + non-2xx)"
    row i "i. the same in the first ${WRK_SECS}s after a start, no warm-up (MiB/s)"
    row i_cpu "i. server CPU per GiB served in those ${WRK_SECS}s (s/GiB)"
    row i_err "i. wrk errors"
    row d "d. many/ 4000 files, time to first byte (ms)"
    row e "e. huge/ 5 GiB, time to first byte, cold CRC (ms)"
    row f_err "f. $STORM_N slow downloads: errors"
    row f_rss "f. peak RSS during the storm (MiB)"
    row f_ttfb "f. new request's time to first byte during the storm (ms)"
    row f_kbs "f. mean rate of a slow download (KiB/s, cap 50)"
    row f_minkbs "f. slowest slow download (KiB/s, cap 50)"
    row h "h. big/ by aria2c -x 8 -s 8, identical to one download (MiB/s)"
    echo
    if [ -s "$WORK/res/g_full.svc" ]; then
        echo "g. w64k/: 65,536 files of 100 bytes in 64 folders (\`$W64K_ROOT\`), CRCs cached; HEAD and Range while $G_LOAD aria2c -x 8 downloads of it run:"
        echo
        if [ "$BASE" = 1 ]; then
            echo "| figure | service | base | service/base | tar cf - | bsdtar stored zip | service/tar |"
            echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
        else
            echo "| figure | service | tar cf - | bsdtar stored zip | service/tar |"
            echo "| --- | ---: | ---: | ---: | ---: |"
        fi
        grow g_full "g. full download, planned by it (s)"
        grow g_full_cached "g. full download, plan reused (s)"
        grow g_ttfb "g. time to first byte (ms)"
        grow g_head50 "g. HEAD under load, p50 (ms)"
        grow g_head99 "g. HEAD under load, p99 (ms)"
        grow g_range50 "g. 64 KiB Range under load, first byte p50 (ms)"
        grow g_range99 "g. 64 KiB Range under load, first byte p99 (ms)"
        grow g_rss "g. the service's peak RSS (MiB)"
        echo
    fi
    echo "Notes: nginx sends the service's own archive bytes, prebuilt into this run's temporary folder (sendfile on, tcp_nopush on)."
    echo "zipstream-ng (\`python3 -m zipstream.server\`) is asked with POST \`files=<folder>\`, as its page does; wrk uses bench/wrk-report.lua for that POST."
    want f && echo "f: slow clients are bench/slowclients.py (asyncio, one connection each, token bucket); an error is a failed connect, no answer headers within 15 s, a non-200 or a body cut short. The time to first byte is a separate curl during the storm; nan = no answer within ${STORM_SECS} s."
    echo "CPU is utime+stime from /proc/PID/stat (JVM; nginx master+workers; the python process) over the wrk run, divided by GiB read by wrk."
    echo "The machine's load average (1, 5, 15 min) as each figure began: $(paste -sd';' "$WORK/loads" 2>/dev/null | sed 's/;/; /g')."
    echo
    if [ -s "$WORK/notes" ]; then
        echo "What happened during the run:"
        echo
        cat "$WORK/notes"
        echo
    fi
    echo "Every round:"
    echo
    echo '```'
    for k in a b c c_cpu c_err i i_cpu i_err d e f_err f_rss f_ttfb f_kbs f_minkbs h \
        g_full g_ttfb g_head50 g_head99 g_range50 g_range99 g_rss; do raw "$k"; done
    echo '```'
} >"$OUT/latest.md"
echo
cat "$OUT/latest.md"
log "done in ${ELAPSED} s; table in $OUT/latest.md"
