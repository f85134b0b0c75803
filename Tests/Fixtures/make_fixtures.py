#!/usr/bin/env python3
"""Builds the small HDF5 fixtures read by Tests/DSCIOTests.

Run from anywhere:  python3 Tests/Fixtures/make_fixtures.py
Needs h5py and numpy. Every file is a few kilobytes at most; the values are fixed (no randomness),
so re-running gives the same contents. The Swift tests state the values they expect, so change
both together.
"""
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def small_float64():
    """features [6, 3] float64 with value 10*i + j, labels int32, plus attributes and extras."""
    features = np.array([[10 * i + j for j in range(3)] for i in range(6)], dtype=np.float64)
    with h5py.File(path("small_float64.h5"), "w") as f:
        f.create_dataset("features", data=features)
        f.create_dataset("labels", data=np.array([0, 1, 2, 0, 1, 2], dtype=np.int32))
        # Integral labels stored as floats are accepted; a fractional one is not.
        f.create_dataset("labels_float", data=np.array([3, 3, 1, 1, 0, 0], dtype=np.float64))
        f.create_dataset("labels_fraction", data=np.array([0, 1, 2.5, 0, 1, 2], dtype=np.float32))
        f.create_dataset("group/nested", data=np.arange(4, dtype=np.int16))
        f.attrs["source"] = "make_fixtures.py"  # variable-length UTF-8 string
        f.attrs["fixed"] = np.bytes_(b"fixed-ascii")  # fixed-length ASCII string
        f.attrs["version"] = np.int64(3)
        f.attrs["scale"] = np.float64(0.5)
        f.attrs["sizes"] = np.array([6, 3], dtype=np.int32)
        f["features"].attrs["unit"] = "none"


def small_uint8_images():
    """images [4, 5, 5] uint8 with value 25*n + 5*h + w (< 100), and a [4, 1, 5, 5] float32 copy."""
    images = np.arange(4 * 5 * 5, dtype=np.uint8).reshape(4, 5, 5)
    with h5py.File(path("small_uint8_images.h5"), "w") as f:
        f.create_dataset("features", data=images)
        f.create_dataset("nchw", data=images.reshape(4, 1, 5, 5).astype(np.float32) / 100)
        f.create_dataset("labels", data=np.array([1, 0, 1, 0], dtype=np.uint8))


def bad_nan():
    """features [4, 3] float32 with NaN at row 2 column 1; other datasets with inf and overflow."""
    features = np.ones((4, 3), dtype=np.float32)
    features[2, 1] = np.nan
    with_inf = np.zeros((3, 2), dtype=np.float64)
    with_inf[1, 0] = -np.inf
    too_big = np.zeros((2, 2), dtype=np.float64)
    too_big[1, 1] = 1e300
    with h5py.File(path("bad_nan.h5"), "w") as f:
        f.create_dataset("features", data=features)
        f.create_dataset("with_inf", data=with_inf)
        f.create_dataset("too_big", data=too_big)


def wrong_rank():
    """features is 1-D [5]; labels is 2-D [5, 2]."""
    with h5py.File(path("wrong_rank.h5"), "w") as f:
        f.create_dataset("features", data=np.arange(5, dtype=np.float32))
        f.create_dataset("labels", data=np.zeros((5, 2), dtype=np.int64))


def strings():
    """features is a 1-D dataset of variable-length strings."""
    with h5py.File(path("strings.h5"), "w") as f:
        f.create_dataset("features", data=["a", "bb", "ccc"], dtype=h5py.string_dtype())


def mismatch_labels():
    """features [12, 2] float32, labels [10] int64."""
    with h5py.File(path("mismatch_labels.h5"), "w") as f:
        f.create_dataset("features", data=np.zeros((12, 2), dtype=np.float32))
        f.create_dataset("labels", data=np.zeros(10, dtype=np.int64))


def empty():
    """features [0, 3] float32."""
    with h5py.File(path("empty.h5"), "w") as f:
        f.create_dataset("features", shape=(0, 3), dtype=np.float32)


def not_hdf5():
    with open(path("not_hdf5.h5"), "w") as f:
        f.write("this is a text file, not HDF5\n")


def truncated():
    """A valid file with features [64, 8] float32, cut to half its length."""
    full = path("truncated.h5")
    with h5py.File(full, "w") as f:
        f.create_dataset("features", data=np.arange(64 * 8, dtype=np.float32).reshape(64, 8))
    with open(full, "rb") as f:
        data = f.read()
    with open(full, "wb") as f:
        f.write(data[: len(data) // 2])


if __name__ == "__main__":
    for make in (small_float64, small_uint8_images, bad_nan, wrong_rank, strings,
                 mismatch_labels, empty, not_hdf5, truncated):
        make()
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".h5"):
            print(f"{name:24s} {os.path.getsize(path(name)):6d} bytes")
