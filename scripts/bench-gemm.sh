#!/usr/bin/env bash
# GFLOP/s of our packed sgemm against OpenBLAS (default CPU detection, and forced SkylakeX and
# Haswell kernels, which must be chosen before the library loads, hence separate processes) on
# the DCGAN's convolution shapes, 1 and 2 threads. Variants run alternately, ROUNDS times, and
# the table shows medians over rounds (each itself a median of REPS timings): the machine is
# shared, so only side-by-side ratios mean much.
#   scripts/bench-gemm.sh [ROUNDS] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
reps=${2:-5}
swift build -c release --product dcgan-lab >&2
bin=.build/release/dcgan-lab
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((round = 1; round <= rounds; round++)); do
    for threads in 1 2; do
        for variant in packed blas blas:SkylakeX blas:Haswell; do
            echo "round $round, $threads threads, $variant" >&2
            backend=${variant%%:*}
            core=${variant#*:}
            [[ $core == "$variant" ]] && core=""
            env DCGANLAB_GEMM="$backend" ${core:+OPENBLAS_CORETYPE=$core} \
                "$bin" bench --case gemm --threads "$threads" --repetitions "$reps" --json |
                sed -n "s/^JSON /$variant /p" >>"$log"
        done
    done
done
python3 - "$log" <<'PY'
import json, statistics, sys
from collections import defaultdict
rates = defaultdict(list)
shapes = []
for line in open(sys.argv[1]):
    variant, payload = line.split(" ", 1)
    row = json.loads(payload)
    if row["shape"] not in shapes:
        shapes.append(row["shape"])
    rates[(row["shape"], row["threads"], variant)].append(row["gflops"])
variants = ["packed", "blas", "blas:SkylakeX", "blas:Haswell"]
print("GFLOP/s, median of rounds; 'ours/best' is packed over the best OpenBLAS variant")
print(f"| {'M x N x K op':<22} | thr | {' | '.join(f'{v:>13}' for v in variants)} | ours/best |")
print(f"|{'-' * 24}|-----|{'|'.join('-' * 15 for _ in variants)}|-----------|")
for threads in (1, 2):
    for shape in shapes:
        med = [statistics.median(rates[(shape, threads, v)]) for v in variants]
        print(f"| {shape:<22} | {threads:>3} | {' | '.join(f'{r:13.1f}' for r in med)} "
              f"| {med[0] / max(med[1:]):9.2f} |")
PY
