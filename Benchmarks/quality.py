#!/usr/bin/env python3
"""make bench-quality: the default command beside `--method spectral` on the development suite.

    python3 Benchmarks/quality.py [--sets a,b,...] [--seeds 0,1,2] [--sklearn] [--out DIR]

For every set and seed it runs `dsc cluster FILE -k K --seed S` (the default, no other flag) and
`dsc cluster FILE -k K --method spectral --seed S`, each under /usr/bin/time (wall seconds, peak
resident memory), reads the labels the run wrote, and scores them here with scikit-learn
(NMI, ARI) and the Hungarian matching (ACC). Samples labelled -1 (mnist-noise's noise images) are
clustered with the rest and left out of the scores. With --sklearn, scikit-learn's
SpectralClustering (kNN affinity, 10 neighbours) runs beside on sets of at most 10,000 samples.

Writes DIR/runs.jsonl (one line per run, appended) and DIR/quality.md (mean ± std per set and
method over the seeds). DIR defaults to Benchmarks/quality. Never part of `make test`.

The sets (datasets/make_suite.py builds them from datasets/mnist.h5; make datasets first):
digits, subspaces, mnist10k-vectors, mnist10k, mnist-imbalanced, mnist-noise, mnist70k.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DSC = os.path.join(ROOT, ".build", "release", "dsc")
SUITE = os.path.join(ROOT, "datasets", "suite")
SETS = {
    # name: (file, extra arguments naming the samples)
    "digits": (os.path.join(ROOT, "datasets", "digits.h5"), []),
    "subspaces": (os.path.join(SUITE, "subspaces.h5"), []),
    "mnist10k-vectors": (os.path.join(SUITE, "mnist10k-vectors.h5"), []),
    "mnist10k": (os.path.join(SUITE, "mnist10k.h5"), []),
    "mnist-imbalanced": (os.path.join(SUITE, "mnist-imbalanced.h5"), []),
    "mnist-noise": (os.path.join(SUITE, "mnist-noise.h5"), []),
    "mnist70k": (os.path.join(ROOT, "datasets", "mnist.h5"), ["--features-dataset", "images"]),
}


def accuracy(truth, labels):
    t = np.unique(truth, return_inverse=True)[1]
    p = np.unique(labels, return_inverse=True)[1]
    table = np.zeros((t.max() + 1, p.max() + 1))
    np.add.at(table, (t, p), 1)
    rows, cols = linear_sum_assignment(-table)
    return table[rows, cols].sum() / len(truth)


def scores(truth, labels):
    keep = truth >= 0
    t, p = truth[keep], labels[keep]
    return {
        "acc": float(accuracy(t, p)),
        "nmi": float(normalized_mutual_info_score(t, p)),
        "ari": float(adjusted_rand_score(t, p)),
    }


def run_dsc(path, extra, k, seed, method):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.h5")
        # Not --quiet: the training's plan (its expected end) is the line that starts "training:".
        args = [DSC, "cluster", path, "-k", str(k), "--seed", str(seed), "--output", out] + extra
        if method != "default":
            args += ["--method", method]
        timed = ["/usr/bin/time", "-f", "%e %M"] + args
        r = subprocess.run(timed, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"quality.py: {' '.join(args)} failed: {r.stderr.strip()}")
        lines = r.stderr.strip().splitlines()
        seconds, kib = lines[-1].split()
        plan = next((line for line in lines if line.startswith("training: ")), None)
        with h5py.File(out, "r") as f:
            labels = f["labels"][:]
        return labels, float(seconds), int(kib) / 1024, plan


def run_sklearn(path, extra, k, seed):
    from sklearn.cluster import SpectralClustering

    with h5py.File(path, "r") as f:
        name = extra[1] if extra else "features"
        x = f[name][:].astype(np.float32).reshape(len(f[name]), -1)
    start = time.time()
    labels = SpectralClustering(
        k, affinity="nearest_neighbors", n_neighbors=10, random_state=seed, n_jobs=1
    ).fit_predict(x)
    return labels, time.time() - start, None  # peak memory is not measured for the peer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--sklearn", action="store_true")
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks", "quality"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    log = os.path.join(a.out, "runs.jsonl")
    for name in a.sets.split(","):
        path, extra = SETS[name]
        if not os.path.exists(path):
            sys.exit(f"quality.py: {path} is missing (make datasets, then python3 datasets/make_suite.py)")
        with h5py.File(path, "r") as f:
            truth = f["labels"][:]
        k = len(set(truth.tolist()) - {-1})
        methods = ["default", "spectral"] + (["sklearn"] if a.sklearn and len(truth) <= 10_000 else [])
        for seed in [int(s) for s in a.seeds.split(",")]:
            for method in methods:
                plan = None
                if method == "sklearn":
                    labels, seconds, mib = run_sklearn(path, extra, k, seed)
                else:
                    labels, seconds, mib, plan = run_dsc(path, extra, k, seed, method)
                row = {"set": name, "n": len(truth), "method": method, "seed": seed,
                       "seconds": seconds, "peak_mib": mib, **scores(truth, labels)}
                if plan:
                    row["plan"] = plan
                print(json.dumps(row), flush=True)
                with open(log, "a") as f:
                    f.write(json.dumps(row) + "\n")
    write_table(log, os.path.join(a.out, "quality.md"))


def peak(rs):
    values = [r["peak_mib"] for r in rs if r.get("peak_mib") is not None and r["peak_mib"] == r["peak_mib"]]
    return f"{max(values):.0f}" if values else "—"


def write_table(log, path):
    rows = [json.loads(line) for line in open(log)]
    groups = {}
    for r in rows:
        groups.setdefault((r["set"], r["method"]), []).append(r)
    order = list(SETS)
    lines = ["| set | N | method | seeds | ACC | NMI | ARI | seconds | peak MiB |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (name, method), rs in sorted(groups.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        def ms(key, digits=4):
            v = np.array([r[key] for r in rs], dtype=float)
            return f"{v.mean():.{digits}f} ± {v.std():.{digits}f}"
        lines.append(f"| {name} | {rs[0]['n']} | {method} | {len(rs)} | {ms('acc')} | {ms('nmi')} | {ms('ari')} "
                     f"| {np.mean([r['seconds'] for r in rs]):.1f} | {peak(rs)} |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
