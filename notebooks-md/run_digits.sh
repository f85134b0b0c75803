#!/usr/bin/env bash
# Digits (1797 x 64): EBSC, its ablations and the classical methods, 3 seeds each.
# Usage: bash notebooks-md/run_digits.sh [path/to/dsc]  → notebooks-md/logs/digits-*.json
# EBSC_ONLY=1: only the EBSC rows (the classical methods' rows do not change with EBSC's code).
set -euo pipefail
cd "$(dirname "$0")/.."
DSC=${1:-$(swift build -c release --show-bin-path)/dsc}
mkdir -p notebooks-md/logs
run() {  # name, then dsc cluster options
  local name=$1; shift
  for seed in 0 1 2; do
    "$DSC" cluster datasets/digits.h5 -k 10 --seed $seed --json --quiet "$@" > notebooks-md/logs/digits-$name-s$seed.json
  done
}
run ebsc --method ebsc                                  # SimCLR, joint, no refinement (feature vectors)
run ebsc-refine100 --method ebsc --refine-steps 100
run ebsc-moco --method ebsc --objective moco
run ebsc-no-joint --method ebsc --no-joint
run ebsc-raw --method ebsc --raw-features
[ "${EBSC_ONLY:-0}" = 1 ] && exit 0
run ensc --method ensc
run ssc-omp --method ssc-omp
run spectral --method spectral
run kmeans --method kmeans
