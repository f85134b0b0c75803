#!/usr/bin/env python3
"""faiss's exact binary search on the codes `DSCBench hamming --dump PREFIX` wrote.

    python3 Benchmarks/peer_faiss.py PREFIX [--runs 3]

Reads PREFIX.queries.u64 and PREFIX.database.u64 (little-endian uint64 words, [count, words]
row-major, bit j of a code = bit j % 64 of word j / 64) and PREFIX.meta.json (sizes, and our ids
and distances of the first 5 queries); builds faiss.IndexBinaryFlat(bits), adds the database, and
times index.search(queries, top) the way DSCBench does: one warm-up, then the median of `--runs`.
Prints queries/s and checks the first 5 queries against ours.

faiss stores a code as bits/8 bytes; the little-endian bytes of our words are exactly those bytes
(byte b holds bits 8b..8b+7, least significant first), so the Hamming distances are the same.
Needs `pip install faiss-cpu` (and numpy).
"""
import argparse
import json
import statistics
import time

import numpy as np

try:
    import faiss
except ImportError:
    raise SystemExit("faiss peer skipped: pip install faiss-cpu")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("prefix")
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    meta = json.load(open(a.prefix + ".meta.json"))
    bits, words, k = meta["bits"], meta["words"], meta["top"]
    if bits % 8:
        raise SystemExit(f"faiss peer: IndexBinaryFlat needs bits % 8 == 0, got {bits}")
    nbytes = bits // 8

    def codes(path, count):
        w = np.fromfile(path, dtype="<u8").reshape(count, words)
        return np.ascontiguousarray(w.view(np.uint8)[:, :nbytes])

    xq = codes(a.prefix + ".queries.u64", meta["queries"])
    xb = codes(a.prefix + ".database.u64", meta["database"])
    opts = faiss.get_compile_options() if hasattr(faiss, "get_compile_options") else "?"
    print(f"faiss {faiss.__version__} ({opts}), omp_get_max_threads() = {faiss.omp_get_max_threads()}")
    index = faiss.IndexBinaryFlat(bits)
    index.add(xb)
    label = f"faiss IndexBinaryFlat {len(xq)} x {len(xb)} x {bits} bits, top {k}"

    def run():
        t = time.perf_counter()
        out = index.search(xq, k)
        return time.perf_counter() - t, out

    warm, (D, I) = run()
    times = []
    for _ in range(a.runs):
        t, (D, I) = run()
        times.append(t)
    med = statistics.median(times)
    print(f"{label} runs: warm-up {warm:.3f} s, timed {' / '.join(f'{t:.3f}' for t in times)} s")
    print(f"{label}: {med:.3f} s median of {a.runs}, {len(xq) / med:.0f} queries/s, "
          f"{med * 1e9 / (len(xq) * len(xb)):.3f} ns per (query, code) pair")

    ours_ids = np.array(meta["ids"], dtype=np.int64)
    ours_d = np.array(meta["distances"], dtype=np.int64)
    shown = len(ours_ids)
    same_ids = same_d = 0
    for i in range(shown):
        print(f"faiss query {i}: ids {' '.join(map(str, I[i]))} | distances {' '.join(map(str, D[i]))}")
        same_ids += bool(np.array_equal(I[i], ours_ids[i]))
        same_d += bool(np.array_equal(D[i], ours_d[i]))
    # Ties at the k-th distance: both sides keep the smallest rows (ours by construction); faiss's
    # order within a distance is not documented, so the ids are compared as sets per distance too.
    same_sets = sum(
        all(set(I[i][D[i] == d]) == set(ours_ids[i][ours_d[i] == d]) for d in set(D[i][:-1]))
        for i in range(shown))
    verdict = "agree" if same_ids == shown else ("agree up to ties" if same_d == shown else "DIFFER")
    print(f"faiss against ours, first {shown} queries: ids equal in order {same_ids}/{shown}, "
          f"distances equal {same_d}/{shown}, id sets equal below the k-th distance {same_sets}/{shown}: {verdict}")
    print(f"faiss/ours queries/s: {(len(xq) / med) / meta['queries_per_second']:.2f} "
          f"(ours {meta['queries_per_second']:.0f}, faiss {len(xq) / med:.0f})")


if __name__ == "__main__":
    main()
