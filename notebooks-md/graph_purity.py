"""Label purity of the affinity graphs in dsc result files (`dsc cluster ... -o result.h5`).

usage: python3 notebooks-md/graph_purity.py result.h5 [...]   (run from the repository root)

For each file: stored edges per row, the share of edges joining two samples of the same MNIST
label, the same share weighted by the edge weights, the weights' coefficient of variation, and
the smallest row degree. A diagnostic that reads the labels; never used to choose a run.
"""
import h5py, numpy as np, sys
truth = h5py.File('datasets/mnist.h5')['labels'][:]
for p in sys.argv[1:]:
    f = h5py.File(p); a = f['affinity']
    ip, ix, d = a['indptr'][:], a['indices'][:], a['data'][:]
    rows = np.repeat(np.arange(len(ip)-1), np.diff(ip))
    same = truth[rows] == truth[ix]
    deg = np.diff(ip)
    print(p, 'edges/row %.2f' % (len(ix)/ (len(ip)-1)), 'purity %.4f' % same.mean(), 'weighted %.4f' % (d[same].sum()/d.sum()),
          'w cv %.3f' % (d.std()/d.mean()), 'min deg', deg.min())
