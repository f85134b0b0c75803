"""make_mnist10k.py MNIST.h5 OUT.h5: the last 10,000 samples (MNIST's test images) of datasets/mnist.h5,
with the same datasets, types and compression."""
import sys

import h5py
import numpy as np

src, dst = sys.argv[1], sys.argv[2]
with h5py.File(src, "r") as f, h5py.File(dst, "w") as g:
    for name, ds in f.items():
        kw = {}
        if ds.compression:
            kw = dict(chunks=ds.chunks, compression=ds.compression, compression_opts=ds.compression_opts, shuffle=ds.shuffle)
        g.create_dataset(name, data=ds[-10000:], dtype=ds.dtype, **kw)
    for k, v in f.attrs.items():
        g.attrs[k] = v
    g.attrs["train_count"] = np.int64(0)
    g.attrs["description"] = "last 10000 samples (MNIST test set) of mnist.h5; " + str(f.attrs["description"])
