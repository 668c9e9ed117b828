#!/usr/bin/env bash
# Installs the Debian 12 packages Hotline needs to build and test. Idempotent: packages already
# present are not touched, and apt is not called at all when nothing is missing.
# Node.js and npm (for the web UI's build) are wanted as commands, not as packages: a machine whose
# node comes from elsewhere (NodeSource's nodejs bundles npm) keeps it, and Debian's nodejs and
# npm are installed only when the commands are missing.
# Used by scripts/demo.sh, scripts/test.sh and .ci/run. Needs root (or sudo) for apt-get.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config clang-format
  # libraries (Boost is 1.81, never libboost-dev)
  libboost1.81-dev libfmt-dev libspdlog-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev
  # server: event log, password hashing, tokens
  libsqlite3-dev libargon2-dev libssl-dev
  # voice: SIP signalling, DTMF, recordings, resampling, text-to-speech (+ its voices)
  libsofia-sip-ua-dev libspandsp-dev libsndfile1-dev libsoxr-dev libespeak-ng-dev espeak-ng-data
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # integration tests and load tests: curl as a real HTTP client, sqlite3 to inspect the log
  curl jq sqlite3
  # voice tests and benchmarks: sipp as callers and agent phones, baresip as a real softphone
  sip-tester baresip
  # web UI end-to-end tests: Debian's Chromium, driven headless; a CJK font so Chinese renders
  chromium fonts-wqy-microhei
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present" >&2
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
