#!/usr/bin/env bash
# Installs what the build needs, then builds and runs every test. Ends with one line
# "tests: N passed, M failed" summed over the XCTest bundles.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
swift build --build-tests
log=$(mktemp)
status=0
swift test --skip-build 2>&1 | tee "$log" || status=$?
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with" "$log" | tail -n 1 || true)
executed=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")
failures=$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")
skipped=$(grep -oE "with [0-9]+ tests? skipped" <<<"$summary" | grep -oE "[0-9]+" || echo 0)
rm -f "$log"
if [ -z "$summary" ]; then
    echo "tests: no XCTest summary found"
    exit 1
fi
echo "tests: $((executed - failures - skipped)) passed, ${failures} failed, ${skipped} skipped"
exit "$status"
