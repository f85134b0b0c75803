"""10-NN label purity of each representation in a file written by `EBSCProbe ... --export OUT.h5`.

usage: python3 notebooks-md/representation_purity.py OUT.h5 [k]

For each dataset but `labels` (the CNN backbone's pooled features `backbone`, the embeddings `z`):
rows L2-normalised, each sample's k nearest others by cosine (blocks of 2,048 rows through numpy's
matmul), and the share of those pairs with the same label. A diagnostic that reads the labels;
never used to choose a run.
"""
import sys

import h5py
import numpy as np

f = h5py.File(sys.argv[1])
k = int(sys.argv[2]) if len(sys.argv) > 2 else 10
truth = f['labels'][:]
for name in f:
    if name == 'labels':
        continue
    x = f[name][:].astype(np.float32)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    same = 0
    for s in range(0, len(x), 2048):
        sim = x[s:s + 2048] @ x.T
        sim[np.arange(sim.shape[0]), np.arange(s, s + sim.shape[0])] = -np.inf
        nn = np.argpartition(-sim, k, axis=1)[:, :k]
        same += (truth[nn] == truth[s:s + 2048, None]).sum()
    print(f'{name}: {x.shape[1]} columns, {k}-NN purity {same / (len(x) * k):.4f}')
