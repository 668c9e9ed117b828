#!/usr/bin/env bash
# Builds the web UI (web/ → web/dist: `npm ci` when node_modules is missing or older than
# package-lock.json, then `npm run build`), then configures and builds Hotline into ./build
# (Release with debug info, warnings as errors), which compiles web/dist into the program.
# Two jobs: a 2-core machine; ccache is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== web UI (npm run build in web/)" >&2
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  touch web/node_modules  # npm ci may keep an older directory time: mark it current
fi
if ! out=$(cd web && npm run --silent build 2>&1); then
  echo "$out" >&2
  exit 1
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_WERROR=ON >/dev/null
ninja -C build -j2
