"""A check outside the toolkit: the design's other affinity, a kNN graph over the rows of C, on a
digits result file (W's symmetrised rows stand in for C's, which the file does not hold).

usage: python3 notebooks-md/digits_rows_of_c.py RESULT.h5   (from the repository root)

Prints ACC and NMI of scikit-learn's spectral clustering (precomputed affinity, k-means seeds
0, 1, 2) for W itself, the cosine of W's rows, and its 10-NN and 20-NN graphs, without and with
each sample's own entry (its row's largest weight) added to its row.
"""
import sys
import warnings

import h5py
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import SpectralClustering
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import normalize

warnings.filterwarnings('ignore')
result = h5py.File(sys.argv[1])
truth, a = result['truth'][:], result['affinity']
n = len(truth)
W = sp.csr_matrix((np.abs(a['data'][:]), a['indices'][:], a['indptr'][:]), shape=(n, n))


def accuracy(pred):
    M = np.zeros((10, 10))
    np.add.at(M, (truth, pred), 1)
    r, c = linear_sum_assignment(-M)
    return M[r, c].sum() / n


def report(A, name):
    runs = [SpectralClustering(10, affinity='precomputed', random_state=s, n_init=100).fit_predict(A)
            for s in range(3)]
    print(f'{name}: ACC {" / ".join(f"{accuracy(p):.4f}" for p in runs)}'
          f'  NMI {normalized_mutual_info_score(truth, runs[0]):.4f}  edges per row {(A > 0).sum() / n:.1f}')


def nearest(S, k):
    T = np.zeros_like(S)
    idx = np.argsort(-S, 1)[:, :k]
    np.put_along_axis(T, idx, np.take_along_axis(S, idx, 1), 1)
    return np.maximum(T, T.T)


report(W.toarray(), 'W')
for own in (0, 1):
    R = normalize(W + own * sp.diags(W.max(axis=1).toarray().ravel()))
    S = (R @ R.T).toarray()
    np.fill_diagonal(S, 0)
    tag = ', own entry added' if own else ''
    report(S, f'cosine of the rows{tag}')
    for k in (10, 20):
        report(nearest(S, k), f'{k}-NN over the rows{tag}')
