#!/usr/bin/env bash
# Runs every fuzz harness of fuzz/ for a bounded time:
#   tools/fuzz.sh [seconds-per-harness]        (default 60)
# Builds the clang/libFuzzer/ASan/UBSan build into $SEEDANCE_FUZZ_BUILDDIR
# (default build-fuzz) when needed, fuzzes each harness in turn on a copy
# of its seed corpus (the repository's corpus is never written), and
# prints one line per harness and a last line "fuzz: P passed, F failed".
# Exits non-zero on any crash, leak, timeout, OOM or oracle failure, after
# printing where the reproducer is and the end of the fuzzer's log.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
builddir=${SEEDANCE_FUZZ_BUILDDIR:-$top/build-fuzz}
case $builddir in /*) ;; *) builddir=$top/$builddir ;; esac
harnesses=(task-answer http-headers uri request journal)

if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [seconds-per-harness]" >&2
  exit 2
fi

# clang and its libFuzzer runtime (Debian's clang does not pull the
# latter in without recommends).
have_libfuzzer () {
  local dir
  dir=$(mktemp -d) || return 1
  printf 'int LLVMFuzzerTestOneInput (const char *d, unsigned long s) { return 0; }\n' >"$dir/t.c"
  clang -fsanitize=fuzzer,address "$dir/t.c" -o "$dir/t" >/dev/null 2>&1
  local ok=$?
  rm -rf "$dir"
  return $ok
}
if ! command -v clang >/dev/null || ! have_libfuzzer; then
  echo "Installing clang and libFuzzer (clang, libclang-rt-dev)" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends clang libclang-rt-dev >/dev/null
  have_libfuzzer || { echo "fuzz: clang cannot link libFuzzer" >&2; exit 1; }
fi

log=$(mktemp)
options=(-Dfuzzing=enabled -Db_sanitize=address,undefined -Db_lundef=false
  -Dtests=disabled -Dexamples-ges=disabled)
if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang meson setup "$builddir" "$top" "${options[@]}" >"$log" 2>&1 \
    || { cat "$log" >&2; rm -f "$log"; exit 1; }
else
  # A build dir made with other options is brought back to these (meson
  # refuses -Dfuzzing=enabled in a gcc one).
  meson configure "$builddir" "${options[@]}" >"$log" 2>&1 \
    || { cat "$log" >&2; rm -f "$log"; exit 1; }
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz/fuzz-$h"); done
ninja -C "$builddir" "${targets[@]}" >"$log" 2>&1 \
  || { cat "$log" >&2; rm -f "$log"; exit 1; }
rm -f "$log"

work=$(mktemp -d "${TMPDIR:-/tmp}/seedance-fuzz-XXXXXX")
echo "fuzz: $seconds s per harness, work directory $work"

export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$top/fuzz/lsan.supp
export GIO_USE_PROXY_RESOLVER=dummy

passed=0
failed=0
for h in "${harnesses[@]}"; do
  name=fuzz-$h
  dir=$work/$name
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp "$top/fuzz/corpus/$name/"* "$dir/corpus/"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
    -print_final_stats=1 -detect_leaks=1 -artifact_prefix="$dir/artifacts/")
  [ -f "$top/fuzz/$name.dict" ] && args+=(-dict="$top/fuzz/$name.dict")

  start=$(date +%s)
  # libFuzzer stops itself; the outer bound is for a fuzzer that cannot.
  (cd "$dir" && timeout -k 10 $((seconds + 300)) \
    "$builddir/fuzz/$name" "${args[@]}" "$dir/corpus") >"$dir/log" 2>&1
  status=$?
  elapsed=$(( $(date +%s) - start ))
  [ "$elapsed" -gt 0 ] || elapsed=1

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
  execs=${execs:-0}
  artifacts=$(find "$dir/artifacts" -type f \( -name 'crash-*' -o \
    -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
  crashes=$(printf '%s' "$artifacts" | grep -c . || true)
  echo "$name: $execs executions in $elapsed s ($((execs / elapsed))/s), $crashes crashes"

  if [ "$status" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "$execs" -gt 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "$name: FAILED (exit status $status); log $dir/log"
    while IFS= read -r a; do
      [ -n "$a" ] || continue
      echo "$name: reproducer $a"
      echo "$name:   reproduce: $builddir/fuzz/$name '$a'"
    done <<<"$artifacts"
    echo "---- end of the log of $name ----"
    tail -n 40 "$dir/log"
    echo "----"
  fi
done

if [ "$failed" -eq 0 ] && [ -z "${SEEDANCE_FUZZ_KEEP:-}" ]; then
  rm -rf "$work"
fi
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
