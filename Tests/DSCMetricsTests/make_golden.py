#!/usr/bin/env python3
"""Reference values for the DSCMetrics golden tests, from scikit-learn and SciPy.

Writes Tests/DSCMetricsTests/GoldenCases.swift (run from the repository root):

    python3 Tests/DSCMetricsTests/make_golden.py

Random labelings come from SplitMix64, re-implemented bit for bit in GoldenCases.swift's
`GoldenLabels.random`, so that only a seed, not hundreds of labels, goes into the Swift file.
Draw rule per sample: t = below(classes); if below(1000) < agreement then p = t % clusters else
p = below(clusters); then both indices are mapped through the value lists (gaps, negatives).
"""
import sys
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.optimize import linear_sum_assignment
from scipy.stats import entropy
from sklearn.metrics import (adjusted_mutual_info_score, adjusted_rand_score,
                             mutual_info_score, normalized_mutual_info_score)
from sklearn.metrics.cluster import contingency_matrix

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def random_labels(seed, n, classes, clusters, agreement, class_values, cluster_values):
    rng = SplitMix64(seed)
    truth, predicted = [], []
    for _ in range(n):
        t = rng.below(classes)
        p = t % clusters if rng.below(1000) < agreement else rng.below(clusters)
        truth.append(class_values[t] if class_values else t)
        predicted.append(cluster_values[p] if cluster_values else p)
    return truth, predicted


def reference(truth, predicted):
    """The snippet quoted in GoldenCases.swift."""
    c = contingency_matrix(truth, predicted)
    rows, cols = linear_sum_assignment(-c)
    return {
        "acc": c[rows, cols].sum() / len(truth),
        "mi": mutual_info_score(truth, predicted),
        "entropyTruth": entropy(np.unique(truth, return_counts=True)[1]),
        "nmiArithmetic": normalized_mutual_info_score(truth, predicted, average_method="arithmetic"),
        "nmiGeometric": normalized_mutual_info_score(truth, predicted, average_method="geometric"),
        "nmiMin": normalized_mutual_info_score(truth, predicted, average_method="min"),
        "nmiMax": normalized_mutual_info_score(truth, predicted, average_method="max"),
        "ari": adjusted_rand_score(truth, predicted),
        "ami": adjusted_mutual_info_score(truth, predicted),
    }


# (name, ("random", seed, n, classes, clusters, agreement, class_values, cluster_values))
# or (name, ("explicit", truth, predicted))
CASES = [
    ("independent 300, 5 classes vs 5 clusters", ("random", 1, 300, 5, 5, 0, None, None)),
    ("noisy 500, 4 classes vs 9 clusters", ("random", 2, 500, 4, 9, 700, None, None)),
    ("noisy 200, 8 classes vs 3 clusters", ("random", 3, 200, 8, 3, 600, None, None)),
    ("noisy 50, 10 classes vs 25 small clusters", ("random", 4, 50, 10, 25, 500, None, None)),
    ("gaps and negative values, 4 vs 5", ("random", 5, 120, 4, 5, 800,
                                          [-7, 0, 3, 100], [-1000, -2, 5, 42, 9999])),
    ("perfect match 100, 6 classes", ("random", 6, 100, 6, 6, 1000, None, None)),
    ("permuted match 150, 6 classes", ("random", 7, 150, 6, 6, 1000,
                                       None, [50, -3, 7, 0, 12, 8])),
    ("prediction all in one cluster", ("random", 8, 60, 3, 1, 0, None, [5])),
    ("truth one class, prediction 4 clusters", ("random", 9, 80, 1, 4, 0, [2], None)),
    ("both one cluster", ("random", 10, 10, 1, 1, 0, [-1], [3])),
    ("all distinct, permuted", ("explicit", list(range(20)),
                                [(7 * i + 3) % 20 for i in range(20)])),
    ("all distinct vs 2 clusters", ("explicit", list(range(12)), [i % 2 for i in range(12)])),
    ("single sample", ("explicit", [4], [-2])),
    ("two samples, split vs joined", ("explicit", [0, 1], [0, 0])),
    ("two samples, both split", ("explicit", [0, 1], [9, -9])),
    ("anti-correlated pairs", ("explicit", [0, 0, 1, 1], [0, 1, 0, 1])),
]


def swift_labels(spec):
    if spec[0] == "random":
        _, seed, n, classes, clusters, agreement, cv, pv = spec
        fmt = lambda v: "nil" if v is None else "[" + ", ".join(map(str, v)) + "]"
        return (f".random(seed: {seed}, count: {n}, classes: {classes}, clusters: {clusters}, "
                f"agreement: {agreement}, classValues: {fmt(cv)}, clusterValues: {fmt(pv)})")
    _, truth, predicted = spec
    return (f".explicit(truth: [{', '.join(map(str, truth))}],\n"
            f"                                 predicted: [{', '.join(map(str, predicted))}])")


def labels(spec):
    if spec[0] == "random":
        return random_labels(*spec[1:])
    return spec[1], spec[2]


def main():
    out = [
        "// GENERATED by Tests/DSCMetricsTests/make_golden.py — do not edit; rerun the script.",
        f"// scikit-learn {sklearn.__version__}, SciPy {scipy.__version__}, NumPy {np.__version__}.",
        "//",
        "// Every value below comes from this snippet (make_golden.py, `reference`):",
        "//",
    ]
    source = Path(__file__).read_text()
    start = source.index("def reference")
    end = source.index("\n\n\n", start)
    out += ["//     " + line if line else "//" for line in source[start:end].splitlines()]
    out += [
        "//",
        "// with `truth`, `predicted` as `GoldenLabels` describes (SplitMix64 for `.random`).",
        "",
        "let goldenCases: [GoldenCase] = [",
    ]
    for name, spec in CASES:
        truth, predicted = labels(spec)
        ref = reference(truth, predicted)
        out.append(f"    GoldenCase(name: \"{name}\",")
        out.append(f"               labels: {swift_labels(spec)},")
        out.append(f"               firstLabels: ({truth[0]}, {predicted[0]}), "
                   f"sums: ({sum(truth)}, {sum(predicted)}),")
        fields = [f"{key}: {float(value)!r}" for key, value in ref.items()]
        out.append("               " + ", ".join(fields[:3]) + ",")
        out.append("               " + ", ".join(fields[3:6]) + ",")
        out.append("               " + ", ".join(fields[6:]) + "),")
    out.append("]")
    target = Path(__file__).with_name("GoldenCases.swift")
    target.write_text("\n".join(out) + "\n")
    print(f"wrote {target} ({len(CASES)} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
