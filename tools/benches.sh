#!/usr/bin/env bash
# Runs every program of bench/ once, with small settings: a benchmark that
# breaks fails this stage instead of rotting. The figures are printed,
# never judged (a 2-core CI machine's timings mean little). Ends with
# "benches: N passed, N failed"; fails on a failed benchmark, and on a
# program in bench/ that this list does not run.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${SEEDANCE_BUILDDIR:-$top/build}

# Each benchmark and its small settings.
benches=(
  "seedance-bench-cancel --runs 3 --task-seconds 2"
  "seedance-bench-download --mb 6 --runs 1"
  "seedance-bench-cache --runs 2 --small-mb 4 --large-mb 16"
  "seedance-bench-budget --sources 1,4 --task-seconds 2 --limit 20 --window-ms 6000"
)

passed=0
failed=0
for line in "${benches[@]}"; do
  read -r -a cmd <<<"$line"
  echo "--- ${cmd[*]}"
  if "$builddir/bench/${cmd[0]}" "${cmd[@]:1}"; then
    passed=$((passed + 1))
  else
    echo "benches: ${cmd[0]} failed" >&2
    failed=$((failed + 1))
  fi
done

# A benchmark added to bench/ without a line above would never run.
for program in "$builddir"/bench/seedance-bench-*; do
  [ -x "$program" ] && [ -f "$program" ] || continue
  name=$(basename "$program")
  if ! printf '%s\n' "${benches[@]}" | grep -q "^$name "; then
    echo "benches: $name is not run by tools/benches.sh" >&2
    failed=$((failed + 1))
  fi
done

echo "benches: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
