#!/usr/bin/env bash
# Installs the Debian packages gst-seedance needs (only when one is missing)
# and builds the project into ./build. Sourced by make-clip.sh and
# run-tests.sh; safe to run again.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${SEEDANCE_BUILDDIR:-$top/build}
# Extra meson options of a build of another kind (sanitize.sh sets them).
read -r -a extra_meson_options <<<"${SEEDANCE_MESON_OPTIONS:-}"

install_packages () {
  local pkgs missing=()
  mapfile -t pkgs < <(grep -v '^#' "$top/tools/debian-packages.txt" | grep .)
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

build_project () {
  local log
  log=$(mktemp)
  if [ -f "$builddir/build.ninja" ] && [ ${#extra_meson_options[@]} -gt 0 ]; then
    # A build dir made with other options is brought back to these.
    meson configure "$builddir" "${extra_meson_options[@]}" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; return 1; }
  elif [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$top" -Dtests=enabled -Dexamples-ges=enabled \
      "${extra_meson_options[@]}" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; return 1; }
  fi
  ninja -C "$builddir" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; return 1; }
  rm -f "$log"
}

# run_suites LABEL LOG REPORT [meson test options]: every suite of
# $builddir; fails on a failed test or on a line of meson-logs/LOG.txt
# matching the extended regex REPORT (when given), and ends with
# "LABEL: N passed, N failed" counted from meson-logs/LOG.json.
run_suites () {
  local label=$1 log=$builddir/meson-logs/$2 report=$3 status=0
  shift 3
  meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@" \
    || status=$?
  if [ -n "$report" ] && grep -E -n "$report" "$log.txt"; then
    echo "$label: the reports above fail this stage" >&2
    status=1
  fi
  python3 "$top/tools/count-tests.py" --label "$label" "$log.json" || status=1
  return $status
}

install_packages
build_project
