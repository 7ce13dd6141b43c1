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

run_suites sanitizers testlog \
  "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$@"
