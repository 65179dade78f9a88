#!/usr/bin/env python3
"""Compares a metric of two studies run with the same plan but one change (for example
`--precision bfloat16` against float32): per variant, the mean over seeds in each study, the
spread between seeds (sample standard deviation and range within each study), the change of the
mean, and whether that change is smaller than the spread between seeds.

    scripts/compare-studies.py STUDY_A STUDY_B [--metric fid]

Reads each study's results.csv; uses only the standard library.
"""
import argparse
import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def load(study: Path, metric: str) -> dict:
    path = study / "results.csv"
    if not path.is_file():
        sys.exit(f"compare-studies: {path} not found; pass a study directory that has finished")
    values = defaultdict(dict)
    with path.open() as f:
        for row in csv.DictReader(f):
            if metric not in row:
                sys.exit(f"compare-studies: {path} has no column '{metric}'")
            if row.get("status") == "completed" and row[metric]:
                values[row["variant"]][int(row["seed"])] = float(row[metric])
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--metric", default="fid")
    args = parser.parse_args()
    a, b = load(args.a, args.metric), load(args.b, args.metric)
    print(f"{args.metric}: A = {args.a}, B = {args.b}")
    print(f"{'variant':<16} {'A mean':>8} {'A sd':>7} {'B mean':>8} {'B sd':>7} {'B - A':>8} "
          f"{'seed sd':>8} {'seed range':>10}  |B - A| < seed sd")
    for variant in a:
        if variant not in b:
            continue
        seeds = sorted(set(a[variant]) & set(b[variant]))
        if len(seeds) < 2:
            continue
        va = [a[variant][s] for s in seeds]
        vb = [b[variant][s] for s in seeds]
        sd_a, sd_b = statistics.stdev(va), statistics.stdev(vb)
        # The spread between seeds: the pooled standard deviation of the two studies, and the
        # smaller of their ranges.
        pooled = ((sd_a ** 2 + sd_b ** 2) / 2) ** 0.5
        spread = min(max(va) - min(va), max(vb) - min(vb))
        change = statistics.mean(vb) - statistics.mean(va)
        print(f"{variant:<16} {statistics.mean(va):8.2f} {sd_a:7.2f} {statistics.mean(vb):8.2f} "
              f"{sd_b:7.2f} {change:+8.2f} {pooled:8.2f} {spread:10.2f}  "
              f"{'yes' if abs(change) < pooled else 'no'} ({len(seeds)} seeds)")


if __name__ == "__main__":
    main()
