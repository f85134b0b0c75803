"""Where a digits clustering goes wrong: the confusion matrix of a dsc result file, then, for every
part of a digit that sits in a cluster led by another digit, the summed graph weights that hold it
there, against those to the rest of its own digit.

usage: python3 notebooks-md/digits_errors.py RESULT.h5 [MIN_PART]   (from the repository root)

For the same parts, it also asks the question of subspace clustering itself: how much of the
part's pixels (datasets/digits.h5) a 5-dimensional subspace fitted to the rest of its digit
leaves unexplained (relative squared residual), against one fitted to its host cluster's others.

The graph is the result's affinity, symmetrised, rows scaled to a largest value of 1 (as in
digits_ones.py). Parts smaller than MIN_PART (default 20) are skipped. Also prints the size and
make-up of every connected component but the largest. A diagnostic that reads the true labels;
it chose no run and no setting.
"""
import sys

import h5py
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

result = h5py.File(sys.argv[1])
min_part = int(sys.argv[2]) if len(sys.argv) > 2 else 20
truth, labels = result['truth'][:], result['labels'][:]
n, k = len(truth), int(max(truth.max(), labels.max())) + 1
a = result['affinity']
W = sp.csr_matrix((np.abs(a['data'][:]), a['indices'][:], a['indptr'][:]), shape=(n, n))
W = sp.diags(1 / np.maximum(W.max(axis=1).toarray().ravel(), 1e-30)) @ W
W = ((W + W.T) / 2).tocsr()

confusion = np.zeros((k, k), dtype=int)
np.add.at(confusion, (truth, labels), 1)
leader = confusion.argmax(axis=0)  # the digit that leads each cluster
print('confusion (rows: digit, columns: cluster; last row: the digit leading the cluster)')
for d in range(k):
    print(f'  {d}: ' + ' '.join(f'{v:4d}' for v in confusion[d]))
print('     ' + ' '.join(f'{v:4d}' for v in leader))

weight = lambda P, Q: W[P][:, Q].sum()
pixels = h5py.File('datasets/digits.h5')['features'][:].astype(np.float64)


def residual(P, Q, dim=5):
    """Share of the squared norm of P's pixels left outside the top-`dim` subspace of Q's."""
    basis = np.linalg.svd(pixels[Q], full_matrices=False)[2][:dim].T
    return np.linalg.norm(pixels[P] - pixels[P] @ basis @ basis.T) ** 2 / np.linalg.norm(pixels[P]) ** 2


for d in range(k):
    mine = np.where(truth == d)[0]
    for c in np.unique(labels[mine]):
        part = mine[labels[mine] == c]
        if leader[c] == d or len(part) < min_part:
            continue
        rest = mine[labels[mine] != c]
        hosts = np.where((labels == c) & (truth != d))[0]
        print(f'{len(part)} {d}s in the cluster of the {leader[c]}s: within {weight(part, part):.1f},'
              f' to the other {len(rest)} {d}s {weight(part, rest):.1f},'
              f' to the cluster\'s {len(hosts)} others {weight(part, hosts):.1f};'
              f' residual in the subspace of its digit\'s rest {residual(part, rest):.3f},'
              f' of the cluster\'s others {residual(part, hosts):.3f}')

count, component = connected_components(W, directed=False)
largest = np.bincount(component).argmax()
for c in range(count):
    if c != largest:
        members = np.where(component == c)[0]
        print(f'connected component of {len(members)}: digits {dict(zip(*np.unique(truth[members], return_counts=True)))}')
