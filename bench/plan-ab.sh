#!/usr/bin/env bash
# Planning A/B on the 65,536-file folder: two builds side by side, in interleaved rounds, each started with
# --plan_cache_seconds 0 (every request plans; PLAN_CACHE_SECONDS=600 measures the plan-reused download instead).
# Per round and build: the median of N HEADs and of N full GETs (curl), and the CPU per request from /proc/PID/stat
# (user and system, over the HEADs); then `tar cf - w64k | cat` three times for reference.
#
#   BASE_JAR=/tmp/old/quarkus-app/quarkus-run.jar bench/plan-ab.sh [rounds]
#
# BASE_JVM_OPTS and SVC_JVM_OPTS as in bench/run.sh; W64K_ROOT (default /tmp/bench-w64k, made by bench/mkw64k.sh);
# N (default 10). The service is target/quarkus-app/quarkus-run.jar as it is (build it first).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BASE_JAR:?BASE_JAR=<the quarkus-run.jar of an older build>}"
ROUNDS=${1:-3}
N=${N:-10}
ROOT=${W64K_ROOT:-/tmp/bench-w64k}
CACHE=${PLAN_CACHE_SECONDS:-0}
SVC_JVM_OPTS=${SVC_JVM_OPTS:--Xmx256m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1 --add-opens=java.base/sun.nio.fs=ALL-UNNAMED}
BASE_JVM_OPTS=${BASE_JVM_OPTS:-$SVC_JVM_OPTS}
[ -d "$ROOT/w64k" ] || bash bench/mkw64k.sh
TICK=$(getconf CLK_TCK)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT

start() { # jar, options, port
    # shellcheck disable=SC2086
    java $2 -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$3" -jar "$1" --folder_path "$ROOT" \
        --plan_cache_seconds "$CACHE" > "/tmp/plan-ab-$3.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 120); do curl -sf -o /dev/null "http://127.0.0.1:$3/q/health/ready" && return; sleep 0.25; done
    echo "the service on $3 did not get ready: /tmp/plan-ab-$3.log" >&2; exit 1
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu() { awk '{print $14 + $15, $14, $15}' "/proc/$1/stat"; }

start "$BASE_JAR" "$BASE_JVM_OPTS" 18097
start target/quarkus-app/quarkus-run.jar "$SVC_JVM_OPTS" 18098
declare -A PID_OF=([18097]=${PIDS[0]} [18098]=${PIDS[1]})
declare -A NAME_OF=([18097]=base [18098]=service)
for port in 18097 18098; do # warm-up: the JIT and the CRC cache
    for _ in 1 2 3 4 5; do curl -s -o /dev/null "http://127.0.0.1:$port/archive/w64k/"; done
done
URL_TAIL=archive/w64k/
for round in $(seq "$ROUNDS"); do
    for port in 18097 18098; do
        read -r _ u1 s1 < <(cpu "${PID_OF[$port]}")
        head=$(for _ in $(seq "$N"); do
            curl -s -I -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/$URL_TAIL"; done | median)
        read -r _ u2 s2 < <(cpu "${PID_OF[$port]}")
        get=$(for _ in $(seq "$N"); do
            curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/$URL_TAIL"; done | median)
        printf 'round %d %-7s HEAD %.3f s (user %.3f s, system %.3f s per HEAD)  GET %.3f s\n' "$round" \
            "${NAME_OF[$port]}" "$head" "$(echo "($u2 - $u1) / $TICK / $N" | bc -l)" \
            "$(echo "($s2 - $s1) / $TICK / $N" | bc -l)" "$get"
    done
    tar=$(for _ in 1 2 3; do /usr/bin/time -f '%e' sh -c "tar cf - -C '$ROOT' w64k | cat > /dev/null" 2>&1; done | median)
    printf 'round %d tar cf - | cat %.3f s\n' "$round" "$tar"
done
