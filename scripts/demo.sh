#!/usr/bin/env bash
# Installs what is needed, builds, and runs the demo center: `hotline serve` with the bundled
# demo center on an embedded SQLite event log in ./hotline-data: the web UI at
# http://127.0.0.1:8080/, the API under /api/v1. The first start prints the admin password
# (also in hotline-data/initial-admin-password): sign in to the UI as admin with it.
# Ctrl-C stops it cleanly; running this again resumes where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec ./build/src/cli/hotline serve "$@"
