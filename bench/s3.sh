#!/usr/bin/env bash
# Measures archive-service serving from S3 (STORAGE=s3) against the same S3 server read directly, on loopback:
# S3Proxy 4.1.0 (the tests' server, from target/s3proxy/) with its filesystem backend. See bench/README.md.
#
#   bench/s3.sh [--rounds N] [--no-build]
#
# Figures, one interleaved run, median of N rounds (default 5):
#   g  one download of big/ (4 objects, 1 GiB) through the service, against `curl --aws-sigv4` fetching the same
#      4 objects straight from S3Proxy on one connection: MiB/s and the ratio (target >= 0.8x); also the service
#      on the SDK's URL-connection client instead of the Apache one (the client choice, README "Serving from S3"),
#      and with S3_CHUNK_SIZE=65536 instead of its default
#   h  many/ (4,000 objects of 4 KiB in 40 prefixes): first byte and total time through the service, with S3
#      reached directly and through bench/delayproxy.py adding 20 ms to every request; HEAD of it (the listing)
# Environment: BENCH_DATA (default /tmp/benchdata, made by bench/mkdata.sh if absent), BENCH_KEEP=1 keeps the
# temporary folder (S3Proxy's data, logs). Ports 19100-19105 on 127.0.0.1. Every service runs with
# PLAN_CACHE_SECONDS=0, so that each request of h lists the prefix again (no reused plan).
set -euo pipefail
shopt -s inherit_errexit

ROUNDS=5
BUILD=1
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
        --no-build) BUILD=0 ;;
        -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "s3.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "s3.sh: --rounds takes a positive number" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BENCH_DATA=${BENCH_DATA:-/tmp/benchdata}
S3_PORT=19100 DELAY_PORT=19101 SVC=19102 SVC_DELAYED=19103 SVC_URLCONN=19104 SVC_SMALL_CHUNKS=19105
ID=bench-identity SECRET=bench-credential REGION=us-east-1 BUCKET=bench
S3=http://127.0.0.1:$S3_PORT
JAR=$REPO/target/quarkus-app/quarkus-run.jar
S3PROXY_JAR=$REPO/target/s3proxy/s3proxy.jar
TMP=$(mktemp -d /tmp/s3bench.XXXXXX)
PIDS=()

log() { printf '[s3 bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

s3curl() { curl -sS --aws-sigv4 "aws:amz:$REGION:s3" --user "$ID:$SECRET" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"; }
await_line() { # file, text, seconds
    local deadline=$((SECONDS + $3))
    until grep -q "$2" "$1" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || die "no '$2' in $1 after $3 s: $(tail -5 "$1")"
        sleep 0.2
    done
}
await_ready() { # port
    local deadline=$((SECONDS + 120))
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/q/health/ready")" = 200 ]; do
        [ $SECONDS -lt $deadline ] || die "service on $1 not ready: $(curl -s "http://127.0.0.1:$1/q/health/ready")"
        sleep 0.2
    done
}
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

if [ ! -d "$BENCH_DATA/big" ] || [ ! -d "$BENCH_DATA/many" ]; then bash "$HERE/mkdata.sh" "$BENCH_DATA"; fi
if [ "$BUILD" = 1 ]; then
    log "building the service (package, no tests)"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests) >&2
fi
if [ ! -f "$JAR" ] || [ ! -f "$S3PROXY_JAR" ]; then die "build first: $JAR or $S3PROXY_JAR is missing"; fi

log "machine: $(uptime)"
mkdir -p "$TMP/data"
cat > "$TMP/s3proxy.properties" <<PROPS
s3proxy.endpoint=$S3
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ID
s3proxy.credential=$SECRET
jclouds.provider=filesystem
jclouds.filesystem.basedir=$TMP/data
s3proxy.v4-max-non-chunked-request-size=1073741824
PROPS
java -Xmx512m -jar "$S3PROXY_JAR" --properties "$TMP/s3proxy.properties" > "$TMP/s3proxy.log" 2>&1 &
PIDS+=($!)
await_line "$TMP/s3proxy.log" "Started.*ServerConnector" 90
s3curl -X PUT "$S3/$BUCKET" -o /dev/null

