#!/usr/bin/env bash
# Installs the Debian packages DCGANLab builds and runs with. Safe to run again: it only
# calls apt-get when a package is missing.
set -euo pipefail
packages=(libopenblas-dev liblapacke-dev zlib1g-dev dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
