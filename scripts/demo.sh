#!/usr/bin/env bash
# Installs what is needed, builds, and runs the demo. Until the server lands (issue 4), the demo
# is the routing benchmark on a 10,000-agent synthetic center; then it becomes `hotline serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/src/cli/hotline config check examples/demo/hotline.yaml
exec ./build/src/cli/hotline bench routing "$@"
