#!/usr/bin/env bash
# Every suite under valgrind's memcheck: ./tools/valgrind.sh [meson test options]
# A memory error or a definite leak fails the test (tests/check/meson.build
# has the setup, tests/check/valgrind.supp the few library blocks allowed).
# Ends with "valgrind: N passed, N failed".
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/tools/setup.sh"

status=0
meson test -C "$builddir" --setup valgrind --print-errorlogs --num-processes 2 \
  "$@" || status=$?
log="$builddir/meson-logs/testlog-valgrind"
if grep -E -n "ERROR SUMMARY: [1-9]" "$log.txt"; then
  echo "valgrind: the errors above fail this stage" >&2
  status=1
fi
python3 "$top/tools/count-tests.py" --label valgrind "$log.json" || status=1
exit $status
