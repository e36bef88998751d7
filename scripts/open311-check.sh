#!/usr/bin/env bash
# Open311 conformance with a third-party client only: scripts/python-checks.sh (one demo server,
# every Python check) narrowed to Tests/Python/test_open311_client.py. Kept for habit and scripts
# that call it; exits as python-checks.sh does (75 when the Python packages are not installed).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/python-checks.sh "${1:-.build/debug/wangge}" -- Tests/Python/test_open311_client.py
