#!/usr/bin/env bash
# Installs what the build needs, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
swift build --build-tests
swift test --skip-build
