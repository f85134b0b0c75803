"""Out-of-sample scores of `dsc cluster --predict` result files, with the clusters matched to the
classes on the clustered samples only (the held-out samples then cannot choose their matching).

usage: python3 notebooks-md/heldout_matching.py result.h5 [...]
Prints, per file: the fit's ACC, the held-out ACC with its own Hungarian matching (as dsc prints
it) and the held-out ACC under the fit's matching.
"""
import sys

import h5py
import numpy as np
from scipy.optimize import linear_sum_assignment


def matching(truth, labels, k):
    counts = np.zeros((k, k))
    np.add.at(counts, (labels, truth), 1)
    rows, cols = linear_sum_assignment(-counts)
    return dict(zip(rows, cols)), counts[rows, cols].sum() / len(truth)


for path in sys.argv[1:]:
    f = h5py.File(path)
    labels, truth = f['labels'][:], f['truth'][:]
    new, new_truth = f['predicted/labels'][:], f['predicted/truth'][:]
    k = int(max(labels.max(), truth.max(), new.max(), new_truth.max())) + 1
    fitted, fit_acc = matching(truth, labels, k)
    _, own_acc = matching(new_truth, new, k)
    fixed_acc = np.mean([fitted[c] == t for c, t in zip(new, new_truth)])
    print(f'{path}: fit ACC {fit_acc:.4f}  held-out ACC {own_acc:.4f} (own matching)  {fixed_acc:.4f} (the fit\'s matching)')
