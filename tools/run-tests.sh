#!/usr/bin/env bash
# Runs every test: ./tools/run-tests.sh [meson test options]
# Installs and builds what it needs, then runs these stages in turn:
#
#   suites      every GstCheck suite of ./build (meson test)
#   lint        clang-tidy, cppcheck and gst-indent (tools/lint.sh)
#   fuzz        each libFuzzer harness for SEEDANCE_FUZZ_SECONDS, default
#               60 (tools/fuzz.sh, a clang build in ./build-fuzz)
#   sanitizers  every suite built with ASan and UBSan (tools/sanitize.sh,
#               ./build-sanitize)
#   valgrind    every suite under valgrind's memcheck (tools/valgrind.sh)
#   benches     every program of bench/ once, with small settings
#               (tools/benches.sh): a benchmark that breaks fails CI
#
# SEEDANCE_STAGES picks some ("suites lint"); meson test options go to the
# stages that run suites. A stage fails on any failed check, any sanitizer
# or valgrind report, any fuzzer crash, leak or timeout, any lint finding;
# the others still run. The output ends with each stage's time and counts,
# then one line "N passed, N failed" over all stages.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/tools/setup.sh"

all_stages="suites lint fuzz sanitizers valgrind benches"
stages=${SEEDANCE_STAGES:-$all_stages}
for stage in $stages; do
  if [[ " $all_stages " != *" $stage "* ]]; then
    echo "run-tests: unknown stage '$stage' in SEEDANCE_STAGES; allowed:" \
      "$all_stages" >&2
    exit 2
  fi
done
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

total_passed=0
total_failed=0
status=0
summary=()
for stage in $stages; do
  case $stage in
    suites) cmd=(run_suites suites testlog "" "$@") ;;
    lint) cmd=(bash "$top/tools/lint.sh" "$builddir") ;;
    fuzz) cmd=(bash "$top/tools/fuzz.sh" "${SEEDANCE_FUZZ_SECONDS:-60}") ;;
    sanitizers) cmd=(bash "$top/tools/sanitize.sh" "$@") ;;
    valgrind) cmd=(bash "$top/tools/valgrind.sh" "$@") ;;
    benches) cmd=(bash "$top/tools/benches.sh") ;;
  esac
  echo "=== $stage"
  start=$(date +%s)
  rc=0
  "${cmd[@]}" > >(tee "$logs/$stage") 2>&1 || rc=$?
  wait # for tee
  seconds=$(($(date +%s) - start))
  # Each stage ends with "STAGE: P passed, F failed"; a stage that failed
  # without saying what counts as one failure.
  passed=0 failed=0
  line=$(grep -E "^$stage: [0-9]+ passed, [0-9]+ failed" "$logs/$stage" \
    | tail -n 1 || true)
  if [[ $line =~ :\ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    passed=${BASH_REMATCH[1]}
    failed=${BASH_REMATCH[2]}
  fi
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
  fi
  [ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] || status=1
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  summary+=("$(printf '%-11s %5d s  %d passed, %d failed' "$stage" \
    "$seconds" "$passed" "$failed")")
done

echo "=== stages"
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
exit $status
