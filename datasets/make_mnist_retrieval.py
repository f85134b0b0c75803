"""The retrieval split of all 70,000 MNIST images (the shared protocol): 1,000 queries, 100 per
class, chosen with numpy's default_rng(0); the other 69,000 are the database.

    python3 datasets/make_mnist_retrieval.py datasets/mnist.h5 datasets/mnist-queries.h5 datasets/mnist-database.h5

Each output holds `features` float32 [n, 784] (pixels in [0, 1]), `images` uint8 [n, 28, 28] and
`labels` int64 [n], rows in canonical order (train then test), and `rows` int64 [n]: the rows of
mnist.h5 they come from.
"""
import sys

import h5py
import numpy as np

src, queries_path, database_path = sys.argv[1:4]
with h5py.File(src, "r") as f:
    y = f["labels"][:]
    rng = np.random.default_rng(0)
    q = np.sort(np.concatenate([rng.choice(np.flatnonzero(y == c), 100, replace=False) for c in range(10)]))
    mask = np.ones(len(y), dtype=bool)
    mask[q] = False
    db = np.flatnonzero(mask)
    features, images = f["features"][:], f["images"][:]
    for path, rows in ((queries_path, q), (database_path, db)):
        with h5py.File(path, "w") as g:
            g.create_dataset("features", data=features[rows].astype(np.float32))
            g.create_dataset("images", data=images[rows])
            g.create_dataset("labels", data=y[rows].astype(np.int64))
            g.create_dataset("rows", data=rows.astype(np.int64))
        print(path, len(rows))
