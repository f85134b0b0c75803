#!/usr/bin/env bash
# Usage: bash run_methods.sh DSC_BINARY OUTDIR [digits|mnist|all]
# (MNIST10K: the file make_mnist10k.py writes, by default datasets/mnist10k.h5)
# Runs a fixed set of dsc clusterings (seed 0) and stores OUTDIR/<name>.h5 (labels etc.),
# OUTDIR/<name>.json (stdout of --json), OUTDIR/<name>.err (stderr) and OUTDIR/times.tsv.
set -u
DSC=${1:?usage: run_methods.sh DSC_BINARY OUTDIR [digits|mnist|all]}
OUT=${2:?usage: run_methods.sh DSC_BINARY OUTDIR [digits|mnist|all]}
WHICH=${3:-all}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIGITS=${DIGITS:-$ROOT/datasets/digits.h5}
MNIST=${MNIST10K:-$ROOT/datasets/mnist10k.h5}
TIMEOUT=${TIMEOUT:-3600}   # seconds per run
mkdir -p "$OUT"
fail=0

run() {  # run NAME INPUT ARGS...
    local name=$1 input=$2; shift 2
    local cmd=("$DSC" cluster "$input" -k 10 --seed 0 "$@" --quiet --json --output "$OUT/$name.h5")
    rm -f "$OUT/$name.h5"
    echo "== $name: ${cmd[*]}" >&2
    local t0 t1 rc
    t0=$(date +%s.%N)
    timeout "$TIMEOUT" "${cmd[@]}" > "$OUT/$name.json" 2> "$OUT/$name.err"
    rc=$?
    t1=$(date +%s.%N)
    local secs; secs=$(python3 -c "print(f'{$t1-$t0:.1f}')")
    local acc; acc=$(python3 -c "import json,sys; print(json.load(open('$OUT/$name.json'))['metrics']['acc'])" 2>/dev/null || echo "?")
    printf '%s\t%s\t%s\t%s\n' "$name" "$secs" "$rc" "$acc" >> "$OUT/times.tsv"
    echo "   rc=$rc  ${secs}s  acc=$acc" >&2
    [ "$rc" -eq 0 ] || { fail=1; cat "$OUT/$name.err" >&2; }
}

if [ "$WHICH" = all ] || [ "$WHICH" = digits ]; then
    run digits_spectral           "$DIGITS" --method spectral
    run digits_kmeans             "$DIGITS" --method kmeans
    run digits_ensc               "$DIGITS" --method ensc
    run digits_ssc-omp            "$DIGITS" --method ssc-omp
    run digits_ebsc               "$DIGITS" --method ebsc
    run digits_spectral_layout200 "$DIGITS" --method spectral --layout-epochs 200
fi
if [ "$WHICH" = all ] || [ "$WHICH" = mnist ]; then
    run mnist10k_spectral         "$MNIST" --method spectral
    run mnist10k_kmeans           "$MNIST" --method kmeans
    run mnist10k_ssc-omp          "$MNIST" --method ssc-omp
    run mnist10k_ensc             "$MNIST" --method ensc
    run mnist10k_ebsc             "$MNIST" --method ebsc --epochs 1 --widths 8,16,32 --batch-size 256
    # the same on the [N,28,28] images: the residual CNN encoder (where --widths applies)
    run mnist10k_ebsc_images      "$MNIST" --method ebsc --features-dataset images --epochs 1 --widths 8,16,32 --batch-size 256
fi
exit $fail
