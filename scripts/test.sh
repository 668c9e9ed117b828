#!/usr/bin/env bash
# Installs what is needed, builds, checks formatting and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

echo "== formatting (clang-format, .clang-format)" >&2
unformatted=$(git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror 2>&1 | grep -c "warning:" || true)
if [ "$unformatted" != "0" ]; then
  git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror 2>&1 | head -20 >&2
  echo "formatting: $unformatted places differ from .clang-format (run clang-format -i)" >&2
  exit 1
fi

echo "== tests (ctest)" >&2
cd build
ctest --output-on-failure -j2 --timeout 600
