#!/usr/bin/env bash
# Side-by-side speed of dcgan-lab and the PyTorch peer benchmark on this machine.
# Runs each case ROUNDS times, alternating ours and PyTorch's so both see the same machine
# load, and prints the median images per second of each and their ratio.
#
#   scripts/bench-vs-pytorch.sh [ROUNDS] [THREADS] [CASE...]
# CASE is any of train64 train28 dropout nobn-d generate64 (default: all).
# Needs PyTorch in $TORCH_PYTHON (default ~/torch-venv/bin/python) and ../shared/bench.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
threads="${2:-2}"
python="${TORCH_PYTHON:-$HOME/torch-venv/bin/python}"
peer="${PEER_BENCH:-$root/../shared/bench/pytorch_dcgan_bench.py}"
(cd "$root" && swift build -c release --product dcgan-lab >&2)
ours="$root/.build/release/dcgan-lab"

# case name : our bench case : peer arguments
cases=(
    "train64:train64:--variant base"
    "train28:train28:--variant dcgan28"
    "dropout:dropout:--variant dropout"
    "nobn-d:nobn-d:--variant nobn_d"
    "generate64:generate:--variant base --infer"
)
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf "%-12s %12s %12s %8s   (threads %s, %s rounds, medians)\n" case "ours img/s" "torch img/s" ratio "$threads" "$rounds"
wanted=("${@:3}")
for spec in "${cases[@]}"; do
    IFS=: read -r name mine theirs <<<"$spec"
    if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
    our_rates=(); peer_rates=()
    for _ in $(seq "$rounds"); do
        our_rates+=("$("$ours" bench --case "$mine" --threads "$threads" --repetitions 5 --json \
            | sed -n 's/^JSON .*"img_per_s": \([0-9.]*\).*/\1/p')")
        # shellcheck disable=SC2086
        peer_rates+=("$("$python" "$peer" $theirs --threads "$threads" --iters 10 --warmup 3 \
            | sed -n 's/^JSON .*"img_per_s": \([0-9.]*\).*/\1/p')")
    done
    a=$(printf "%s\n" "${our_rates[@]}" | median)
    b=$(printf "%s\n" "${peer_rates[@]}" | median)
    printf "%-12s %12.1f %12.1f %8.2f\n" "$name" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {print a / b}')"
done
