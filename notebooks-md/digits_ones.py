"""Digits: how the affinity graphs of dsc result files tie the two kinds of 1s to each other and to the 8s.

usage: python3 notebooks-md/digits_ones.py REFERENCE.h5 [OTHER.h5 ...]   (from the repository root)

The 1s are split by REFERENCE's labels: group A shares the cluster that holds most 8s, group B is
the rest. For every file, the summed weights of the symmetrised graph (rows scaled to a largest
value of 1) between the groups are printed, then the mean 8x8 image of A, B and the 8s as text.
A diagnostic that reads the true labels; it chose no run and no setting.
"""
import sys

import h5py
import numpy as np
import scipy.sparse as sp

ref = h5py.File(sys.argv[1])
truth, labels = ref['truth'][:], ref['labels'][:]
ones = np.where(truth == 1)[0]
eights, nines = np.where(truth == 8)[0], np.where(truth == 9)[0]
cluster_of_8s = np.bincount(labels[eights]).argmax()
A, B = ones[labels[ones] == cluster_of_8s], ones[labels[ones] != cluster_of_8s]
print(f'1s: A {len(A)} (in the 8s\' cluster of {sys.argv[1]}), B {len(B)}')

for path in sys.argv[1:]:
    a = h5py.File(path)['affinity']
    n = len(truth)
    W = sp.csr_matrix((np.abs(a['data'][:]), a['indices'][:], a['indptr'][:]), shape=(n, n))
    W = sp.diags(1 / np.maximum(W.max(axis=1).toarray().ravel(), 1e-30)) @ W
    W = ((W + W.T) / 2).tocsr()
    w = lambda P, Q: W[P][:, Q].sum()
    print(f'{path}: A-B {w(A, B):.1f}  A-8s {w(A, eights):.1f}  B-8s {w(B, eights):.1f}  B-9s {w(B, nines):.1f}'
          f'  within A {w(A, A):.1f}  within B {w(B, B):.1f}')

images = h5py.File('datasets/digits.h5')['features'][:].reshape(-1, 8, 8)
shades = ' .:-=+*#%@'
for name, group in (('A', A), ('B', B), ('8s', eights)):
    print(f'mean image of {name}:')
    for row in images[group].mean(0):
        print('   ' + ''.join(shades[min(9, int(v / 1.7))] for v in row))
