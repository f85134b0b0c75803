#!/usr/bin/env bash
# `make bench`: speed and memory figures for README. Never part of `make test`.
# MNIST figures need datasets/mnist.h5 (`make datasets`); scikit-learn side-by-side runs need
# `pip install scikit-learn h5py` and are skipped without them.
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
  /usr/bin/env time -v "$BIN/dsc" cluster datasets/mnist.h5 --clusters 10 --quiet --json 2> /tmp/dsc-bench-time.txt \
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

echo "== training step: residual CNN 32-64-128, batch 256 of 28x28, AdamW (PyTorch peer side by side when installed)"
"$B" trainstep --steps 20 --warmup 2
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  /usr/bin/python3 Benchmarks/peer_torch.py --steps 20 --warmup 2
else
  echo "(PyTorch peer skipped: apt-get install python3-torch)"
fi
