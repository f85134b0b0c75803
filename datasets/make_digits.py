#!/usr/bin/env python3
"""Builds datasets/digits.h5 from the copy of the UCI optical digits shipped inside scikit-learn.

    python3 datasets/make_digits.py [OUT.h5]      # default: datasets/digits.h5 beside this script

Reads sklearn/datasets/data/digits.csv.gz from the installed scikit-learn (found with importlib,
nothing is downloaded): 1797 rows of 65 integers, 64 pixels (8x8, values 0..16) then the label.
Writes, atomically (a temporary file beside OUT, then a rename):

    features  float32 [1797, 64]    pixels as stored, 0..16
    images    float32 [1797, 8, 8]  the same pixels as images
    labels    int64   [1797]        digit 0..9
    attributes: source, licence, description

Needs numpy and h5py. The datasets are gzip-compressed (HDF5's built-in deflate filter).
"""
import gzip
import importlib.util
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def digits_csv():
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("make_digits.py: scikit-learn is not installed (pip install scikit-learn)")
    path = os.path.join(spec.submodule_search_locations[0], "datasets", "data", "digits.csv.gz")
    if not os.path.exists(path):
        sys.exit(f"make_digits.py: {path} not found in the installed scikit-learn")
    return path


def load(path):
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    if table.shape != (1797, 65):
        sys.exit(f"make_digits.py: {path} has shape {table.shape}, expected (1797, 65)")
    pixels, labels = table[:, :64], table[:, 64]
    if pixels.min() < 0 or pixels.max() > 16 or labels.min() < 0 or labels.max() > 9:
        sys.exit(f"make_digits.py: {path} has values outside pixels 0..16 / labels 0..9")
    return pixels.astype(np.float32), labels.astype(np.int64)


def write(out, features, labels):
    tmp = os.path.join(os.path.dirname(os.path.abspath(out)), f".{os.path.basename(out)}.tmp-{os.getpid()}")
    try:
        with h5py.File(tmp, "w") as f:
            options = dict(compression="gzip", compression_opts=9, shuffle=True)
            f.create_dataset("features", data=features, chunks=(1797, 64), **options)
            f.create_dataset("images", data=features.reshape(-1, 8, 8), chunks=(1797, 8, 8), **options)
            f.create_dataset("labels", data=labels, **options)
            f.attrs["source"] = ("UCI ML optical recognition of handwritten digits (test set), E. Alpaydin and "
                                 "C. Kaynak 1998, as shipped in scikit-learn: sklearn/datasets/data/digits.csv.gz")
            f.attrs["licence"] = ("scikit-learn package: BSD-3-Clause; UCI data set: CC BY 4.0 "
                                  "(https://archive.ics.uci.edu/dataset/80)")
            f.attrs["description"] = "1797 8x8 digit images, pixels 0..16 (counts in 4x4 blocks of 32x32), 10 classes"
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "digits.h5")
    features, labels = load(digits_csv())
    write(out, features, labels)
    counts = np.bincount(labels, minlength=10).tolist()
    print(f"{out}: features {features.shape} float32, labels {labels.shape} int64, per class {counts}")


if __name__ == "__main__":
    main()
