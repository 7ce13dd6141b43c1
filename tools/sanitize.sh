#!/usr/bin/env bash
# Every suite in a build with AddressSanitizer and UndefinedBehaviorSanitizer
# (gcc): ./tools/sanitize.sh [meson test options]
# Any sanitizer report or definite leak fails: the test exits non-zero, and
# the log is also read for reports, so none hides in a child process.
# Ends with "sanitizers: N passed, N failed".
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SEEDANCE_BUILDDIR=${SEEDANCE_SANITIZE_BUILDDIR:-$top/build-sanitize}
SEEDANCE_MESON_OPTIONS="-Db_sanitize=address,undefined -Db_lundef=false"
source "$top/tools/setup.sh"
sanbuild=$builddir

status=0
meson test -C "$sanbuild" --print-errorlogs --num-processes 2 "$@" || status=$?
if grep -E -n "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" \
    "$sanbuild/meson-logs/testlog.txt"; then
  echo "sanitizers: the reports above fail this stage" >&2
  status=1
fi
python3 "$top/tools/count-tests.py" --label sanitizers \
  "$sanbuild/meson-logs/testlog.json" || status=1
exit $status
