"""A check outside the toolkit: elastic-net codes of each digits sample over its K nearest
neighbours (cosine), then a UMAP layout of the graph (umap-learn's own SGD, started from the
graph's spectral embedding, 10 dimensions, min_dist 0, 500 epochs) and k-means.

usage: python3 notebooks-md/digits_local_en.py K GAMMA [center]   (from the repository root)

Per row: minimise gamma/2 |z - D c|^2 + lam |c|_1 + (1 - lam)/2 |c|^2 over the K neighbours D
(unit-norm rows; 'center' subtracts the mean pixel value first, as dsc does for feature
vectors), lam = 0.9, gamma = GAMMA x the smallest value giving a non-zero code, 500 FISTA steps.
Prints ACC and NMI for layout seeds 0, 1, 2.
"""
import sys
import warnings

import h5py
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score
from umap.umap_ import find_ab_params, simplicial_set_embedding

warnings.filterwarnings('ignore')
K, GAM = int(sys.argv[1]), float(sys.argv[2])
f = h5py.File('datasets/digits.h5')
X, y = f['features'][:].astype(np.float64), f['labels'][:]
if len(sys.argv) > 3 and sys.argv[3] == 'center':
    X = X - X.mean()
Z = X / np.linalg.norm(X, axis=1, keepdims=True)
n, LAM = len(Z), 0.9

G = Z @ Z.T
np.fill_diagonal(G, -9)
nn = np.argsort(-G, 1)[:, :K]
D = Z[nn]
b = D @ Z[:, :, None]
DD = D @ D.transpose(0, 2, 1)
gamma = GAM * LAM / np.abs(b[:, :, 0]).max(1)
step = 1 / (gamma * np.linalg.eigvalsh(DD)[:, -1] + (1 - LAM))
c = np.zeros_like(b); v = c.copy(); t = 1.0
for _ in range(500):
    u = v - step[:, None, None] * (gamma[:, None, None] * (DD @ v - b) + (1 - LAM) * v)
    c_new = np.sign(u) * np.maximum(np.abs(u) - (step * LAM)[:, None, None], 0)
    t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
    v = c_new + (t - 1) / t_new * (c_new - c); c, t = c_new, t_new
C = sp.csr_matrix((np.abs(c[:, :, 0]).ravel(), nn.ravel(), np.arange(0, n * K + 1, K)), shape=(n, n))
C.eliminate_zeros()
W = sp.coo_matrix((C + C.T) / 2)


def accuracy(truth, pred):
    M = np.zeros((10, 10))
    np.add.at(M, (truth, pred), 1)
    r, col = linear_sum_assignment(-M)
    return M[r, col].sum() / len(truth)


a, b_ = find_ab_params(1.0, 0.0)
print(f'K {K}  gamma {GAM:g}  coefficients per row {C.nnz / n:.2f}')
for seed in range(3):
    E, _ = simplicial_set_embedding(None, W, 10, 1.0, a, b_, 1.0, 5, 500, 'spectral',
                                    np.random.RandomState(seed), 'euclidean', {}, False, {}, False)
    p = KMeans(10, n_init=10, random_state=seed).fit_predict(E)
    print(f'seed {seed}: ACC {accuracy(y, p):.4f}  NMI {normalized_mutual_info_score(y, p):.4f}')
