#!/usr/bin/env bash
# Builds the benchmark data set under $1 (default ${BENCH_DATA:-/tmp/benchdata}): incompressible "photos"
# (random bytes, like JPEGs). Idempotent: files that already exist are kept, so a second run is instant.
#   seedlike/  24 files, 0.2..2.9 MB, ~36 MB       (a typical photo folder)
#   big/       4 x 256 MiB = 1 GiB                 (throughput)
#   many/      4000 x 4 KiB in 40 folders          (per-entry overhead, time to first byte)
#   names/     UTF-8 names, spaces, nesting, empty (correctness)
#   huge/      one sparse 5 GiB file               (ZIP64, time to first byte with a cold CRC cache)
# Needs about 1.1 GB of disk (the 5 GiB file is sparse).
set -euo pipefail
root=${1:-${BENCH_DATA:-/tmp/benchdata}}
mkdir -p "$root"
# Written to a temporary name first, so an interrupted run leaves no short file behind. Written in 1 MiB writes,
# as nginx's prebuilt archive is (bench/run.sh): a file stays in the page cache in pieces (folios) of the size it
# was written in, and sendfile of a file written in 8 KiB writes (head -c alone) cost nginx and the service alike
# 1.2-1.3x the CPU per GiB of the same bytes written in large ones (bench/README.md, 2026-12-02, fifth part).
mk() { [ -f "$1" ] || { head -c "$2" /dev/urandom | dd of="$1.part" bs=1M iflag=fullblock status=none && mv "$1.part" "$1"; }; }
# Data made before 2026-12-02 was written in 8 KiB writes: rewrite it once, the same bytes, in 1 MiB writes.
written_large=$root/.written-in-1MiB-writes
if [ ! -f "$written_large" ] && [ -d "$root/seedlike" ]; then
    echo "mkdata.sh: rewriting $root's files in 1 MiB writes (made by an older mkdata.sh)" >&2
    for dir in "$root/seedlike" "$root/big" "$root/names"; do
        [ -d "$dir" ] || continue
        find "$dir" -type f -size +0 ! -name '*.part' | while IFS= read -r f; do
            dd if="$f" of="$f.part" bs=1M status=none && mv "$f.part" "$f"
        done
    done
fi

mkdir -p "$root/seedlike"
for i in $(seq 1 24); do mk "$root/seedlike/IMG_$i.jpg" $(( (i * 131 % 28 + 2) * 100000 )); done

mkdir -p "$root/big"
for i in 1 2 3 4; do mk "$root/big/part$i.jpg" $((256 * 1024 * 1024)); done

for d in $(seq 1 40); do
    mkdir -p "$root/many/d$d"
    for f in $(seq 1 100); do mk "$root/many/d$d/f$f.jpg" 4096; done
done

mkdir -p "$root/names/Фото с отпуска/вложенная"
mk "$root/names/Фото с отпуска/море.jpg" 50000
mk "$root/names/Фото с отпуска/вложенная/горы 1.jpg" 70000
: > "$root/names/пустой.txt"
mk "$root/names/日本.jpg" 1000

mkdir -p "$root/huge"
[ -f "$root/huge/video.bin" ] || truncate -s 5G "$root/huge/video.bin"

: > "$written_large"
du -sh --apparent-size "$root"/seedlike "$root"/big "$root"/many "$root"/names "$root"/huge
