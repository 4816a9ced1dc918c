#!/usr/bin/env bash
# Not-found timing (README, "Link guessing is throttled"): the median time of a 404 for a malformed hash, a
# missing folder and a link out of the root, which take the same steps and should take about the same time
# (no oracle for a guesser), next to a HEAD of a real folder. Interleaved requests over one keep-alive
# connection (curl), in a new random order each round, throttling off. Packaged service, 127.0.0.1 only.
#
#   bench/notfound.sh [--no-build]
#
# Environment: NOTFOUND_PORT (default 18091), REQUESTS (per kind, default 2000).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
. bench/common.sh
parse_no_build 9 "$@"
PORT=${NOTFOUND_PORT:-18091}
REQUESTS=${REQUESTS:-2000}

[ "$BUILD" = 1 ] && ./mvnw -B -q package -DskipTests
work=$(mktemp -d /tmp/notfound-bench.XXXXXX)
service=
cleanup() {
    [ -n "$service" ] && kill "$service" 2>/dev/null && wait "$service" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/root/real" "$work/outside"
head -c 100000 /dev/urandom > "$work/root/real/photo.jpg"
ln -s "$work/outside" "$work/root/outlink"

NOT_FOUND_LIMIT=0 QUARKUS_HTTP_PORT=$PORT java -Xmx256m -jar target/quarkus-app/quarkus-run.jar \
    --folder_path "$work/root" > "$work/service.log" 2>&1 &
service=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/q/health/ready" > /dev/null && break
    sleep 0.2
done

kinds=(bad.hash nosuchfolder outlink real)
args=()
for _ in $(seq 1 "$REQUESTS"); do
    # A new order each round: a request right after the real folder's is slower whatever its kind.
    for kind in $(printf '%s\n' "${kinds[@]}" | shuf); do
        args+=(-o /dev/null -w "$kind %{http_code} %{time_total}\n")
        [ "$kind" = real ] && args+=(-I)
        args+=("http://127.0.0.1:$PORT/archive/$kind/")
        args+=(--next)
    done
done
unset 'args[${#args[@]}-1]'
# A warm-up pass of the same requests, then the measured one.
curl -s "${args[@]}" > /dev/null
curl -s "${args[@]}" > "$work/times"

printf '%-13s %6s %12s %12s\n' kind status median_us p90_us
for kind in "${kinds[@]}"; do
    awk -v k="$kind" '$1 == k { print $2, $3 * 1e6 }' "$work/times" | sort -k2,2n | awk -v k="$kind" '
        { status = $1; t[NR] = $2 }
        END { printf "%-13s %6s %12.0f %12.0f\n", k, status, t[int(NR / 2) + 1], t[int(NR * 0.9)] }'
done
