#!/usr/bin/env python3
"""SSC-OMP on digits with scikit-learn, to cross-check `dsc cluster --method ssc-omp`.

Each sample (rows scaled to unit L2 norm) is coded by orthogonal matching pursuit against all
other samples (`orthogonal_mp_gram`, ATOMS non-zeros), the affinity is |C| + |C|^T, and
SpectralClustering(affinity="precomputed") labels it; ACC (Hungarian) and NMI for two seeds.

Usage: python3 notebooks-md/sscomp_sklearn.py [ATOMS]   (from the repository root; ~70 s)
"""
import sys

import h5py
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import SpectralClustering
from sklearn.linear_model import orthogonal_mp_gram
from sklearn.metrics import normalized_mutual_info_score


def accuracy(truth, predicted):
    k = max(truth.max(), predicted.max()) + 1
    counts = np.zeros((k, k))
    for t, p in zip(truth, predicted):
        counts[t, p] += 1
    rows, cols = linear_sum_assignment(-counts)
    return counts[rows, cols].sum() / len(truth)


def main():
    atoms = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with h5py.File("datasets/digits.h5", "r") as f:
        x = np.asarray(f["features"], dtype=np.float64)
        labels = np.asarray(f["labels"])
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    n = len(x)
    gram = x @ x.T
    coefficients = np.zeros((n, n))
    for j in range(n):
        others = np.flatnonzero(np.arange(n) != j)
        coefficients[others, j] = orthogonal_mp_gram(gram[np.ix_(others, others)], gram[others, j],
                                                     n_nonzero_coefs=atoms)
    affinity = np.abs(coefficients) + np.abs(coefficients).T
    for seed in range(2):
        predicted = SpectralClustering(10, affinity="precomputed", random_state=seed).fit_predict(affinity)
        print(f"atoms {atoms} seed {seed}: ACC {accuracy(labels, predicted):.4f} "
              f"NMI {normalized_mutual_info_score(labels, predicted):.4f}")


if __name__ == "__main__":
    main()