log "uploading big/ (with a stored CRC32 each) and many/ (without)"
for file in "$BENCH_DATA"/big/*; do
    crc=$(python3 -c 'import base64,sys,zlib
c=0
with open(sys.argv[1],"rb") as f:
    for b in iter(lambda: f.read(1<<20), b""): c=zlib.crc32(b,c)
print(base64.b64encode(c.to_bytes(4,"big")).decode())' "$file")
    s3curl -f -T "$file" -H "x-amz-checksum-crc32: $crc" "$S3/$BUCKET/big/$(basename "$file")" -o /dev/null
done
(cd "$BENCH_DATA" && find many -type f | sort) > "$TMP/many.txt"
export -f s3curl
export REGION ID SECRET S3 BUCKET BENCH_DATA
# shellcheck disable=SC2016 # expanded by the inner bash
xargs -P 8 -I{} bash -c 's3curl -f -T "$BENCH_DATA/$1" "$S3/$BUCKET/$1" -o /dev/null' _ {} < "$TMP/many.txt"
[ "$(wc -l < "$TMP/many.txt")" = 4000 ] || die "many/ should hold 4,000 files"

python3 "$HERE/delayproxy.py" $DELAY_PORT $S3_PORT 20 > "$TMP/delayproxy.log" 2>&1 &
PIDS+=($!)
await_line "$TMP/delayproxy.log" "delayproxy:" 10

start_service() { # port, endpoint port, extra JVM options
    # shellcheck disable=SC2086 # $3 is zero or more JVM options
    (cd "$TMP" && STORAGE=s3 S3_BUCKET=$BUCKET S3_ENDPOINT=http://127.0.0.1:$2 S3_REGION=$REGION \
        S3_PATH_STYLE=true PLAN_CACHE_SECONDS=0 AWS_ACCESS_KEY_ID=$ID AWS_SECRET_ACCESS_KEY=$SECRET \
        exec java -Xmx256m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1 --add-opens=java.base/sun.nio.fs=ALL-UNNAMED -Dquarkus.http.port="$1" ${3:-} -jar "$JAR" \
        > "$TMP/service-$1.log" 2>&1) &
    PIDS+=($!)
}
start_service $SVC $S3_PORT
start_service $SVC_DELAYED $DELAY_PORT
start_service $SVC_URLCONN $S3_PORT -Dzipstream.s3.http-client=url-connection
start_service $SVC_SMALL_CHUNKS $S3_PORT -Ds3.chunk.size=65536
for port in $SVC $SVC_DELAYED $SVC_URLCONN $SVC_SMALL_CHUNKS; do await_ready "$port"; done

svc_big() { curl -sS -o /dev/null -w '%{size_download} %{time_total}\n' "http://127.0.0.1:$1/archive/big/"; }
direct_big() {
    s3curl -o /dev/null -o /dev/null -o /dev/null -o /dev/null -w '%{size_download} %{time_total}\n' \
        "$S3/$BUCKET/big/part1.jpg" "$S3/$BUCKET/big/part2.jpg" "$S3/$BUCKET/big/part3.jpg" \
        "$S3/$BUCKET/big/part4.jpg" | awk '{b += $1; t += $2} END {print b, t}'
}
many() { curl -sS -o /dev/null -w '%{size_download} %{time_starttransfer} %{time_total}\n' \
    "http://127.0.0.1:$1/archive/many/"; }
plan_many() { curl -sS -o /dev/null -I -w '%{time_total}\n' "http://127.0.0.1:$1/archive/many/"; }
mibs() { awk '{printf "%.0f", $1 / $2 / 1048576}'; }

log "warm-up: one of each"
svc_big $SVC > /dev/null; svc_big $SVC_URLCONN > /dev/null; svc_big $SVC_SMALL_CHUNKS > /dev/null
direct_big > /dev/null
many $SVC > /dev/null; many $SVC_DELAYED > /dev/null

declare -a G_SVC G_DIRECT G_URL G_SMALL H_FB H_TOTAL HD_FB HD_TOTAL G_RATIO H_HEAD
for round in $(seq 1 "$ROUNDS"); do
    s=$(svc_big $SVC | mibs); d=$(direct_big | mibs); u=$(svc_big $SVC_URLCONN | mibs)
    c=$(svc_big $SVC_SMALL_CHUNKS | mibs)
    G_SVC+=("$s"); G_DIRECT+=("$d"); G_URL+=("$u"); G_SMALL+=("$c")
    G_RATIO+=("$(awk -v s="$s" -v d="$d" 'BEGIN {printf "%.2f", s / d}')")
    read -r _ fb total < <(many $SVC); H_FB+=("$fb"); H_TOTAL+=("$total")
    read -r _ fb total < <(many $SVC_DELAYED); HD_FB+=("$fb"); HD_TOTAL+=("$total")
    H_HEAD+=("$(plan_many $SVC)")
    log "round $round: big service ${s} MiB/s (url-connection ${u}), direct ${d} MiB/s;" \
        "many ${H_FB[-1]}s/${H_TOTAL[-1]}s, +20 ms ${HD_FB[-1]}s/${HD_TOTAL[-1]}s (first byte/total)"
done

cat <<REPORT
# bench/s3.sh, $(date -u +%FT%TZ), commit $(git -C "$REPO" rev-parse --short HEAD), $ROUNDS rounds (median)
# machine: $(uptime)
g  big/ (1 GiB, 4 objects) through the service: $(median "${G_SVC[@]}") MiB/s; straight from S3Proxy with curl --aws-sigv4: $(median "${G_DIRECT[@]}") MiB/s; ratio $(median "${G_RATIO[@]}")x (per round: ${G_RATIO[*]})
g' the service on the URL-connection client: $(median "${G_URL[@]}") MiB/s (Apache client: $(median "${G_SVC[@]}"))
g" the service with S3_CHUNK_SIZE=65536 (the default is 262144): $(median "${G_SMALL[@]}") MiB/s
h  many/ (4,000 x 4 KiB): first byte $(median "${H_FB[@]}") s, total $(median "${H_TOTAL[@]}") s; HEAD (the listing alone, 4 pages of ListObjectsV2) $(median "${H_HEAD[@]}") s
h' the same with 20 ms added to every S3 request: first byte $(median "${HD_FB[@]}") s, total $(median "${HD_TOTAL[@]}") s (4,000 x 20 ms in a row would be 80 s)
REPORT
