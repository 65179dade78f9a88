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
# e.g. "Executed 125 tests, with 1 test skipped and 0 failures (0 unexpected) in 53.8 (53.8) seconds"
number() { grep -oE "$1" <<<"$summary" | grep -oE "^[0-9]+|[0-9]+" | head -n 1; }
executed=$(number "Executed [0-9]+")
failures=$(number "[0-9]+ failures?")
skipped=$(number "[0-9]+ tests? skipped" || true)
skipped=${skipped:-0}
rm -f "$log"
if [ -z "$summary" ]; then
    echo "tests: no XCTest summary found"
    exit 1
fi
echo "tests: $((executed - failures - skipped)) passed, ${failures} failed, ${skipped} skipped"
exit "$status"
