#!/usr/bin/env bash
# Makes a clip for a prompt: ./tools/make-clip.sh "PROMPT" [OUTPUT.mp4] [PROPERTY=VALUE ...]
# Installs and builds what it needs. With MODELLIX_API_KEY set it asks the
# real Modellix API (and pays for the clip); without it, it starts the
# project's own emulator on loopback and says so.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prompt=${1:-}
output=${2:-clip.mp4}
if [ -z "$prompt" ]; then
  echo "usage: $0 \"PROMPT\" [OUTPUT.mp4] [PROPERTY=VALUE ...]" >&2
  exit 2
fi
shift $(( $# >= 2 ? 2 : 1 ))

source "$top/tools/setup.sh"

export GST_PLUGIN_PATH="$builddir/gst/seedance${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
emulator_pid=""
cleanup () {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -f "${emulator_out:-}"
}
trap cleanup EXIT

if [ -z "${MODELLIX_API_KEY:-}" ]; then
  emulator_out=$(mktemp)
  "$builddir/tools/seedance-emulator/seedance-emulator" --api-port 0 \
    --files-port 0 --generation-ms 3000 >"$emulator_out" 2>/dev/null &
  emulator_pid=$!
  for _ in $(seq 100); do
    grep -q '^MODELLIX_BASE_URL=' "$emulator_out" && break
    sleep 0.1
  done
  base_url=$(sed -n 's/^MODELLIX_BASE_URL=//p' "$emulator_out")
  if [ -z "$base_url" ]; then
    echo "the emulator did not start" >&2
    exit 1
  fi
  echo "MODELLIX_API_KEY is not set: using the gst-seedance emulator at $base_url" \
       "(a locally rendered stand-in, not Seedance). Set MODELLIX_API_KEY to use the real API." >&2
  export MODELLIX_BASE_URL="$base_url"
  export MODELLIX_API_KEY="emulator-key-not-a-secret"
fi

gst-launch-1.0 seedancesrc prompt="$prompt" poll-interval=500 "$@" \
  ! filesink location="$output"
echo "Wrote $(realpath "$output")"
