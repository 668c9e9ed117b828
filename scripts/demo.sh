#!/usr/bin/env bash
# Installs what is needed, builds, and runs the demo center: `hotline serve` with the bundled
# demo center on an embedded SQLite event log in ./hotline-data: the web UI at
# http://127.0.0.1:8080/, the API under /api/v1. The first start prints the admin password
# (also in hotline-data/initial-admin-password): sign in to the UI as admin with it.
# Ctrl-C stops it cleanly; running this again resumes where it stopped.
# Phones: it answers SIP calls at 127.0.0.1:5060 (dial 1000; docs/voice.md). HOTLINE_SIP=IP:PORT
# changes the address (a LAN IP for phones on other machines), HOTLINE_SIP=off turns voice off,
# and a --sip argument of your own wins.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
sip=(--sip "${HOTLINE_SIP:-127.0.0.1:5060}")
if [[ "${HOTLINE_SIP:-}" == off || " $* " == *" --sip"* ]]; then sip=(); fi
exec ./build/src/cli/hotline serve "${sip[@]}" "$@"
