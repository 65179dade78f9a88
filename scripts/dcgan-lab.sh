#!/usr/bin/env bash
# Installs what the build needs, builds the release binary and runs it with the given arguments.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup-debian.sh"
(cd "$root" && swift build -c release --product dcgan-lab >&2)
exec "$root/.build/release/dcgan-lab" "$@"
