#!/usr/bin/env python3
"""Builds the data sets of `make bench-quality` from datasets/mnist.h5 (make datasets) and a seed.

    python3 datasets/make_suite.py [MNIST.h5] [OUTDIR]     (defaults: datasets/mnist.h5, datasets/suite)

Every file holds `features` (the samples as `dsc cluster` reads them by default) and `labels`
(int64; -1 marks a sample that belongs to no class and is left out of the scores). Written
atomically (a temporary file, then a rename). Nothing is downloaded.

    mnist10k.h5            MNIST's 10,000 test images, float32 [10000, 28, 28] in [0, 1]
    mnist10k-vectors.h5    the same images as feature vectors, float32 [10000, 784]
    mnist-imbalanced.h5    10,000 images drawn from all 70,000, class c holding (1 + 2c) % of them
                           (1 % to 19 %, which sums to 100 %); which class gets which share is seeded
    mnist-noise.h5         MNIST's test images with 1,000 of them (seeded) replaced by images of
                           uniform noise in [0, 1], labelled -1
    subspaces.h5           a union of 10 random 4-dimensional subspaces of R^10 (they intersect:
                           40 > 10), 300 points on each (Gaussian coefficients, rows scaled to unit
                           length), plus Gaussian noise of standard deviation 0.05 per coordinate
"""
import os
import sys

import h5py
import numpy as np


def write(path, features, labels, description):
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.create_dataset("features", data=features.astype(np.float32))
        f.create_dataset("labels", data=labels.astype(np.int64))
        f.attrs["description"] = description
        f.attrs["source"] = "datasets/make_suite.py"
    os.replace(tmp, path)
    print(f"{path}: {features.shape}, {len(set(labels.tolist()) - {-1})} classes")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "datasets/mnist.h5"
    out = sys.argv[2] if len(sys.argv) > 2 else "datasets/suite"
    if not os.path.exists(src):
        sys.exit(f"make_suite.py: {src} not found (run make datasets first)")
    os.makedirs(out, exist_ok=True)
    with h5py.File(src, "r") as f:
        x = f["features"][:].reshape(-1, 28, 28)
        y = f["labels"][:]
    test_x, test_y = x[60000:], y[60000:]
    write(os.path.join(out, "mnist10k.h5"), test_x, test_y, "MNIST test images")
    write(os.path.join(out, "mnist10k-vectors.h5"), test_x.reshape(-1, 784), test_y, "MNIST test images as vectors")

    rng = np.random.default_rng(0)
    shares = rng.permutation(np.arange(1, 20, 2)) / 100.0  # 1 % .. 19 %, summing to 1
    picked = []
    for c in range(10):
        pool = np.flatnonzero(y == c)
        picked.append(rng.choice(pool, int(round(shares[c] * 10000)), replace=False))
    idx = np.sort(np.concatenate(picked))
    write(os.path.join(out, "mnist-imbalanced.h5"), x[idx], y[idx], "MNIST, class sizes 1 % to 19 %")

    rng = np.random.default_rng(1)
    noisy_x, noisy_y = test_x.copy(), test_y.copy()
    noise = rng.choice(len(noisy_x), 1000, replace=False)
    noisy_x[noise] = rng.uniform(0, 1, size=(1000, 28, 28))
    noisy_y[noise] = -1
    write(os.path.join(out, "mnist-noise.h5"), noisy_x, noisy_y, "MNIST test images, 10 % uniform noise (-1)")

    rng = np.random.default_rng(2)
    rows, labels = [], []
    for c in range(10):
        basis, _ = np.linalg.qr(rng.standard_normal((10, 4)))
        points = rng.standard_normal((300, 4)) @ basis.T
        rows.append(points / np.linalg.norm(points, axis=1, keepdims=True))
        labels.append(np.full(300, c))
    xs = np.concatenate(rows) + 0.05 * rng.standard_normal((3000, 10))
    write(os.path.join(out, "subspaces.h5"), xs, np.concatenate(labels), "union of 10 subspaces of dim 4 in R^10")


if __name__ == "__main__":
    main()
