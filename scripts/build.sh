#!/usr/bin/env bash
# Configures and builds Hotline into ./build (Release with debug info, warnings as errors).
# Two jobs: a 2-core machine; ccache is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_WERROR=ON >/dev/null
ninja -C build -j2
