#!/usr/bin/env bash
# Records a JDK AOT cache (JEP 483/514/515: classes loaded and linked, and method profiles) for the packaged
# service from a short training load, so that a start with -XX:AOTCache begins with what a warm JVM knows; on a
# JDK before 24, an AppCDS archive (classes only) instead.
#
#   bench/aot-cache.sh [JAVA]     JAVA: default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
#
# Writes target/quarkus-app/app.aot (JDK 24+) or app.jsa. Run the service with the same JDK and jar path:
#   $JAVA -XX:AOTCache=target/quarkus-app/app.aot -jar target/quarkus-app/quarkus-run.jar ...
#   java -XX:SharedArchiveFile=target/quarkus-app/app.jsa -jar target/quarkus-app/quarkus-run.jar ...
# Training load: 10 s of wrk -c32 on seedlike/ plus HEADs, ranges and whole downloads of the bench data set
# (bench/mkdata.sh, ${BENCH_DATA:-/tmp/benchdata}). Only talks to 127.0.0.1.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
JAVA=${1:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
BENCH_DATA=${BENCH_DATA:-/tmp/benchdata}
PORT=${AOT_PORT:-18089}
JAR=$REPO/target/quarkus-app/quarkus-run.jar
FEATURE=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${FEATURE%%.*}" -ge 24 ]; then
    CACHE=$REPO/target/quarkus-app/app.aot RECORD=-XX:AOTCacheOutput=$CACHE
else
    CACHE=$REPO/target/quarkus-app/app.jsa RECORD=-XX:ArchiveClassesAtExit=$CACHE
fi
[ -f "$JAR" ] || { echo "aot-cache.sh: $JAR is missing: ./mvnw -B -q package -DskipTests first" >&2; exit 1; }
"$HERE/mkdata.sh" "$BENCH_DATA" >/dev/null
rm -f "$CACHE"
LOG=$(mktemp /tmp/aot-train.XXXXXX.log)
"$JAVA" -Xmx256m "$RECORD" --add-opens=java.base/sun.nio.fs=ALL-UNNAMED -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
    -jar "$JAR" --folder_path "$BENCH_DATA" >"$LOG" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.25; done
url=http://127.0.0.1:$PORT/archive
for f in seedlike many names big; do
    curl -s -o /dev/null "$url/$f/"
    curl -s -o /dev/null -I "$url/$f/"
    curl -s -o /dev/null -r 1000-200000 "$url/$f/"
done
wrk -t2 -c32 -d10s "$url/seedlike/" >/dev/null
kill -TERM "$PID"
wait "$PID" || true # the JVM writes the cache as it exits
trap - EXIT
[ -s "$CACHE" ] || { tail -n 20 "$LOG" >&2; echo "aot-cache.sh: no cache written (log $LOG)" >&2; exit 1; }
rm -f "$LOG"
echo "$CACHE: $(du -h "$CACHE" | cut -f1)"
