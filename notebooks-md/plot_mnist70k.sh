#!/bin/bash
# The bar chart of notebooks-md/mnist.md's MNIST-70k table (every method with a 500-epoch layout).
cd "$(dirname "$0")"
python3 plot_bars.py figures/mnist70k-methods.svg "MNIST-70k: every method, spectral step with a 500-epoch layout" \
  "EBSC (CNN + LDFR, joint)=logs/mnist-ebsc-cnn-e20-cand-features+input-keep10-layout500-s*.json" \
  "EBSC without LDFR=logs/mnist-ebsc-cnn-e20-no-ldfr-cand-features+input-keep10-layout500-s*.json" \
  "EBSC without joint training=logs/mnist-ebsc-cnn-e20-no-joint-cand-features+input-keep10-layout500-s*.json" \
  "EBSC on raw pixels (no encoder)=logs/mnist-ebsc-raw-e10-cand-embedding-keep10-layout500-s*.json" \
  "spectral, 10-NN graph of the pixels=logs/mnist-spectral-layout500-s*.json" \
  "EnSC on the pixels=logs/mnist-ensc-layout500-s*.json" \
  "SSC-OMP on the pixels=logs/mnist-ssc-omp-layout500-s*.json" \
  "k-means on the pixels (no layout)=logs/mnist-kmeans-s*.json"
