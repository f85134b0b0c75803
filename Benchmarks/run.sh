#!/usr/bin/env bash
# `make bench`: speed and memory figures for README. Never part of `make test`.
# MNIST figures need datasets/mnist.h5 (`make datasets`); scikit-learn side-by-side runs need
# `pip install scikit-learn h5py` and are skipped without them; the faiss side-by-side search needs
# `pip install faiss-cpu` and is skipped without it.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=$(swift build -c release --show-bin-path)
B="$BIN/DSCBench"
have_sklearn=0
python3 -c "import sklearn, h5py" 2>/dev/null && have_sklearn=1

echo "== machine"; nproc; "$B" sgemm
echo "== digits (1797 x 64), spectral, 5 seeds"
"$B" digits --seeds 5
if [ $have_sklearn = 1 ]; then python3 Benchmarks/peer_sklearn.py datasets/digits.h5 10 --seeds 5; fi

if [ -f datasets/mnist.h5 ]; then
  echo "== MNIST-70k, raw pixels: dsc cluster --method spectral end to end"
  /usr/bin/env time -v "$BIN/dsc" cluster datasets/mnist.h5 --clusters 10 --method spectral --quiet --json 2> /tmp/dsc-bench-time.txt \
    || echo "(dsc failed)"
  grep -E "Maximum resident|Elapsed" /tmp/dsc-bench-time.txt || true
  "$B" cluster datasets/mnist.h5 10 --seeds 3
  echo "== kNN graph alone (70000 x 784, k=10)"
  "$B" knn datasets/mnist.h5
  if [ $have_sklearn = 1 ]; then
    echo "== side by side on the first 20,000 MNIST images (scikit-learn spectral, nearest_neighbors, 10)"
    sub=$(mktemp --suffix=.h5)
    python3 Benchmarks/peer_sklearn.py datasets/mnist.h5 10 --rows 20000 --subset-out "$sub"
    "$B" cluster "$sub" 10 --seeds 1
    rm -f "$sub"
  fi
else
  echo "== MNIST skipped: run 'make datasets' to build datasets/mnist.h5"
fi

echo "== eigen-solver (Lanczos), 10 eigenvectors"
"$B" eigen 70000
"$B" eigen 1000000

echo "== exact search: Hamming against faiss IndexBinaryFlat, float against sgemm"
# The same 10,000 x 1,000,000 random 64-bit codes, top 10, searched by ours and then by faiss (one
# warm-up, median of 3 each); faiss's ids for the first 5 queries are checked against ours.
# Needs `pip install faiss-cpu` for the faiss line, skipped without it.
codes=$(mktemp -d)
"$B" hamming --queries 10000 --database 1000000 --bits 64 --top 10 --seed 0 --dump "$codes/h64"
if python3 -c "import faiss" 2>/dev/null; then
  python3 Benchmarks/peer_faiss.py "$codes/h64"
else
  echo "(faiss peer skipped: pip install faiss-cpu)"
fi
rm -rf "$codes"
# Float search (.euclidean, 10,000 x 1,000,000 x 64) in GFLOP/s beside a 2048^3 sgemm in the same
# process; when the environment pins OpenBLAS (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE), once as set and
# once with both unset.
"$B" floatsearch --queries 10000 --database 1000000 --dimension 64 --top 10
if [ -n "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ]; then
  echo "-- the same with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$B" floatsearch --queries 10000 --database 1000000 --dimension 64 --top 10
fi

echo "== conv2d per backbone shape, batch 256: forward and backward alone, GFLOPS"
"$B" conv

echo "== training step: residual CNN 32-64-128, batch 256 of 28x28, AdamW (PyTorch peer side by side when installed)"
# Ours and PyTorch interleaved ROUNDS times (default 3): a 2-core machine's load changes both,
# so the ratio is taken pair by pair and by the medians of the rounds' median steps.
# OpenBLAS's kernels are part of the figure: an environment may pin them (OPENBLAS_CORETYPE, e.g.
# Haswell's AVX2 kernels on a CPU with AVX-512, which halves sgemm). The rounds run as the
# environment sets them and, when it pins a core, once more with the pin removed for both sides,
# each labelled with the kernels that ran.
rounds=${ROUNDS:-3}
ratio_rounds() {  # $1: label; runs with the current environment
  local ours=() theirs=() out
  echo "-- $1"
  for ((r = 1; r <= rounds; r++)); do
    out=$("$B" trainstep --steps 20 --warmup 2)
    echo "$out"
    ours+=("$(sed -n 's/^train step: \([0-9.]*\) ms median.*/\1/p' <<<"$out")")
    if /usr/bin/python3 -c "import torch" 2>/dev/null; then
      out=$(/usr/bin/python3 Benchmarks/peer_torch.py --steps 20 --warmup 2)
      echo "$out"
      theirs+=("$(sed -n 's/^torch train step: \([0-9.]*\) ms median.*/\1/p' <<<"$out")")
    fi
  done
  if [ ${#theirs[@]} -gt 0 ]; then
    python3 - "${ours[*]}" "${theirs[*]}" "$1" <<'PY'
import statistics, sys
ours, theirs = [list(map(float, a.split())) for a in sys.argv[1:3]]
pairs = " / ".join(f"{t / o:.2f}x" for o, t in zip(ours, theirs))
mo, mt = statistics.median(ours), statistics.median(theirs)
print(f"train step ratio (PyTorch time / ours), {sys.argv[3]}: {pairs} pair by pair; {mt / mo:.2f}x by the "
      f"medians ({mo:.0f} against {mt:.0f} ms; goal >= 1.2x)")
PY
  else
    echo "(PyTorch peer skipped: apt-get install python3-torch)"
  fi
}
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  ratio_rounds "OpenBLAS kernels as this environment pins them (OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE)"
  ( unset OPENBLAS_CORETYPE; ratio_rounds "OpenBLAS's own kernel choice for this CPU (OPENBLAS_CORETYPE unset for both)" )
else
  ratio_rounds "OpenBLAS's own kernel choice for this CPU"
fi
