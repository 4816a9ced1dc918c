#!/usr/bin/env bash
# Builds the many-small-files case of bench/run.sh under $1 (default ${W64K_ROOT:-/tmp/bench-w64k}):
#   w64k/d00..d63/f0000..f1023   65,536 files of 100 random bytes in 64 sub-folders (per-entry cost at scale)
# A separate root from bench/mkdata.sh's, which other runs share: the service is started on this one for it.
# Idempotent: a complete folder is kept (the last file is written last), so a second run is instant.
set -euo pipefail
root=${1:-${W64K_ROOT:-/tmp/bench-w64k}}
mkdir -p "$root"
[ -f "$root/w64k/d63/f1023" ] && exit 0
python3 - "$root/w64k" <<'PY'
import os, sys
base = sys.argv[1]
for d in range(64):
    folder = os.path.join(base, "d%02d" % d)
    os.makedirs(folder, exist_ok=True)
    for f in range(1024):
        with open(os.path.join(folder, "f%04d" % f), "wb") as out:
            out.write(os.urandom(100))
PY
