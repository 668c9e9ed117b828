#!/usr/bin/env bash
# Builds, runs the end-to-end suite (ctest label e2e: Chromium drives every screen of the web UI)
# and copies the screenshots it made (build/test-artifacts/screens/*.png) into docs/images/, where
# docs/user-guide.md shows them. Run it after a screen changes, and commit docs/images/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
rm -rf build/test-artifacts/screens
(cd build && ctest -L e2e -j2 --output-on-failure --timeout 600)
mkdir -p docs/images
cp build/test-artifacts/screens/*.png docs/images/
echo "screenshots: $(ls build/test-artifacts/screens/*.png | wc -l) copied to docs/images/" >&2
