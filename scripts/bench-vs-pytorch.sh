#!/usr/bin/env bash
# Side-by-side speed of dcgan-lab and the PyTorch peer benchmarks on this machine.
# Runs each case ROUNDS times, alternating ours and PyTorch's so both see the same machine
# load, and prints the median images per second of each, their ratio, and the median peak
# resident memory of each process (MiB, from /usr/bin/time). For the training and generation
# cases each round also times OpenBLAS's 1024x1024x1024 sgemm on as many threads (with the
# kernel OpenBLAS picks for this CPU and with its Haswell kernel, the faster one counting) and
# prints our step's GFLOP/s as a share of it ("of sgemm", the median over rounds).
#
#   scripts/bench-vs-pytorch.sh [ROUNDS] [THREADS] [CASE...]
# CASE is any of train64 train64-nhwc train28 dropout nobn-d generate64 inception (default:
# all); train64-nhwc is our train64 against the peer in PyTorch's channels-last layout, its
# fastest here.
# PRECISION=bfloat16 runs our side in the bfloat16 mode (the peer stays float32).
# Needs PyTorch in $TORCH_PYTHON (default ~/torch-venv/bin/python) and ../shared/bench.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
threads="${2:-2}"
precision="${PRECISION:-float32}"
python="${TORCH_PYTHON:-$HOME/torch-venv/bin/python}"
peer="${PEER_BENCH:-$root/../shared/bench/pytorch_dcgan_bench.py}"
inception_peer="$root/scripts/pytorch_inception_bench.py"
(cd "$root" && swift build -c release --product dcgan-lab >&2)
ours="$root/.build/release/dcgan-lab"

# case name : our bench arguments : peer script : peer arguments
cases=(
    "train64:--case train64 --repetitions 10:$peer:--variant base --iters 10 --warmup 3"
    "train64-nhwc:--case train64 --repetitions 10:$peer:--variant base --iters 10 --warmup 3 --channels-last"
    "train28:--case train28 --repetitions 10:$peer:--variant dcgan28 --iters 10 --warmup 3"
    "dropout:--case dropout --repetitions 10:$peer:--variant dropout --iters 10 --warmup 3"
    "nobn-d:--case nobn-d --repetitions 10:$peer:--variant nobn_d --iters 10 --warmup 3"
    "generate64:--case generate --repetitions 20:$peer:--variant base --infer --iters 10 --warmup 3"
    "inception:--case inception --repetitions 3:$inception_peer:--images 64 --repeats 3"
)
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# From a JSON line: the median images per second, the fastest iteration's milliseconds
# ("best_ms" in ours, "min_ms" in the peer's), then GFLOP/s ("-" where a benchmark does not
# report a field).
rate() {
    sed -n 's/^JSON \(.*\)$/\1/p' | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
print(r["img_per_s"], r.get("best_ms", r.get("min_ms", "-")), r.get("gflops", "-"))'
}
# The faster of OpenBLAS's own kernel choice and its Haswell kernel on 1024^3, GFLOP/s.
sgemm() {
    for core in "" Haswell; do
        env DCGANLAB_GEMM=blas ${core:+OPENBLAS_CORETYPE=$core} "$ours" bench --case sgemm \
            --threads "$threads" --repetitions 3 --json | sed -n 's/^JSON .*"gflops": \([0-9.]*\).*/\1/p'
    done | sort -g | tail -n 1
}
memory_file=$(mktemp)
trap 'rm -f "$memory_file"' EXIT
# Runs a command under /usr/bin/time; prints its images per second, its fastest iteration in
# ms, its GFLOP/s, then its peak RSS in MiB.
measure() {
    local out
    out=$(/usr/bin/time -o "$memory_file" -f "%M" "$@" | rate)
    echo "$out $(awk '{printf "%.0f", $1 / 1024}' "$memory_file")"
}

# "best ratio": the two fastest iterations compared (median over rounds), the figure least
# moved by other guests' load on a shared machine; "ratio" compares median iterations.
printf "%-12s %12s %12s %8s %10s %10s %10s %9s %8s   (threads %s, %s rounds, medians)\n" \
    case "ours img/s" "torch img/s" ratio "best ratio" "ours MiB" "torch MiB" "sgemm GF" "of sgemm" \
    "$threads" "$rounds"
[ "$precision" = float32 ] || echo "ours in $precision, PyTorch in float32"
wanted=("${@:3}")
for spec in "${cases[@]}"; do
    IFS=: read -r name mine script theirs <<<"$spec"
    if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
    our_rates=(); peer_rates=(); our_mem=(); peer_mem=(); best_ratios=(); sgemms=(); shares=()
    for _ in $(seq "$rounds"); do
        # shellcheck disable=SC2086
        read -r r ours_best gf m < <(measure "$ours" bench $mine --threads "$threads" --precision "$precision" --json)
        our_rates+=("$r"); our_mem+=("$m")
        if [ "$gf" != "-" ]; then
            s=$(sgemm)
            sgemms+=("$s"); shares+=("$(awk -v a="$gf" -v b="$s" 'BEGIN {print a / b}')")
        fi
        # shellcheck disable=SC2086
        read -r r peer_best _ m < <(measure "$python" "$script" $theirs --threads "$threads")
        peer_rates+=("$r"); peer_mem+=("$m")
        if [ "$ours_best" != "-" ] && [ "$peer_best" != "-" ]; then
            best_ratios+=("$(awk -v a="$ours_best" -v b="$peer_best" 'BEGIN {print b / a}')")
        fi
    done
    a=$(printf "%s\n" "${our_rates[@]}" | median)
    b=$(printf "%s\n" "${peer_rates[@]}" | median)
    best="-"
    if [ ${#best_ratios[@]} -gt 0 ]; then
        best=$(printf "%.2f" "$(printf "%s\n" "${best_ratios[@]}" | median)")
    fi
    sgemm_cell="-"; share_cell="-"
    if [ ${#shares[@]} -gt 0 ]; then
        sgemm_cell=$(printf "%.1f" "$(printf "%s\n" "${sgemms[@]}" | median)")
        share_cell=$(printf "%.0f%%" "$(printf "%s\n" "${shares[@]}" | median | awk '{print 100 * $1}')")
    fi
    printf "%-12s %12.1f %12.1f %8.2f %10s %10s %10s %9s %8s\n" "$name" "$a" "$b" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN {print a / b}')" "$best" \
        "$(printf "%s\n" "${our_mem[@]}" | median)" "$(printf "%s\n" "${peer_mem[@]}" | median)" \
        "$sgemm_cell" "$share_cell"
done
