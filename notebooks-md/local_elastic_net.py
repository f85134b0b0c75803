"""A check outside the toolkit: self-expressive (elastic-net) coefficients of each MNIST sample
over its K nearest neighbours only (cosine of the raw pixels), and the label purity of the
atoms they keep, against the plain kNN lists.

usage: python3 notebooks-md/local_elastic_net.py K GAMMA   (from the repository root; ~4 min)

Per row: minimise gamma/2 |z - D c|^2 + lam |c|_1 + (1 - lam)/2 |c|^2 over the K neighbours D
(unit-norm rows), lam = 0.9, gamma = GAMMA x the smallest value giving a non-zero code (EnSC's
convention), by 300 FISTA steps.
"""
import h5py, numpy as np, time, sys
K = int(sys.argv[1]) if len(sys.argv) > 1 else 30
GAM = float(sys.argv[2]) if len(sys.argv) > 2 else 50
LAM = 0.9
f = h5py.File('datasets/mnist.h5'); X = f['features'][:].astype(np.float32); y = f['labels'][:]
Z = X / np.linalg.norm(X, axis=1, keepdims=True)
t = time.time()
try:
    nn = np.load('nn%d.npy' % K)
except FileNotFoundError:
    nn = np.empty((len(Z), K), np.int32)
    for s in range(0, len(Z), 2000):
        G = Z[s:s+2000] @ Z.T
        G[np.arange(G.shape[0]), np.arange(s, s+G.shape[0])] = -9
        idx = np.argpartition(-G, K, axis=1)[:, :K]
        g = np.take_along_axis(G, idx, 1)
        o = np.argsort(-g, 1)
        nn[s:s+2000] = np.take_along_axis(idx, o, 1)
    np.save('nn%d.npy' % K, nn)
print('knn', time.time() - t, flush=True)
C = np.zeros((len(Z), K), np.float32)
for s in range(0, len(Z), 5000):
    D = Z[nn[s:s+5000]]                       # [b,K,d]
    z = Z[s:s+5000]
    b = D @ z[:, :, None]                     # [b,K,1]  <d_j, z>
    G = D @ D.transpose(0, 2, 1)              # [b,K,K]
    gamma = GAM * LAM / np.abs(b[:, :, 0]).max(1)   # per row
    L = np.linalg.eigvalsh(G)[:, -1]
    step = 1 / (gamma * L + (1 - LAM))
    c = np.zeros_like(b); v = c.copy(); tk = 1
    for it in range(300):
        grad = gamma[:, None, None] * (G @ v - b) + (1 - LAM) * v
        u = v - step[:, None, None] * grad
        thr = (step * LAM)[:, None, None]
        cn = np.sign(u) * np.maximum(np.abs(u) - thr, 0)
        tn = (1 + np.sqrt(1 + 4 * tk * tk)) / 2
        v = cn + (tk - 1) / tn * (cn - c); c = cn; tk = tn
    C[s:s+5000] = c[:, :, 0]
print('en', time.time() - t, flush=True)
A = np.abs(C)
rows = np.repeat(np.arange(len(Z)), K)
same = (y[rows] == y[nn.ravel()]).reshape(-1, K)
nz = A > 0
print('K', K, 'gamma', GAM, 'nnz/row %.2f' % nz.sum(1).mean(), 'purity of kept %.4f' % same[nz].mean(),
      'weighted %.4f' % (A[same].sum() / A.sum()), 'knn purity %.4f' % same.mean(), 'knn10 purity %.4f' % same[:, :10].mean())
np.save('C%d_%g.npy' % (K, GAM), C)
