#!/usr/bin/env bash
# Builds the web UI (web/ → web/dist: `npm ci` when node_modules is missing or older than
# package-lock.json, then `npm run build`), then configures and builds Hotline into ./build
# (Release with debug info, warnings as errors), which compiles web/dist into the program.
# Two jobs: a 2-core machine; ccache is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== web UI (npm run build in web/)" >&2
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
  # A registry mirror may lack other platforms' optional packages (rollup's), which the lock then
  # leaves out and `npm ci` refuses; `npm install --no-save` installs from the same lock and
  # writes nothing back.
  if ! out=$(cd web && npm ci --no-audit --no-fund --loglevel=error 2>&1); then
    echo "build: npm ci refused web/package-lock.json; installing from it with npm install" >&2
    (cd web && npm install --no-save --no-audit --no-fund --loglevel=error)
  fi
  touch web/node_modules  # npm may keep an older directory time: mark it current
fi
if ! out=$(cd web && npm run --silent build 2>&1); then
  echo "$out" >&2
  exit 1
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_WERROR=ON >/dev/null
ninja -C build -j2
