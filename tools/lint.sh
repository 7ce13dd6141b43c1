#!/usr/bin/env bash
# Static checks of the C sources: ./tools/lint.sh [BUILDDIR]
#
#   clang-tidy  with the checked-in .clang-tidy, on every .c file of gst/,
#               tools/, tests/, examples/, bench/ (and fuzz/) that the
#               build compiles;
#   cppcheck    warning, style, performance and portability checks;
#   gst-indent  GStreamer's GNU indent settings, run twice on a copy of each
#               .c file: the copy must come out unchanged.
#
# BUILDDIR (or SEEDANCE_BUILDDIR; default: the build/ of this checkout)
# must hold the compile_commands.json that `meson setup` writes. The
# script installs nothing: tools/debian-packages.txt lists clang-tidy,
# cppcheck and indent. SEEDANCE_LINT_JOBS sets the parallelism (default:
# the number of CPUs).
#
# Prints each finding, then one line per tool, and ends with the line
# "lint: P passed, F failed" (each tool is one check, passed when it found
# nothing). Exits non-zero when a tool failed.
#
# To re-indent a file the way the check wants it, run indent with the
# GST_INDENT_OPTIONS below on it twice, as gst-indent does. Code that GNU
# indent mangles (G_GNUC_PRINTF prototypes, G_DEFINE_QUARK) goes between
# /* *INDENT-OFF* */ and /* *INDENT-ON* */.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${1:-${SEEDANCE_BUILDDIR:-$top/build}}
if [ ! -f "$builddir/compile_commands.json" ]; then
  echo "lint: no $builddir/compile_commands.json: run meson setup first" >&2
  exit 2
fi
builddir=$(cd "$builddir" && pwd)
jobs=${SEEDANCE_LINT_JOBS:-$(nproc)}
cd "$top"

# The options of GStreamer's gst-indent script (common/gst-indent), plus
# --ignore-profile so that a ~/.indent.pro cannot change the result.
GST_INDENT_OPTIONS=(--ignore-profile --braces-on-if-line
  --case-brace-indentation0 --case-indentation2
  --braces-after-struct-decl-line --line-length80 --no-tabs --cuddle-else
  --dont-line-up-parentheses --continuation-indentation4 --honour-newlines
  --tab-size8 --indent-level2 --leave-preprocessor-space)

# gst/ and tools/ must be clean; the others are checked as well.
dirs=()
for d in gst tools tests examples bench fuzz; do
  [ -d "$d" ] && dirs+=("$d")
done
mapfile -t sources < <(find "${dirs[@]}" -name '*.c' -type f | LC_ALL=C sort)


tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
report () {                     # report TOOL FINDINGS FILES START
  local tool=$1 n=$2 files=$3 start=$4
  echo "$tool: $n findings in $files files ($(($(date +%s) - start)) s)"
  if [ "$n" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
}

# clang-tidy names files as the compile commands do, relative to the build
# directory: makes "../src/gst/x.c:1:2: ..." and "/build/../src/gst/x.c:1:2:
# ..." read "gst/x.c:1:2: ...".
normalize_paths () {
  sed -E -e "/^[^ /:][^ :]*:[0-9]+:[0-9]+: /s#^#$builddir/#" \
    -e ':a' -e 's#^([^ ]*)/([^/.][^/ ]*|\.[^/. ][^/ ]*)/\.\./#\1/#' -e 'ta' \
    -e "s#^$top/##"
}

# --- clang-tidy -----------------------------------------------------------
run_clang_tidy () {
  local start n missing=() tidy=() f
  start=$(date +%s)
  if ! command -v clang-tidy >/dev/null; then
    echo "clang-tidy: not installed" >&2
    report clang-tidy 1 0 "$start"
    return
  fi
  # The files the build compiles, as absolute paths.
  /usr/bin/python3 - "$builddir/compile_commands.json" >"$tmp/compiled" <<'EOF'
import json, os, sys
for entry in json.load(open(sys.argv[1])):
    print(os.path.normpath(os.path.join(entry["directory"], entry["file"])))
EOF
  for f in "${sources[@]}"; do
    if grep -qxF "$top/$f" "$tmp/compiled"; then
      tidy+=("$f")
    else
      missing+=("$f")
    fi
  done
  n=0
  for f in "${missing[@]}"; do
    case $f in
      gst/* | tools/*)
        echo "$f: not in compile_commands.json: cannot be checked" >&2
        n=$((n + 1)) ;;
      *) echo "clang-tidy: $f is not built here: not checked" >&2 ;;
    esac
  done
  mkdir -p "$tmp/tidy"
  # One log per file; a file whose clang-tidy fails without a diagnostic
  # (a crash) leaves a .failed marker.
  # shellcheck disable=SC2016 # expanded by the inner bash
  printf '%s\n' "${tidy[@]}" | xargs -P "$jobs" -I{} bash -c '
      log="$3/tidy/$(echo "$1" | tr / _).log"
      clang-tidy -p "$2" --quiet "$1" >"$log" 2>&1 || touch "$log.failed"
    ' _ {} "$builddir" "$tmp"
  # Each diagnostic's first line, whether or not the check's name ends it:
  # a long message (a padding finding) puts the name lines below.
  grep -hE '^[^ :]+:[0-9]+:[0-9]+: (warning|error): ' \
    "$tmp"/tidy/*.log 2>/dev/null | normalize_paths | LC_ALL=C sort -u \
    >"$tmp/tidy-findings" || true
  # The diagnostics with their context, each once.
  for f in "$tmp"/tidy/*.log; do
    grep -v 'warnings\? generated\.$' "$f" | normalize_paths || true
  done | awk '/^[^ :]+:[0-9]+:[0-9]+: (warning|error): /{ keep = !seen[$0]++ }
              keep' >&2
  n=$((n + $(wc -l <"$tmp/tidy-findings")))
  for f in "$tmp"/tidy/*.log.failed; do
    [ -e "$f" ] || continue
    if ! grep -qE ': (warning|error): ' "${f%.failed}"; then
      echo "clang-tidy failed without a diagnostic:" >&2
      cat "${f%.failed}" >&2
      n=$((n + 1))
    fi
  done
  report clang-tidy "$n" "${#tidy[@]}" "$start"
}

# --- cppcheck -------------------------------------------------------------
run_cppcheck () {
  local start n includes=() d rc=0
  start=$(date +%s)
  if ! command -v cppcheck >/dev/null; then
    echo "cppcheck: not installed" >&2
    report cppcheck 1 0 "$start"
    return
  fi
  # Our headers and the build's config.h, but not GLib's or GStreamer's:
  # cppcheck reads those through its gtk (GLib), posix and gnu libraries.
  # Parsing the real system headers makes it slow and it gives up on
  # gstconfig.h's architecture check.
  while read -r d; do
    includes+=(-I "$d")
  done < <(find "${dirs[@]}" -name '*.h' -printf '%h\n' | LC_ALL=C sort -u)
  # variableScope is suppressed: the code declares its locals at the top
  # of a function (GStreamer style, -Wdeclaration-after-statement); moving
  # them into inner blocks is taste, not a bug.
  cppcheck --quiet -j "$jobs" --std=c11 --platform=unix64 \
    --enable=warning,style,performance,portability --inline-suppr \
    --library=gtk --library=posix --library=gnu \
    --suppress=variableScope \
    "${includes[@]}" -I "$builddir" -DHAVE_CONFIG_H \
    '-DG_LOG_DOMAIN="seedance"' \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]\n{code}' \
    "${sources[@]}" >"$tmp/cppcheck" 2>&1 || rc=$?
  cat "$tmp/cppcheck" >&2
  n=$(grep -cE '^[^ :]+:[0-9]+:[0-9]+: [a-z]+: .*\[[A-Za-z0-9_]+\]$' \
    "$tmp/cppcheck" || true)
  # Anything else it printed, or a failure of its own (a crash, a bad
  # option), is a failure too.
  if [ "$n" -eq 0 ] && { [ -s "$tmp/cppcheck" ] || [ "$rc" -ne 0 ]; }; then
    echo "cppcheck: exit status $rc" >&2
    n=1
  fi
  report cppcheck "$n" "${#sources[@]}" "$start"
}

# --- gst-indent -----------------------------------------------------------
run_indent () {
  local start n=0 f copy
  start=$(date +%s)
  if [[ $(indent --version 2>&1 || true) != *GNU* ]]; then
    echo "gst-indent: GNU indent is not installed" >&2
    report gst-indent 1 0 "$start"
    return
  fi
  mkdir -p "$tmp/indent"
  for f in "${sources[@]}"; do
    copy="$tmp/indent/$(echo "$f" | tr / _)"
    # gst-indent runs indent twice: the second pass settles what the first
    # one moved.
    if ! indent "${GST_INDENT_OPTIONS[@]}" "$f" -o "$copy.1" \
        2>"$copy.err" ||
      ! indent "${GST_INDENT_OPTIONS[@]}" "$copy.1" -o "$copy.2" \
        2>>"$copy.err"; then
      echo "$f: indent failed:" >&2
      cat "$copy.err" >&2
      n=$((n + 1))
    elif ! diff -u --label "a/$f" --label "b/$f" "$f" "$copy.2" >&2; then
      n=$((n + 1))
    fi
  done
  report gst-indent "$n" "${#sources[@]}" "$start"
}

run_clang_tidy
run_cppcheck
run_indent

echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
