"""Writes digits28.h5: scikit-learn's 8x8 digits (datasets/digits.h5) redrawn the way MNIST's
images are drawn, so that an encoder trained on MNIST can embed them.

usage: python3 datasets/make_digits28.py [datasets/digits.h5] [datasets/digits28.h5]

Each 8x8 image (values 0..16) is enlarged 2.5 times by cubic spline interpolation to 20x20 (the
box MNIST fits its digits into), clipped to 0..16 and scaled to 0..255, then placed in a 28x28
frame with its centre of mass at the centre, as MNIST's images were. Datasets: `images`
[N, 28, 28] uint8, `features` [N, 784] float32 (the same pixels), `labels` [N] int64.
"""
import sys

import h5py
import numpy as np
from scipy.ndimage import center_of_mass, shift, zoom

source = sys.argv[1] if len(sys.argv) > 1 else 'datasets/digits.h5'
target = sys.argv[2] if len(sys.argv) > 2 else 'datasets/digits28.h5'
with h5py.File(source) as f:
    small, labels = f['images'][:].astype(np.float64), f['labels'][:]

out = np.zeros((len(small), 28, 28), np.float64)
for i, image in enumerate(small):
    big = np.clip(zoom(image, 2.5, order=3), 0, 16) * (255 / 16)     # 20 x 20
    frame = np.zeros((28, 28))
    frame[4:24, 4:24] = big
    cy, cx = center_of_mass(frame)
    out[i] = np.clip(shift(frame, (13.5 - cy, 13.5 - cx), order=1), 0, 255)
images = np.rint(out).astype(np.uint8)

with h5py.File(target, 'w') as f:
    f['images'] = images
    f['features'] = images.reshape(len(images), -1).astype(np.float32)
    f['labels'] = labels
print(f'{target}: {len(images)} images of 28x28')
