#!/usr/bin/env bash
# Runs every test: ./tools/run-tests.sh [meson test options]
# Installs and builds what it needs, runs the suites with meson test, and
# ends with one line "N passed, N failed" counting the individual checks.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/tools/setup.sh"

status=0
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@" || status=$?
python3 "$top/tools/count-tests.py" "$builddir/meson-logs/testlog.json" || status=1
exit $status
