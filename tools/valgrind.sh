#!/usr/bin/env bash
# Every suite under valgrind's memcheck: ./tools/valgrind.sh [meson test options]
# A memory error or a definite leak fails the test (tests/check/meson.build
# has the setup, tests/check/valgrind.supp the few library blocks allowed).
# Ends with "valgrind: N passed, N failed".
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/tools/setup.sh"

run_suites valgrind testlog-valgrind "ERROR SUMMARY: [1-9]" --setup valgrind \
  "$@"
