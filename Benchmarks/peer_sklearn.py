"""scikit-learn peer for `make bench`: the same data clustered side by side.

usage: python3 Benchmarks/peer_sklearn.py FILE.h5 K [--rows N] [--seeds S] [--subset-out OUT.h5]

Runs SpectralClustering(affinity="nearest_neighbors", n_neighbors=10) on the first N rows of
`features` (raw values, as `dsc cluster` sees them) and prints ACC/NMI/ARI (mean ± std over seeds)
and seconds. With --subset-out, also writes those rows (features, labels) to OUT.h5 so that dsc
clusters exactly the same samples.
"""
import argparse, time
import h5py, numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import SpectralClustering
from sklearn.metrics import normalized_mutual_info_score, adjusted_rand_score


def acc(y, p):
    classes, yi = np.unique(y, return_inverse=True)
    clusters, pi = np.unique(p, return_inverse=True)
    table = np.zeros((len(classes), len(clusters)), dtype=np.int64)
    np.add.at(table, (yi, pi), 1)
    r, c = linear_sum_assignment(-table)
    return table[r, c].sum() / len(y)


ap = argparse.ArgumentParser()
ap.add_argument("file"); ap.add_argument("k", type=int)
ap.add_argument("--rows", type=int); ap.add_argument("--seeds", type=int, default=1)
ap.add_argument("--subset-out")
a = ap.parse_args()
with h5py.File(a.file, "r") as f:
    n = a.rows or f["features"].shape[0]
    X = f["features"][:n].reshape(n, -1).astype(np.float32)
    y = f["labels"][:n].astype(np.int64)
if a.subset_out:
    with h5py.File(a.subset_out, "w") as g:
        g["features"] = X; g["labels"] = y
scores, times = [], []
for seed in range(a.seeds):
    t = time.perf_counter()
    p = SpectralClustering(n_clusters=a.k, affinity="nearest_neighbors", n_neighbors=10,
                           random_state=seed, n_jobs=2).fit_predict(X)
    times.append(time.perf_counter() - t)
    scores.append((acc(y, p), normalized_mutual_info_score(y, p), adjusted_rand_score(y, p)))
s = np.array(scores); t = np.array(times)
sd = lambda v: v.std(ddof=1) if len(v) > 1 else 0.0
print(f"sklearn {n}x{X.shape[1]} ACC: {s[:,0].mean():.4f} ± {sd(s[:,0]):.4f}")
print(f"sklearn {n}x{X.shape[1]} NMI: {s[:,1].mean():.4f} ± {sd(s[:,1]):.4f}")
print(f"sklearn {n}x{X.shape[1]} ARI: {s[:,2].mean():.4f} ± {sd(s[:,2]):.4f}")
print(f"sklearn {n}x{X.shape[1]} seconds: {t.mean():.2f}")
